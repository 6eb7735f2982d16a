"""Dense index: FAISS over inner product (= cosine on normalised vectors) with stable passage ids.
Verbs as index.base.PassageIndex: index / append / delete / search / count / save / load.

The vectors and ids are kept as arrays (the source of truth, saved as .npy); the FAISS index is
built from them: exact IndexFlatIP up to `exact_max` vectors, above that the approximate kind that
scripts/bench_ann.py measured best (IVF). A trained approximate index is saved so loading does
not retrain it.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from index.base import ScoredId
from index.settings import DenseSettings


class DenseIndex:
    """`dim` 0: an index with no vectors yet, whose dimension no encoder has given (nothing to search)."""

    def __init__(self, dim: int, settings: DenseSettings | None = None):
        self.dim = dim
        self.settings = settings or DenseSettings()
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, dim), dtype=np.float32)
        self._faiss = None
        self._faiss_kind = ""
        self._trained_n = 0
        self._pending_ids: list[np.ndarray] = []
        self._pending_vecs: list[np.ndarray] = []
        self._removed: set[int] = set()

    def __len__(self) -> int:
        self._flush()
        return len(self.ids)

    def count(self) -> int:
        return len(self)

    @property
    def kind(self) -> str:
        """The FAISS index kind in use for the current size."""
        s = self.settings
        if s.kind != "auto":
            return s.kind
        self._flush()
        return "flat" if len(self.ids) <= s.exact_max else "ivf"

    def index(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Replace every vector with these."""
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, self.dim), dtype=np.float32)
        self._faiss, self._faiss_kind, self._trained_n = None, "", 0
        self._pending_ids, self._pending_vecs, self._removed = [], [], set()
        self.append(ids, vectors)

    def append(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        ids = np.asarray(list(ids), dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self._removed.difference_update(ids.tolist())
        self._pending_ids.append(ids)
        self._pending_vecs.append(vectors)

    def delete(self, ids: Iterable[int]) -> None:
        """Mark ids removed; applied at the next flush. Never flushes itself: Library calls this once
        per ingested document, and a flush per call copied every vector each time (quadratic)."""
        ids = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if not len(ids):
            return
        for j, pending in enumerate(self._pending_ids):  # ids added since the last flush
            keep = ~np.isin(pending, ids)
            if not keep.all():
                self._pending_ids[j], self._pending_vecs[j] = pending[keep], self._pending_vecs[j][keep]
        self._removed.update(ids.tolist())

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every stored vector, pending changes applied; row i is id i's vector."""
        self._flush()
        return self.ids, self.vectors

    def _flush(self) -> None:
        if not (self._pending_ids or self._removed):
            return
        removed = np.fromiter(self._removed, dtype=np.int64, count=len(self._removed))
        keep = ~np.isin(self.ids, removed) if len(removed) else np.ones(len(self.ids), dtype=bool)
        new_ids = np.concatenate([self.ids[keep], *self._pending_ids])
        new_vecs = np.vstack([np.asarray(self.vectors[keep]), *self._pending_vecs])
        hnsw_removal = self._faiss_kind == "hnsw" and len(removed)  # HNSW cannot delete
        if self._faiss is not None and self._faiss_kind != "flat" and not hnsw_removal:  # update in place
            if len(removed):
                self._faiss.remove_ids(removed)
            for ids, vecs in zip(self._pending_ids, self._pending_vecs):
                self._faiss.add_with_ids(vecs, ids)
        else:
            self._faiss = None
        self.ids, self.vectors = new_ids, np.ascontiguousarray(new_vecs, dtype=np.float32)
        self._pending_ids, self._pending_vecs, self._removed = [], [], set()

    def _index(self):
        self._flush()
        kind = self.kind
        stale = self._faiss_kind != kind or (kind != "flat" and len(self.ids) > 2 * self._trained_n)
        if self._faiss is None or stale:
            self._faiss = self._build(kind)
            self._faiss_kind, self._trained_n = kind, len(self.ids)
        return self._faiss

    def _build(self, kind: str):
        s, d, n = self.settings, self.dim, len(self.ids)
        if kind == "ivf" and n >= 1000:
            nlist = s.nlist or max(1, int(4 * math.sqrt(n)))
            ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
            sample = self.vectors[np.random.default_rng(0).permutation(n)[: 64 * nlist]]
            ivf.train(sample)
            ivf.nprobe = s.nprobe
            index = ivf
        elif kind == "hnsw":
            hnsw = faiss.IndexHNSWFlat(d, s.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efSearch = s.hnsw_ef_search
            index = faiss.IndexIDMap2(hnsw)
        else:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(d))
        if n:
            index.add_with_ids(self.vectors, self.ids)
        return index

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        """Best first. `allowed` (passage ids) restricts the search, exactly, to those passages."""
        n = len(self)
        k = min(int(k), n)
        if k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(1, self.dim)
        if allowed is not None:
            rows = np.flatnonzero(np.isin(self.ids, allowed))
            scores = self.vectors[rows] @ q[0]
            top = rows[np.argsort(-scores, kind="stable")[:k]]
            return [ScoredId(int(self.ids[r]), float(self.vectors[r] @ q[0])) for r in top]
        scores, ids = _one_thread_search(self._index(), q, k)
        return [ScoredId(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]

    def save(self, folder: Path) -> None:
        self._flush()
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "dense_ids.npy", self.ids)
        np.save(folder / "dense_vectors.npy", self.vectors)
        if self.kind != "flat" and len(self.ids):
            faiss.write_index(self._index(), str(folder / "dense.faiss"))

    @classmethod
    def load(cls, folder: Path, settings: DenseSettings | None = None) -> "DenseIndex":
        """What `save` wrote (the dimension is the saved vectors'); an empty index where nothing was."""
        if not (folder / "dense_ids.npy").exists():
            return cls(0, settings)
        vectors = np.load(folder / "dense_vectors.npy", mmap_mode="r")
        index = cls(int(vectors.shape[1]), settings)
        index.ids, index.vectors = np.load(folder / "dense_ids.npy"), vectors
        if (folder / "dense.faiss").exists() and index.kind != "flat":
            index._faiss = faiss.read_index(str(folder / "dense.faiss"))
            index._faiss_kind, index._trained_n = index.kind, len(index.ids)
            if hasattr(index._faiss, "nprobe"):
                index._faiss.nprobe = index.settings.nprobe
        return index


def _one_thread_search(index, q: np.ndarray, k: int):
    """One query on the calling thread alone: faiss's OpenMP team costs more than it saves for a
    single vector (a 1,500-passage flat search: 0.3 ms on one thread, 3-4 ms on two, and tens of
    ms while other searches run beside it), and the server runs several searches at once anyway.
    OpenMP keeps the thread count per calling thread, so it is restored for bulk work."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(q, k)
    finally:
        faiss.omp_set_num_threads(before)
