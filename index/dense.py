"""Dense index: cosine (inner product of normalised vectors) over immutable segments, stable ids.
Verbs as index.base.PassageIndex: index / append / delete / search / count / save / load.

Each segment holds ids and vectors (.npy, memory-mapped, hard-linked from one generation to the
next: never written twice) and, above `exact_max` vectors, an approximate FAISS index of its own
(HNSW since issue 14's third pass, IVF before: built once when the segment is written; the
measurements behind the choice are in index/settings.py). Appended vectors become one new segment per commit; deletions are tombstones (dead
rows per segment). A search asks every segment for its best and keeps the overall best (cosines
are comparable across segments). `merge` folds segments into one (index/library_write.py).
"""
from __future__ import annotations

import json
import math
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from index.base import ScoredId
from index.dense_hnsw import new_hnsw, prefault
from index.postings_merge import read_rows
from index.settings import DenseSettings

FOLDER = "dense"
# segments smaller than this are searched exactly (a 20,000 x 384 scan: ~2 ms on one core)
FLAT_MAX = 20_000


@dataclass(eq=False)
class _Segment:
    name: str
    ids: np.ndarray  # int64 (n,)
    vectors: np.ndarray  # float32 (n, dim), often a memory map
    dead: np.ndarray  # bool (n,): tombstones
    source: Path | None = None  # folder it was loaded from (saving hard-links its files)
    ann: object = field(default=None, repr=False)  # FAISS index over ids, for a large segment
    # kept with `dead` (kill): summing a 10^6-row mask 3-4 times per search cost ~1 ms
    n_dead: int = field(default=0, init=False)
    _dead_ids: frozenset | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.n_dead = int(np.count_nonzero(self.dead))

    def __len__(self) -> int:
        return len(self.ids)

    live = property(lambda self: len(self.ids) - self.n_dead)

    def kill(self, rows: np.ndarray) -> None:  # tombstones for these rows
        self.dead[rows] = True
        self.n_dead, self._dead_ids = int(np.count_nonzero(self.dead)), None

    def dead_ids(self) -> frozenset:
        if self._dead_ids is None:
            self._dead_ids = frozenset(np.asarray(self.ids)[self.dead].tolist()) if self.n_dead else frozenset()
        return self._dead_ids


