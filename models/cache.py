"""An embedding cache keyed by (encoder name, sha1 of text), in SQLite, wrapping any encoder.

Re-ingesting a changed file or rerunning an evaluation only embeds the passages that are new. It
is a cache: deleting the file loses nothing but time. Queries are cached in memory only: what a
reader searched for is not written anywhere on the server (a hash on disk would let whoever has
the disk check whether a given query was asked), and rows older versions wrote are removed.
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from models.base import Encoder

log = logging.getLogger(__name__)

QUERIES_IN_MEMORY = 4096  # the most recent query vectors kept (1.5 KiB each)


def _key(kind: str, text: str) -> str:
    return kind + hashlib.sha1(text.encode("utf-8")).hexdigest()


class CachedEncoder:
    def __init__(self, inner: Encoder, path: Path):
        self.inner = inner
        self.name = inner.name
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.failed_writes = 0  # writes skipped (full disk...), for tests and diagnostics
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()  # never written to disk

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            # a cache: losing the last writes in a power cut costs a re-embedding, so no fsync per
            # commit (encode_query stores each new query on the search path)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS emb (encoder TEXT, key TEXT, vec BLOB,"
                         " PRIMARY KEY (encoder, key))")
            self._conn = conn
            self._forget_stored_queries(conn)
        return self._conn

    @staticmethod
    def _forget_stored_queries(conn: sqlite3.Connection) -> None:
        """Query rows ("q" + sha1) that versions before the in-memory query cache stored."""
        try:
            if conn.execute("SELECT 1 FROM emb WHERE key >= 'q' AND key < 'r' LIMIT 1").fetchone():
                conn.execute("DELETE FROM emb WHERE key >= 'q' AND key < 'r'")
                conn.commit()
        except sqlite3.Error as exc:  # a full or read-only disk: they go next time
            log.warning("Bộ nhớ đệm vectơ: chưa xóa được các câu hỏi cũ (%s)", exc)

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        try:
            db = self._db()
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = db.execute(
                    f"SELECT key, vec FROM emb WHERE encoder=? AND key IN ({','.join('?' * len(chunk))})",
                    [self.name, *chunk]).fetchall()
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        except (sqlite3.Error, OSError) as exc:  # cannot open or read it (full disk): no cache this time
            log.warning("Bộ nhớ đệm vectơ %s: không đọc được (%s), bỏ qua", self.path, exc)
        return found

    def _store(self, keys: list[str], vecs: np.ndarray) -> None:
        """Keep the vectors for next time; a write that fails (full disk, read-only folder) is
        skipped and logged: search and ask must never depend on the cache being writable."""
        try:
            db = self._db()
            db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
                           [(self.name, k, v.astype(np.float32).tobytes()) for k, v in zip(keys, vecs)])
            db.commit()
        except (sqlite3.Error, OSError) as exc:
            try:
                if self._conn is not None:
                    self._conn.rollback()
            except sqlite3.Error:
                pass
            self.failed_writes += 1
            log.warning("Bộ nhớ đệm vectơ %s: không ghi được (%s), bỏ qua", self.path, exc)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [_key("p", t) for t in texts]
        with self._lock:
            found = self._lookup(sorted(set(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            first = {k: t for k, t in zip(keys, texts)}
            vecs = self.inner.encode_passages([first[k] for k in missing])
            with self._lock:
                self._store(missing, vecs)
            found.update(zip(missing, vecs))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def encode_query(self, text: str) -> np.ndarray:
        with self._lock:
            if self._conn is None and self.path.exists():  # a server that only searches still
                try:                                         # removes the old query rows
                    self._db()
                except (sqlite3.Error, OSError) as exc:
                    log.warning("Bộ nhớ đệm vectơ %s: không mở được (%s), bỏ qua", self.path, exc)
            hit = self._queries.get(text)
            if hit is not None:
                self._queries.move_to_end(text)
                return hit.copy()
        vec = self.inner.encode_query(text)
        with self._lock:
            self._queries[text] = vec.copy()
            if len(self._queries) > QUERIES_IN_MEMORY:
                self._queries.popitem(last=False)
        return vec

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
