"""SQLite store: documents, their metadata, references and passages (with integer row ids).

Passage row ids (`pid`) are what the dense and keyword indexes hold. AUTOINCREMENT keeps them from
ever being reused, so a stale id can never point at another passage.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from ingest.records import DocumentHeader, Metadata, ParsedDocument, Passage, Reference
from index import passage_docs
from index.records import DocumentInfo, PassageRow, StoredDocument
from index.topic_store import TopicTable

SKETCHED = "sketched"  # meta key: "all" once every document has its duplicate sketch (doc_sketch)
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
    role TEXT NOT NULL DEFAULT 'content',
    scanned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE TABLE IF NOT EXISTS doc_sketch (doc_id TEXT NOT NULL, h INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS doc_sketch_h ON doc_sketch(h);
CREATE INDEX IF NOT EXISTS doc_sketch_doc ON doc_sketch(doc_id);
CREATE TABLE IF NOT EXISTS annotations (
    doc_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT, at TEXT,
    PRIMARY KEY (doc_id, kind, key));
"""
# annotations: what the user or the ingest run says about a document, kept apart from what parsing
# read, so re-parsing never loses it. kind "correction": key = field (doc_type, number, issuer, date,
# title), value = the corrected value. kind "copy": key = the path of another file holding the same
# document (same number and date, or near-identical text), value = JSON {format, hash, reason}.
CORRECTABLE = ("doc_type", "number", "issuer", "date", "title")

_INFO_COLS = "doc_id, title, doc_type, number, issuer, date, source_path, source_format, n_passages, ingested_at"