class DenseIndex:
    """`dim` 0: an index with no vectors yet, whose dimension no encoder has given (nothing to search)."""

    def __init__(self, dim: int, settings: DenseSettings | None = None):
        self.dim = dim
        self.settings = settings or DenseSettings()
        self._segments: list[_Segment] = []
        self._pending: dict[int, np.ndarray] = {}
        self._orders: list[np.ndarray] | None = None  # per segment, its rows sorted by id

    # ---- size and kind
    def __len__(self) -> int:
        self._ready()
        return sum(s.live for s in self._segments)

    def count(self) -> int:
        return len(self)

    @property
    def segments(self) -> int:
        self._ready()
        return len(self._segments)

    @property
    def kind(self) -> str:
        """The FAISS index kind in use for the largest segment."""
        s = self.settings
        if s.kind != "auto":
            return s.kind
        self._ready()
        return s.ann if any(self._approximate(seg) for seg in self._segments) else "flat"

    def _approximate(self, seg: _Segment) -> bool:
        """auto: an index above exact_max searches its segments of FLAT_MAX vectors or more
        approximately, the smaller ones exactly (tidy() keeps those few and small)."""
        s = self.settings
        if s.kind == "auto":
            total = sum(len(x) for x in self._segments)
            return total > s.exact_max and len(seg) >= max(1000, min(FLAT_MAX, s.exact_max))
        return s.kind in ("ivf", "hnsw") and len(seg) >= (1000 if s.kind == "ivf" else 1)

    def tidy(self, max_segments: int) -> None:
        """After a commit: fold the exactly-searched segments (under FLAT_MAX vectors) into one once
        they hold FLAT_MAX vectors or number more than max_segments. Large segments are left to
        `merge` (the server's background merge, `vankien merge`): folding one at a commit made a
        30-passage addition to a 10^6-passage index rewrite 10^5 vectors."""
        self._ready()
        small = [x for x in self._segments if len(x) < FLAT_MAX]
        if len(small) > 1 and (sum(len(x) for x in small) >= FLAT_MAX or len(small) > max_segments):
            self._fold(small)

    # ---- changes
    def index(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Replace every vector with these."""
        self._segments, self._pending, self._orders = [], {}, None
        self.append(ids, vectors)

    def append(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Vectors for the next segment (built at the next search or save); an id indexed is replaced."""
        ids = np.asarray(list(ids), dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self.delete(ids.tolist())
        for i, v in zip(ids.tolist(), vectors):
            self._pending[i] = v

    def delete(self, ids: Iterable[int]) -> None:
        """Tombstones for these ids (unknown ids are ignored); O(ids · log n), no copy."""
        ids = [int(i) for i in ids]
        for i in ids:
            self._pending.pop(i, None)
        if not self._segments or not ids:
            return
        for seg, rows in zip(self._segments, self._rows_of(np.asarray(ids, dtype=np.int64))):
            seg.kill(rows)

    def _ready(self) -> None:
        if not self._pending:
            return
        ids = np.fromiter(self._pending, dtype=np.int64, count=len(self._pending))
        vectors = np.stack(list(self._pending.values())).astype(np.float32)
        self._pending = {}
        self._add_segment(_Segment(_new_name(), ids, vectors, np.zeros(len(ids), dtype=bool)))

    def _add_segment(self, seg: _Segment) -> None:
        self._segments.append(seg)
        self._orders = None

    def _rows_of(self, ids: np.ndarray) -> list[np.ndarray]:
        """Per segment, the rows (live or dead) holding these ids."""
        if self._orders is None:
            self._orders = [np.argsort(np.asarray(s.ids), kind="stable") for s in self._segments]
        out = []
        for seg, order in zip(self._segments, self._orders):
            sorted_ids = np.asarray(seg.ids)[order]
            lo, hi = np.searchsorted(sorted_ids, ids, "left"), np.searchsorted(sorted_ids, ids, "right")
            out.append(np.concatenate([order[a:b] for a, b in zip(lo, hi) if b > a] or [np.zeros(0, np.int64)]))
        return out

    def merge(self, keep_largest: bool = False, folder: Path | None = None) -> None:
        """Fold the segments (all, or all but the largest) into one without tombstones. With
        `folder` (a generation being written) the vectors are copied into its files chunk by chunk
        and the FAISS index built from them there (a 10^6-vector fold held 1.5 GB more)."""
        self._ready()
        segs = sorted(self._segments, key=len)
        self._fold(segs[:-1] if keep_largest else segs, folder)

    def _fold(self, fold: list[_Segment], folder: Path | None = None) -> None:
        if len(fold) <= 1 and not any(s.dead.any() for s in fold):
            return
        if folder is not None and sum(len(s) for s in fold) >= FLAT_MAX:
            merged = self._fold_to_files(fold, folder / FOLDER / _new_name())
            self._segments = [s for s in self._segments if not any(s is f for f in fold)]
            self._orders = None
            if len(merged):
                self._add_segment(merged)
            return
        ids = np.concatenate([np.asarray(s.ids)[~s.dead] for s in fold])
        vectors = np.concatenate([np.asarray(s.vectors)[~s.dead] for s in fold]) if fold else \
            np.zeros((0, self.dim), np.float32)
        rest = [s for s in self._segments if not any(s is f for f in fold)]
        self._segments, self._orders = rest, None
        if len(ids):
            self._add_segment(_Segment(_new_name(), ids, np.ascontiguousarray(vectors), np.zeros(len(ids), bool)))

    def _fold_to_files(self, fold: list[_Segment], out: Path) -> _Segment:
        """The live vectors of `fold` written into out/ (ids, vectors, dead, ann.faiss), read back."""
        out.mkdir(parents=True, exist_ok=True)
        ids = np.concatenate([np.asarray(s.ids)[~s.dead] for s in fold])
        np.save(out / "ids.npy", ids)
        np.save(out / "dead.npy", np.zeros(0, np.int64))
        with open(out / "vectors.npy", "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False,
                                                     "shape": (len(ids), self.dim)})
            for seg, a, b in _chunks(fold):
                read_rows(seg.vectors, a, b).reshape(-1, self.dim)[~seg.dead[a:b]].astype(np.float32).tofile(f)
        # its FAISS index is built by save(), in chunks as well
        return _Segment(out.name, ids, np.load(out / "vectors.npy", mmap_mode="r"), np.zeros(len(ids), bool),
                        source=out)

    # ---- reading
    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every live vector; row i is id i's vector."""
        self._ready()
        if not self._segments:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return (np.concatenate([np.asarray(s.ids)[~s.dead] for s in self._segments]),
                np.concatenate([np.asarray(s.vectors)[~s.dead] for s in self._segments]))

    def vectors_of(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        """id -> stored vector, for the ids that are indexed and live."""
        self._ready()
        want = np.asarray(list(ids), dtype=np.int64)
        out: dict[int, np.ndarray] = {}
        for seg, rows in zip(self._segments, self._rows_of(want)):
            for r in rows[~seg.dead[rows]].tolist():
                out[int(seg.ids[r])] = np.asarray(seg.vectors[r])
        return out

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        """Best first. `allowed` (passage ids) restricts the search, exactly, to those passages."""
        n = len(self)
        k = min(int(k), n)
        if k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(self.dim)
        found: list[tuple[float, int]] = []
        for seg in self._segments:
            live = seg.live
            if not live:
                continue
            if allowed is not None:
                rows = np.flatnonzero(np.isin(seg.ids, allowed) & ~seg.dead)
                found += _top(np.asarray(seg.vectors[rows]) @ q, np.asarray(seg.ids)[rows], k)
            elif self._approximate(seg):
                found += self._ann_search(seg, q, k)
            else:
                scores = np.asarray(seg.vectors) @ q
                scores[seg.dead] = -np.inf
                found += _top(scores, np.asarray(seg.ids), min(k, live))
        found.sort(key=lambda t: (-t[0], t[1]))
        return [ScoredId(i, s) for s, i in found[:k]]

    def _ann_search(self, seg: _Segment, q: np.ndarray, k: int) -> list[tuple[float, int]]:
        if seg.ann is None:
            seg.ann = self._read_ann(seg) or self._build_ann(seg)
        scores, ids = _one_thread_search(seg.ann, q.reshape(1, -1), min(len(seg), k + seg.n_dead))
        dead_ids = seg.dead_ids()
        return [(float(s), int(i)) for s, i in zip(scores[0], ids[0]) if i >= 0 and int(i) not in dead_ids][:k]

    def _read_ann(self, seg: _Segment):
        """The saved FAISS index of a loaded segment, read on its first search (a writer never reads
        it, nothing adds to it). Its vectors memory-mapped, read-only, and their pages touched once
        (dense_hnsw.prefault): at 10^6 reading them took 5.6-6.5 s of the first search and 1.7 GiB of the
        process's own memory, mapping and touching them 0.6 s and nothing of its own (the pages
        are the OS cache's); same results, same time per search (scripts/bench_scale.py measure)."""
        if seg.source is None or not (seg.source / "ann.faiss").exists():
            return None
        ann = faiss.read_index(str(seg.source / "ann.faiss"), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
        prefault(ann)
        return _tuned(ann, self.settings, len(seg))

    def _build_ann(self, seg: _Segment):
        """Trained on a sample, filled chunk by chunk (read(), not the memory map: at 10^6 vectors the
        map's pages counted 1.5 GB more resident memory)."""
        s, d, n = self.settings, self.dim, len(seg)
        if (s.ann if s.kind == "auto" else s.kind) == "hnsw":
            index = new_hnsw(d, n, s)
        else:
            nlist = s.nlist or max(1, int(4 * math.sqrt(n)))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
            pick = np.sort(np.random.default_rng(0).permutation(n)[: 64 * nlist])
            index.train(np.concatenate([read_rows(seg.vectors, a, b).reshape(-1, d)[pick[(pick >= a) & (pick < b)] - a]
                                        for _, a, b in _chunks([seg])]).astype(np.float32))
            index.nprobe = s.nprobe
        ids = np.asarray(seg.ids, dtype=np.int64)
        for _, a, b in _chunks([seg]):
            index.add_with_ids(np.ascontiguousarray(read_rows(seg.vectors, a, b).reshape(-1, d), dtype=np.float32), ids[a:b])
        return index

    # ---- files
    def save(self, folder: Path) -> None:
        """folder/dense/<segment>/: ids, vectors (hard links when loaded), ann.faiss above exact_max,
        dead.npy (this generation's tombstones); folder/dense/segments.json lists them."""
        self._ready()
        target = folder / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        for seg in self._segments:
            out = target / seg.name
            out.mkdir(exist_ok=True)
            files = {"ids.npy": seg.ids, "vectors.npy": seg.vectors}
            if self._approximate(seg) and not (seg.source and (seg.source / "ann.faiss").exists()):
                if seg.ann is None:
                    seg.ann = self._build_ann(seg)  # trained once, when the segment is written
                files["ann.faiss"] = seg.ann
            elif self._approximate(seg):
                files["ann.faiss"] = None
            for name, data in files.items():
                if (out / name).exists():
                    continue
                if seg.source is not None and (seg.source / name).exists():
                    _link(seg.source / name, out / name)
                elif name == "ann.faiss":
                    faiss.write_index(data, str(out / name))
                else:
                    np.save(out / name, data)
            np.save(out / "dead.npy", np.flatnonzero(seg.dead))
        (target / "segments.json").write_text(json.dumps([s.name for s in self._segments]), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, settings: DenseSettings | None = None) -> "DenseIndex":
        """What `save` wrote (the dimension is the saved vectors'); an empty index where nothing was."""
        target = folder / FOLDER
        if (target / "segments.json").exists():
            names = json.loads((target / "segments.json").read_text(encoding="utf-8"))
            segs = []
            for name in names:
                f = target / name
                ids, vectors = np.load(f / "ids.npy"), np.load(f / "vectors.npy", mmap_mode="r")
                dead = np.zeros(len(ids), dtype=bool)
                dead[np.load(f / "dead.npy")] = True
                segs.append(_Segment(name, ids, vectors, dead, source=f))
            dim = int(segs[0].vectors.shape[1]) if segs else 0
        elif (folder / "dense_ids.npy").exists():  # an index written before segments: one segment
            vectors = np.load(folder / "dense_vectors.npy", mmap_mode="r")
            ids = np.load(folder / "dense_ids.npy")
            segs, dim = [_Segment(_new_name(), ids, vectors, np.zeros(len(ids), bool))], int(vectors.shape[1])
        else:
            return cls(0, settings)
        index = cls(dim, settings)
        index._segments = segs
        return index


def _top(scores: np.ndarray, ids: np.ndarray, k: int) -> list[tuple[float, int]]:
    if not len(scores):
        return []
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    part = part[np.isfinite(scores[part])]
    return [(float(scores[i]), int(ids[i])) for i in part]


def _tuned(ann, settings: DenseSettings, n: int):
    """A saved FAISS index with this index's search knobs: whichever kind it was written as (an
    IVF segment written before HNSW became the choice keeps serving, with `nprobe`)."""
    inner = faiss.downcast_index(ann.index) if isinstance(ann, faiss.IndexIDMap) else ann
    if hasattr(inner, "nprobe"):
        inner.nprobe = settings.nprobe
    if hasattr(inner, "hnsw"):
        inner.hnsw.efSearch = settings.ef_search(n)
    return ann


def _chunks(segments: list[_Segment], size: int = 100_000):
    """(segment, start, end) row ranges of `size` rows at most."""
    for seg in segments:
        for a in range(0, len(seg), size):
            yield seg, a, min(len(seg), a + size)


def _new_name() -> str:
    return f"seg-{uuid.uuid4().hex[:12]}"


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copyfile(src, dst)


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
