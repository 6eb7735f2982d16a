"""The topics of each passage in the Store's SQLite file: one added table, no existing one altered.

    passage_topics(pid, topic, score)   one row per (passage, topic) the labeller assigned
    meta "topics_fingerprint"           the TopicList (index/topics.py) the rows were computed with
    meta "topics_list"                  that list's JSON, so labels read back match the stored keys

An index built before topics has no table: reading returns nothing, and Library.topic_status says
to run `vankien topics --recompute`. Rows of a deleted passage are deleted with it; a passage id is
never reused (store.py), so a row left behind could never name another passage anyway.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS passage_topics (
    pid INTEGER NOT NULL, topic TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (pid, topic));
CREATE INDEX IF NOT EXISTS passage_topics_topic ON passage_topics(topic);
"""


@dataclass(frozen=True)
class TopicCount:
    """Passages (and their documents) of one topic in one month of the documents' dates."""

    topic: str
    month: str  # "YYYY-MM"; "" for documents without a date
    passages: int
    documents: int


class TopicTable:
    def __init__(self, conn: sqlite3.Connection, writable: bool):
        self.conn = conn
        if writable:
            conn.executescript(SCHEMA)

    def _rows(self, sql: str, args: tuple | list = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # a read-only store from before topics: nothing assigned
            return []

    # writing (a generation being built)
    def add(self, rows: Iterable[tuple[int, str, float]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO passage_topics VALUES (?, ?, ?)", rows)

    def delete(self, pids: Iterable[int]) -> None:
        self.conn.executemany("DELETE FROM passage_topics WHERE pid=?", [(int(p),) for p in pids])

    def clear(self) -> None:
        self.conn.execute("DELETE FROM passage_topics")

    def set_list(self, fingerprint: str, list_json: dict) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('topics_fingerprint', ?)", (fingerprint,))
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('topics_list', ?)",
                          (json.dumps(list_json, ensure_ascii=False),))

    # reading
    def fingerprint(self) -> str:
        rows = self._rows("SELECT value FROM meta WHERE key='topics_fingerprint'")
        return rows[0][0] if rows else ""

    def stored_list(self) -> dict | None:
        rows = self._rows("SELECT value FROM meta WHERE key='topics_list'")
        return json.loads(rows[0][0]) if rows else None

    def of(self, pids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        """pid -> its topics, best first (passages without topics are left out)."""
        pids = [int(p) for p in pids]
        out: dict[int, list[str]] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i:i + 500]
            for pid, topic in self._rows(f"SELECT pid, topic FROM passage_topics WHERE pid IN "
                                         f"({','.join('?' * len(chunk))}) ORDER BY pid, score DESC", chunk):
                out.setdefault(pid, []).append(topic)
        return {pid: tuple(t) for pid, t in out.items()}

    def pids_with(self, topics: Iterable[str]) -> list[int]:
        """Passages carrying any of these topics, in id order."""
        topics = list(topics)
        return [r[0] for r in self._rows(
            f"SELECT DISTINCT pid FROM passage_topics WHERE topic IN ({','.join('?' * len(topics))}) ORDER BY pid",
            topics)] if topics else []

    def counts(self) -> list[TopicCount]:
        """Per topic and month of the document's date: passages and documents (content passages only)."""
        return [TopicCount(t, m or "", n, d) for t, m, n, d in self._rows(
            "SELECT pt.topic, substr(d.date, 1, 7), COUNT(*), COUNT(DISTINCT p.doc_id) FROM passage_topics pt"
            " JOIN passages p ON p.pid = pt.pid JOIN documents d ON d.doc_id = p.doc_id"
            " WHERE p.role = 'content' GROUP BY 1, 2 ORDER BY 1, 2 DESC")]

    def passages(self, topic: str, month: str = "", limit: int = 50) -> list[tuple[int, float]]:
        """(pid, score) of a topic's content passages, newest documents first, then best score;
        `month` "YYYY" or "YYYY-MM" keeps that period ("-" keeps the undated)."""
        where, args = "pt.topic = ? AND p.role = 'content'", [topic]
        if month == "-":
            where += " AND (d.date IS NULL OR d.date = '')"
        elif month:
            where += " AND d.date LIKE ?"
            args.append(month + "%")
        return [(r[0], r[1]) for r in self._rows(
            "SELECT pt.pid, pt.score FROM passage_topics pt JOIN passages p ON p.pid = pt.pid"
            f" JOIN documents d ON d.doc_id = p.doc_id WHERE {where}"
            " ORDER BY d.date DESC, pt.score DESC, pt.pid LIMIT ?", args + [int(limit)])]