class Store:
    def __init__(self, path: Path, readonly: bool = False, snapshot: bool = False):
        """readonly: a generation's own store file (the layout before issue 14). snapshot: the shared
        store read as of now, inside a read transaction held until close(), so a reader keeps seeing
        the generation it loaded while a writer commits the next one (SQLite WAL)."""
        self.path = Path(path)
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        if snapshot:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM meta").fetchone()  # the snapshot starts here
        elif not readonly:
            if str(path) != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")  # readers keep their snapshot while we write
            self.conn.executescript(SCHEMA)
        # `scanned` (passage read by OCR) came later: add it to an older index, read 0 where absent
        self._scanned = "scanned" in {r[1] for r in self.conn.execute("PRAGMA table_info(passages)")}
        if not self._scanned and not readonly and not snapshot:
            self.conn.execute("ALTER TABLE passages ADD COLUMN scanned INTEGER NOT NULL DEFAULT 0")
            self._scanned = True
        self.topics = TopicTable(self.conn, writable=not readonly and not snapshot)  # index/topic_store.py
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(passages)")}
        if not readonly and not snapshot and "role" in columns:
            # the few letterhead/signature passages, read at every generation load without a full scan
            self.conn.execute("CREATE INDEX IF NOT EXISTS passages_boilerplate ON passages(pid) "
                              "WHERE role != 'content'")
        if not readonly and not snapshot:
            # the document list and the filter fields without walking past each row's full text (the
            # columns come after it): documents() at 100k documents 2.1 s -> 0.3 s; and a hit's header
            # by doc_id (issue 14, fifth pass: 10 headers read cold at 10^6 passages 8.8 -> 0.4 ms)
            self.conn.execute("CREATE INDEX IF NOT EXISTS documents_listing ON documents(date DESC, doc_id, title, "
                              "doc_type, number, issuer, source_path, source_format, n_passages, ingested_at)")
            self.conn.execute("CREATE INDEX IF NOT EXISTS documents_header ON documents(doc_id, doc_type, number, "
                              "date, issuer, title)")
            if self.get_meta(SKETCHED) != "all" and not self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone():
                self.set_meta(SKETCHED, "all")  # a new store: every document will get its sketch
                self.conn.commit()
        # named: for doc_id = ? SQLite's planner takes the primary key's unique index, then the row
        self._headers_from = "documents INDEXED BY documents_header" if self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'documents_header'").fetchone() else "documents"

    def copy_to(self, path: Path) -> "Store":
        """A writable copy (SQLite backup API), for building the next generation."""
        dst = sqlite3.connect(path)
        self.conn.backup(dst)
        dst.close()
        return Store(path)

    def close(self) -> None:
        self.conn.close()

    def rollback(self) -> None:
        self.conn.rollback()

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
                "INSERT INTO passages (doc_id, ordinal, heading_path, pages, start, end, text, tokens, role, scanned)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, p.ordinal, json.dumps(list(p.heading_path), ensure_ascii=False),
                 json.dumps(list(p.pages)), p.start, p.end, p.text, " ".join(toks), p.role, int(p.scanned)))
            pids.append(int(cur.lastrowid))
        return pids

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document; returns the passage ids that went with it."""
        pids = [r[0] for r in self.conn.execute("SELECT pid FROM passages WHERE doc_id=?", (doc_id,))]
        for table in ("passages", "refs", "documents", "doc_sketch"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
        return pids

    def commit(self) -> None:
        self.conn.commit()

    def documents(self) -> list[DocumentInfo]:
        rows = self.conn.execute(f"SELECT {_INFO_COLS} FROM documents ORDER BY date DESC, doc_id")
        return [_info(r) for r in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        row = self.conn.execute(f"SELECT {_INFO_COLS}, text, metadata, content_hash, page_starts"
                                " FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        info = _info(row[:10])
        refs = tuple(Reference(*r) for r in self.conn.execute(
            "SELECT doc_type, number, date, issuer, start, end FROM refs WHERE doc_id=? ORDER BY start", (doc_id,)))
        scanned = "scanned" if self._scanned else "0"
        passages = tuple(
            Passage(doc_id, o, tuple(json.loads(h)), tuple(json.loads(pg)), s, e, t, r, bool(sc))
            for o, h, pg, s, e, t, r, sc in self.conn.execute(
                f"SELECT ordinal, heading_path, pages, start, end, text, role, {scanned} FROM passages WHERE doc_id=?"
                " ORDER BY ordinal", (doc_id,)))
        return StoredDocument(info=info, text=row[10], passages=passages, references=refs,
                              metadata=Metadata(**json.loads(row[11])), content_hash=row[12],
                              page_starts=tuple(json.loads(row[13])))

    # passages
    def passage_rows(self, pids: Iterable[int]) -> dict[int, PassageRow]:
        pids = list(pids)
        out: dict[int, PassageRow] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i:i + 500]
            scanned = "scanned" if self._scanned else "0"
            for r in self.conn.execute(
                    f"SELECT pid, doc_id, ordinal, heading_path, pages, start, end, text, {scanned} FROM passages"
                    f" WHERE pid IN ({','.join('?' * len(chunk))})", chunk):
                out[r[0]] = PassageRow(r[0], r[1], r[2], tuple(json.loads(r[3])), tuple(json.loads(r[4])),
                                       r[5], r[6], r[7], bool(r[8]))
        return out

    def passage_texts(self, pids: Iterable[int]) -> dict[int, str]:
        """pid -> text: the columns before it only (`scanned`, after the tokens, walks their overflow pages)."""
        pids = list(pids)
        return {pid: text for chunk in _chunks(pids) for pid, text in self.conn.execute(
            f"SELECT pid, text FROM passages WHERE pid IN ({','.join('?' * len(chunk))})", chunk)}

    def headers(self, doc_ids: Iterable[str]) -> dict[str, DocumentHeader]:
        """doc_id -> header of each of these documents that is stored, in one query."""
        return {r[0]: DocumentHeader(*r[1:]) for chunk in _chunks(list(doc_ids)) for r in self.conn.execute(
            f"SELECT doc_id, doc_type, number, date, issuer, title FROM {self._headers_from}"
            f" WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)}

    def doc_of(self, pids: Iterable[int]) -> dict[int, str]:
        pids = list(pids)
        out: dict[int, str] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT pid, doc_id FROM passages WHERE pid IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def boilerplate_pids(self) -> set[int]:
        """Passages that are not content (letterhead, signature, recipients, site chrome)."""
        return {r[0] for r in self.conn.execute("SELECT pid FROM passages WHERE role != 'content'")}

    def pid_docs(self) -> list[tuple[int, str]]:
        """(pid, doc_id) of every passage (read from the passages_doc index, not the wide rows)."""
        return self.conn.execute("SELECT pid, doc_id FROM passages").fetchall()

    def passage_runs(self) -> list[tuple[str, int, int]]:
        """(doc_id, first pid, last pid) of each document, or of each run of consecutive ids of one
        whose ids are not consecutive (index/passage_docs.py): two index seeks per document instead
        of a million rows out of SQLite. Exact: the ranges must be disjoint and hold every passage,
        else every (pid, doc_id) is read."""
        rows = self.conn.execute(
            "SELECT doc_id, n_passages, (SELECT min(pid) FROM passages p WHERE p.doc_id = d.doc_id),"
            " (SELECT max(pid) FROM passages p WHERE p.doc_id = d.doc_id) FROM documents d").fetchall()
        out = [(doc_id, lo, hi) for doc_id, n, lo, hi in rows if lo is not None and hi - lo + 1 == n]
        scattered = [doc_id for doc_id, n, lo, hi in rows if lo is not None and hi - lo + 1 != n]
        out += passage_docs.runs(row for chunk in _chunks(scattered) for row in self.conn.execute(
            f"SELECT pid, doc_id FROM passages WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk))
        out.sort(key=lambda r: r[1])
        disjoint = all(a[2] < b[1] for a, b in zip(out, out[1:]))
        if disjoint and sum(hi - lo + 1 for _, lo, hi in out) == self.count_passages():
            return out
        return passage_docs.runs(self.pid_docs())

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

    def doc_fields(self, doc_ids: Iterable[str] | None = None) -> list[tuple[str, str, str, str, str]]:
        """(doc_id, doc_type, issuer, date, number) of every document (or of `doc_ids`), for filtering."""
        sql = "SELECT doc_id, doc_type, issuer, date, number FROM documents"
        if doc_ids is None:
            return list(self.conn.execute(sql))
        return [row for chunk in _chunks(list(doc_ids))
                for row in self.conn.execute(f"{sql} WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)]

    def doc_fields_dated(self, date: str) -> list[tuple[str, str, str, str, str]]:
        """doc_fields of the documents dated `date` (the listing index has date first: a look-up,
        where reading every document's fields cost ~150 ms per added file at 10^5 documents)."""
        return list(self.conn.execute(
            "SELECT doc_id, doc_type, issuer, date, number FROM documents WHERE date = ?", (date,)))

    def passage_roles(self, doc_ids: Iterable[str]) -> list[tuple[int, str, str]]:
        """(pid, doc_id, role) of the passages of `doc_ids`."""
        return [row for chunk in _chunks(list(doc_ids)) for row in self.conn.execute(
            f"SELECT pid, doc_id, role FROM passages WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)]

    def count_passages(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def count_documents(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    # annotations: duplicates and corrections (issue 12, item 7)
    def _annotations(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # a read-only store from before the table existed
            return []

    def add_copy(self, doc_id: str, source_path: str, source_format: str, content_hash: str, reason: str) -> None:
        """Record another file holding document `doc_id` (kept once in the index)."""
        value = json.dumps({"format": source_format, "hash": content_hash, "reason": reason}, ensure_ascii=False)
        self.conn.execute("INSERT OR REPLACE INTO annotations VALUES (?, 'copy', ?, ?, ?)",
                          (doc_id, source_path, value, datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def copies(self, doc_id: str) -> list[dict]:
        """Other files of the same document: [{"path", "format", "hash", "reason"}]."""
        rows = self._annotations("SELECT key, value FROM annotations WHERE doc_id=? AND kind='copy' ORDER BY at, key",
                                 (doc_id,))
        return [{"path": key} | json.loads(value) for key, value in rows]

    def doc_by_copy_hash(self, content_hash: str) -> str | None:
        for doc_id, value in self._annotations("SELECT doc_id, value FROM annotations WHERE kind='copy'"):
            if json.loads(value).get("hash") == content_hash:
                return doc_id
        return None

    def set_corrections(self, doc_id: str, fields: dict[str, str]) -> None:
        """Store corrected values ("" removes a correction: the parsed value shows again)."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for key, value in fields.items():
            if key not in CORRECTABLE:
                raise ValueError(f"không sửa được trường {key!r}; chỉ {', '.join(CORRECTABLE)}")
            if value:
                self.conn.execute("INSERT OR REPLACE INTO annotations VALUES (?, 'correction', ?, ?, ?)",
                                  (doc_id, key, value, now))
            else:
                self.conn.execute("DELETE FROM annotations WHERE doc_id=? AND kind='correction' AND key=?",
                                  (doc_id, key))

    def corrections(self, doc_id: str) -> dict[str, str]:
        return dict(self._annotations(
            "SELECT key, value FROM annotations WHERE doc_id=? AND kind='correction'", (doc_id,)))

    def apply_corrections(self, doc_id: str, reparsed: bool = False) -> None:
        """Show a document with its corrections: the listed columns and the stored Metadata take the
        corrected values. What parsing read is kept beside them (kind "parsed"), so removing a
        correction shows it again; `reparsed`: the row was just written by parsing (re-ingestion)."""
        fixes = self.corrections(doc_id)
        row = self.conn.execute("SELECT metadata FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None or (reparsed and not fixes):
            return
        meta = json.loads(row[0])
        parsed = {} if reparsed else dict(self._annotations(
            "SELECT key, value FROM annotations WHERE doc_id=? AND kind='parsed'", (doc_id,)))
        if not parsed:
            parsed = {k: meta.get(k, "") or "" for k in CORRECTABLE}
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self.conn.executemany("INSERT OR REPLACE INTO annotations VALUES (?, 'parsed', ?, ?, ?)",
                                  [(doc_id, k, v, now) for k, v in parsed.items()])
        effective = {k: fixes.get(k) or parsed.get(k, "") for k in CORRECTABLE}
        meta.update(effective)
        self.conn.execute(
            "UPDATE documents SET metadata=?, title=?, doc_type=?, number=?, issuer=?, date=? WHERE doc_id=?",
            (json.dumps(meta, ensure_ascii=False), effective["title"] or doc_id, effective["doc_type"],
             effective["number"], effective["issuer"], effective["date"], doc_id))

    def texts_like(self, length: int, hashes: list[int], needed: int, ratio: float = 1.25
                   ) -> list[tuple[str, str]]:
        """(doc_id, text) of stored documents whose text length is within `ratio` of `length` and that
        share at least `needed` of the sketch `hashes` (index/duplicates.py), plus those stored
        before sketches were kept (filled in by add_missing_sketches)."""
        bounds = (int(length / ratio), int(length * ratio) + 1)
        ids = [r[0] for chunk in _chunks(hashes) for r in self.conn.execute(
            f"SELECT doc_id FROM doc_sketch WHERE h IN ({','.join('?' * len(chunk))})", chunk)]
        counts: dict[str, int] = {}
        for doc_id in ids:
            counts[doc_id] = counts.get(doc_id, 0) + 1
        close = [d for d, n in counts.items() if n >= needed]
        out = [row for chunk in _chunks(close) for row in self.conn.execute(
            f"SELECT doc_id, text FROM documents WHERE doc_id IN ({','.join('?' * len(chunk))}) "
            "AND length(text) BETWEEN ? AND ?", (*chunk, *bounds))]
        return out + [row for chunk in _chunks(self.unsketched()) for row in self.conn.execute(
            f"SELECT doc_id, text FROM documents WHERE doc_id IN ({','.join('?' * len(chunk))}) "
            "AND length(text) BETWEEN ? AND ?", (*chunk, *bounds))]

    def unsketched(self) -> list[str]:
        """Documents stored before sketches were kept (their texts are not read to find them); none
        once the store says so (the query walks every document: ~70 ms per added file at 10^5)."""
        if self.get_meta(SKETCHED) == "all":
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT doc_id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_sketch s WHERE s.doc_id = d.doc_id)")]

    def add_sketch(self, doc_id: str, hashes: Iterable[int]) -> None:
        self.conn.executemany("INSERT INTO doc_sketch VALUES (?, ?)", ((doc_id, h) for h in hashes))

    def add_missing_sketches(self, sketch: Callable[[str], list[int]]) -> int:
        """Sketch the documents stored before sketches were kept (one pass over their texts)."""
        missing = self.unsketched()
        for chunk in _chunks(missing):
            for doc_id, text in self.conn.execute(
                    f"SELECT doc_id, text FROM documents WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk):
                self.add_sketch(doc_id, sketch(text or ""))
        self.set_meta(SKETCHED, "all")  # in the caller's transaction: published with the sketches
        return len(missing)

def _info(row) -> DocumentInfo:
    """DocumentInfo from the _INFO_COLS columns."""
    doc_id, title, doc_type, number, issuer, date, *rest = row
    return DocumentInfo(doc_id, DocumentHeader(doc_type, number, date, issuer, title), *rest)


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    """SQLite caps the number of ? in one statement."""
    return (items[i:i + size] for i in range(0, len(items), size))
