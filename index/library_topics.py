"""The topics half of the Library: passages labelled at ingestion, relabelled when the list changes,
and read back per topic and month. Library inherits this through LibraryWriter.

    lib.topic_list() -> TopicList            # the list the stored topics were computed with
    lib.topic_status() -> str                # "" when every passage is labelled with the current list,
                                             # else what to run (Vietnamese)
    lib.topic_counts() -> list[TopicCount]   # per topic and month of the documents' dates
    lib.topic_hits(topic, month="", limit=50) -> list[SearchHit]  # score = the topic score
    lib.passage_topics(pids) -> {pid: (topic key, ...)}
    lib.recompute_topics() -> int            # relabel every passage from the stored vectors (no
                                             # re-embedding), in a new generation; passages labelled

Topics are written into the store of the generation being built, beside the passages they label,
so a generation never has passages labelled from another one.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Iterable

import numpy as np

from index import diskspace, generations
from index.records import SearchHit
from index.store import Store
from index.topic_store import TopicCount
from index.topics import TopicLabeller, TopicList, description_vectors, load_topics, parse_topics

VECTORS_PREFIX = "topic-vectors-"  # + a key of (encoder, list): the description vectors, in the index folder
BATCH = 20_000  # passages scored at once when relabelling (20k x 384 floats: 30 MB)


def _list_json(topics: TopicList) -> dict:
    return {"default_threshold": topics.default_threshold, "margin": topics.margin, "topics": [
        {"key": t.key, "label": t.label, "description": list(t.description), "threshold": t.threshold}
        for t in topics.topics]}


class LibraryTopics:
    # reading
    def topic_list(self) -> TopicList:
        with self._lock:
            stored = self._store.topics.stored_list() if self._generation else None
        return parse_topics(stored) if stored else load_topics(self.home)

    def topic_status(self) -> str:
        if self._generation is None:
            return "Chỉ mục chưa có văn bản nào."
        with self._lock:
            stored = self._store.topics.fingerprint()
        try:
            current = load_topics(self.home).fingerprint()
        except ValueError as exc:
            return f"Tệp danh sách chủ đề có lỗi: {exc}"
        if not stored:
            return "Chỉ mục chưa gán chủ đề; chạy vankien topics --recompute."
        if current != stored:
            return "Danh sách chủ đề đã thay đổi; chạy vankien topics --recompute để gán lại."
        return ""

    def topic_counts(self) -> list[TopicCount]:
        self.refresh()
        with self._lock:
            return self._store.topics.counts()

    def topic_hits(self, topic: str, month: str = "", limit: int = 50) -> list[SearchHit]:
        self.refresh()
        with self._lock:
            scored = self._store.topics.passages(topic, month, limit)
            return self._hits([pid for pid, _ in scored], dict(scored))

    def passage_topics(self, pids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        with self._lock:
            return self._store.topics.of(pids)

    def _topic_pids(self, topics: tuple[str, ...]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._store.topics.pids_with(topics), dtype=np.int64)

    # writing (called by LibraryWriter on the generation being built)
    def _labeller(self, topics: TopicList) -> TopicLabeller:
        cached = getattr(self, "_topic_labeller", None)
        if cached is None or cached.topics != topics:
            cached = self._topic_labeller = TopicLabeller(topics, described=self._description_vectors(topics))
        return cached

    def _description_vectors(self, topics: TopicList) -> np.ndarray:
        """The topics' description vectors, kept in the index folder per list and encoder: encoding
        the ~90 sentences took 2.7 s of each process's first upload. They are the list's own
        sentences, not anything a user asked (query vectors stay in memory: models/cache.py)."""
        key = hashlib.sha256(f"{self.encoder.name}\n{topics.fingerprint()}".encode()).hexdigest()[:16]
        path = self.home / f"{VECTORS_PREFIX}{key}.npy"
        try:
            kept = np.load(path)
            if kept.shape == (len(topics.topics), self.encoder.dim) and kept.dtype == np.float32:
                return kept
        except (OSError, ValueError, EOFError):
            pass  # not there yet, or unreadable: encode again
        vectors = description_vectors(topics, self.encoder)
        part = path.with_name(path.name + ".part")
        try:
            with open(part, "wb") as f:
                np.save(f, vectors)
            os.replace(part, path)
            for old in self.home.glob(VECTORS_PREFIX + "*.npy"):  # an earlier list's or encoder's
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only folder: encode again next time
            part.unlink(missing_ok=True)
        return vectors

    def _current_topics(self) -> TopicList | None:
        """The list in the index folder (or the shipped one); None while the user's file has an
        error: ingestion goes on without topics and topic_status says what is wrong."""
        try:
            return load_topics(self.home)
        except ValueError:
            return None

    def _begin_topics(self, store: Store) -> None:
        """A new index starts labelled with the current list; an older one keeps what it has."""
        topics = self._current_topics()
        if topics is not None and not store.topics.fingerprint() and not store.count_passages():
            store.topics.set_list(topics.fingerprint(), _list_json(topics))

    def _label_passages(self, store: Store, pids: list[int], roles: list[str], vectors: np.ndarray) -> None:
        """Label new content passages with the list the store was labelled with (the current list for
        an index from before topics: topic_status then asks for a recompute)."""
        stored = store.topics.stored_list()
        topics = parse_topics(stored) if stored else self._current_topics()
        if topics is None:
            return
        labels = self._labeller(topics).label(vectors)
        store.topics.add((pid, key, score) for pid, role, found in zip(pids, roles, labels)
                         if role == "content" for key, score in found)

    @diskspace.committing
    def recompute_topics(self) -> int:
        topics = load_topics(self.home)  # a bad file stops here, before any generation is begun
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            if self._generation is None:
                return 0
            nxt = self._begin()
            ids, vectors = nxt.dense.items()
            skip = nxt.store.boilerplate_pids()
            keep = np.asarray([int(p) not in skip for p in ids.tolist()], dtype=bool)
            ids, labeller = ids[keep], self._labeller(topics)
            rows_of = np.flatnonzero(keep)
            nxt.store.topics.clear()
            labelled = 0
            for start in range(0, len(ids), BATCH):
                part = np.asarray(vectors[rows_of[start:start + BATCH]], dtype=np.float32)
                found = labeller.label(part)
                labelled += sum(1 for f in found if f)
                nxt.store.topics.add((int(pid), key, score) for pid, f in zip(ids[start:start + BATCH], found)
                                     for key, score in f)
            nxt.store.topics.set_list(topics.fingerprint(), _list_json(topics))
            self._finish(nxt, True)
        return labelled


def topics_json(topics: TopicList) -> str:
    """A topics file's text for this list (what `vankien topics --init` writes beside the index)."""
    return json.dumps(_list_json(topics), ensure_ascii=False, indent=1) + "\n"
