"""SQLite store: documents, their metadata, references and passages (with integer row ids).

Passage row ids (`pid`) are what the dense and keyword indexes hold. AUTOINCREMENT keeps them from
ever being reused, so a stale id can never point at another passage.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ingest.records import Metadata, ParsedDocument, Passage, Reference
from index.records import DocumentInfo, StoredDocument

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source_path TEXT, source_format TEXT, content_hash TEXT,
    text TEXT, page_starts TEXT, metadata TEXT, title TEXT, doc_type TEXT, number TEXT,
    issuer TEXT, date TEXT, n_passages INTEGER, ingested_at TEXT);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS refs (
    doc_id TEXT, doc_type TEXT, number TEXT, date TEXT, issuer TEXT, start INTEGER, end INTEGER);
CREATE INDEX IF NOT EXISTS refs_doc ON refs(doc_id);
CREATE TABLE IF NOT EXISTS passages (
    pid INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, ordinal INTEGER,
    heading_path TEXT, pages TEXT, start INTEGER, end INTEGER, text TEXT, tokens TEXT,
    scanned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
"""

_INFO_COLS = "doc_id, title, doc_type, number, issuer, date, source_path, source_format, n_passages, ingested_at"


class Store:
    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        if not readonly:
            self.conn.executescript(SCHEMA)
        # `scanned` (passage read by OCR) came later: add it to an older index, read 0 where absent
        self._scanned = "scanned" in {r[1] for r in self.conn.execute("PRAGMA table_info(passages)")}
        if not self._scanned and not readonly:
            self.conn.execute("ALTER TABLE passages ADD COLUMN scanned INTEGER NOT NULL DEFAULT 0")
            self._scanned = True

    def copy_to(self, path: Path) -> "Store":
        """A writable copy (SQLite backup API), for building the next generation."""
        dst = sqlite3.connect(path)
        self.conn.backup(dst)
        dst.close()
        return Store(path)

    def close(self) -> None:
        self.conn.close()

    # meta
    def get_meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # documents
    def doc_by_hash(self, content_hash: str) -> str | None:
        row = self.conn.execute("SELECT doc_id FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return row[0] if row else None

    def source_of(self, doc_id: str) -> str | None:
        """The file path a stored document was read from (None: no such document)."""
        row = self.conn.execute("SELECT source_path FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def has_document(self, doc_id: str, content_hash: str | None = None) -> bool:
        """Whether `doc_id` is stored (with exactly this content_hash, when one is given)."""
        if content_hash is None:
            return self.conn.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None
        return self.conn.execute("SELECT 1 FROM documents WHERE doc_id=? AND content_hash=?",
                                 (doc_id, content_hash)).fetchone() is not None

    def add_document(self, doc: ParsedDocument, tokens: list[list[str]]) -> list[int]:
        """Insert a document (replacing one with the same id); returns the new passage ids."""
        m = doc.metadata
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.doc_id, doc.source_path, doc.source_format, doc.content_hash, doc.text,
             json.dumps(list(doc.page_starts)), json.dumps(m.__dict__, ensure_ascii=False),
             m.title or doc.doc_id, m.doc_type, m.number, m.issuer, m.date, len(doc.passages), now))
        self.conn.executemany(
            "INSERT INTO refs VALUES (?,?,?,?,?,?,?)",
            [(doc.doc_id, r.doc_type, r.number, r.date, r.issuer, r.start, r.end) for r in doc.references])
        pids = []
        for p, toks in zip(doc.passages, tokens):
            cur = self.conn.execute(
                "INSERT INTO passages (doc_id, ordinal, heading_path, pages, start, end, text, tokens, scanned)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, p.ordinal, json.dumps(list(p.heading_path), ensure_ascii=False),
                 json.dumps(list(p.pages)), p.start, p.end, p.text, " ".join(toks), int(p.scanned)))
            pids.append(int(cur.lastrowid))
        return pids

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document; returns the passage ids that went with it."""
        pids = [r[0] for r in self.conn.execute("SELECT pid FROM passages WHERE doc_id=?", (doc_id,))]
        for table in ("passages", "refs", "documents"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
        return pids

    def commit(self) -> None:
        self.conn.commit()

    def documents(self) -> list[DocumentInfo]:
        rows = self.conn.execute(f"SELECT {_INFO_COLS} FROM documents ORDER BY date DESC, doc_id")
        return [DocumentInfo(*r) for r in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        row = self.conn.execute(f"SELECT {_INFO_COLS}, text, metadata, content_hash, page_starts"
                                " FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        info = DocumentInfo(*row[:10])
        refs = tuple(Reference(*r) for r in self.conn.execute(
            "SELECT doc_type, number, date, issuer, start, end FROM refs WHERE doc_id=? ORDER BY start", (doc_id,)))
        scanned = "scanned" if self._scanned else "0"
        passages = tuple(
            Passage(doc_id, o, tuple(json.loads(h)), tuple(json.loads(pg)), s, e, t, bool(sc))
            for o, h, pg, s, e, t, sc in self.conn.execute(
                f"SELECT ordinal, heading_path, pages, start, end, text, {scanned} FROM passages WHERE doc_id=?"
                " ORDER BY ordinal", (doc_id,)))
        return StoredDocument(info=info, text=row[10], passages=passages, references=refs,
                              metadata=Metadata(**json.loads(row[11])), content_hash=row[12],
                              page_starts=tuple(json.loads(row[13])))

    # passages
    def passage_rows(self, pids: Iterable[int]) -> dict[int, tuple]:
        """pid -> (doc_id, ordinal, heading_path, pages, start, end, text)."""
        pids = list(pids)
        out: dict[int, tuple] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i:i + 500]
            for r in self.conn.execute(
                    "SELECT pid, doc_id, ordinal, heading_path, pages, start, end, text FROM passages"
                    f" WHERE pid IN ({','.join('?' * len(chunk))})", chunk):
                out[r[0]] = (r[1], r[2], tuple(json.loads(r[3])), tuple(json.loads(r[4])), r[5], r[6], r[7])
        return out

    def doc_of(self, pids: Iterable[int]) -> dict[int, str]:
        pids = list(pids)
        out: dict[int, str] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT pid, doc_id FROM passages WHERE pid IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def pid_docs(self) -> list[tuple[int, str]]:
        """(pid, doc_id) of every passage (read from the passages_doc index, not the wide rows)."""
        return self.conn.execute("SELECT pid, doc_id FROM passages").fetchall()

    def all_tokens(self) -> tuple[list[int], list[list[str]]]:
        pids, tokens = [], []
        for pid, toks in self.conn.execute("SELECT pid, tokens FROM passages ORDER BY pid"):
            pids.append(pid)
            tokens.append(toks.split())
        return pids, tokens

    def pids_of_docs(self, doc_ids: Iterable[str]) -> list[int]:
        doc_ids = list(doc_ids)
        out: list[int] = []
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i:i + 500]
            out += [r[0] for r in self.conn.execute(
                f"SELECT pid FROM passages WHERE doc_id IN ({','.join('?' * len(chunk))}) ORDER BY pid", chunk)]
        return out

    def doc_fields(self) -> list[tuple[str, str, str, str, str]]:
        """(doc_id, doc_type, issuer, date, number) of every document, for filtering."""
        return list(self.conn.execute("SELECT doc_id, doc_type, issuer, date, number FROM documents"))

    def count_passages(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def count_documents(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
