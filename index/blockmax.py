"""Upper bounds of a term's BM25 tf part per block of passage rows, for MaxScore (index/keyword_topk.py).

Why (issue 14): a term's bound over its whole posting list (the largest tf / (tf + norm) of any
passage) is reached by a few short passages with many occurrences; over a block of ~32 postings
the largest is usually far lower. Summing the blocks' bounds of a candidate passage's terms tells
most candidates apart from the top k without looking their rows up in the long posting lists of
frequent terms (Block-Max MaxScore, as Lucene and PISA do it; here over fixed ranges of rows,
2^shift rows a block, chosen per term for ~BLOCK_POSTINGS postings a block, so a candidate's
block is `row >> shift`: one gather, no search).

Computed on first use per (segment, term) and cached: segments are immutable, so nothing new is
written to the index files and old indexes work as they are. Each block's bound is computed at
the index's average passage length of that moment; when that average grows, bounds are scaled by
new/old, which stays an upper bound (the length part of BM25's denominator shrinks at most by that
ratio). Dead rows are included (still an upper bound).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.postings import Segment

EXACT_BOUND_MIN = 4_096  # postings from which a term's bounds are computed; below, 1 (tf part < 1)
BLOCK_POSTINGS = 32  # postings a block holds on average
CACHE_BYTES = 256 << 20  # blocks kept; a long-running server sees many distinct words
# what index/blockmax_files.py writes beside a large segment (SavedBlocks reads it)
SAVED_FILES = ("bm_terms", "bm_top", "bm_shift", "bm_mstart", "bm_pstart", "bm_maxima", "bm_ptr", "bm_at")


@dataclass(frozen=True)
class TermBlocks:
    """One term in one segment: block b covers local rows [b << shift, (b + 1) << shift)."""

    shift: int
    maxima: np.ndarray  # float32 (len(segment) >> shift) + 1: largest tf / (tf + norm), 0 without posting
    ptr: np.ndarray  # int64 len(maxima) + 1: block b's postings are [ptr[b], ptr[b + 1]) of the term's list
    top: float  # the largest of all
    at: float  # average passage length the maxima were computed at

    def scale(self, avgdl: float) -> float:
        return max(1.0, avgdl / self.at) if self.at > 0 else 1.0


def term_blocks(rows: np.ndarray, tf: np.ndarray, norm: np.ndarray, n: int, avgdl: float) -> TermBlocks:
    """Blocks of one posting list (sorted local `rows`, their `tf`; `norm` of the segment's rows)."""
    shift = int(max(0, np.floor(np.log2(max(1.0, n * BLOCK_POSTINGS / max(1, len(rows)))))))
    maxima = np.zeros((n >> shift) + 1, dtype=np.float32)
    block = rows >> shift
    ptr = np.concatenate([[0], np.cumsum(np.bincount(block, minlength=len(maxima)))]).astype(np.int64)
    if len(rows):
        impact = tf / (tf + norm[rows])
        first = np.flatnonzero(np.concatenate([[True], block[1:] != block[:-1]]))
        maxima[block[first]] = np.maximum.reduceat(impact, first)
    return TermBlocks(shift, maxima, ptr, float(maxima.max()) if len(rows) else 0.0, avgdl)


def block_postings(blocks: TermBlocks, chosen: np.ndarray) -> np.ndarray:
    """Positions (in the term's list) of the postings of the chosen blocks (sorted block numbers)."""
    lo, hi = blocks.ptr[chosen], blocks.ptr[chosen + 1]
    lens = hi - lo
    total = int(lens.sum())
    if not total:
        return np.zeros(0, np.int64)
    # position p of block j: lo[j] + (p - first output position of block j)
    return np.repeat(lo - (np.cumsum(lens) - lens), lens) + np.arange(total, dtype=np.int64)


def at_shift(blocks: TermBlocks, shift: int, size: int, keep: np.ndarray | None = None) -> np.ndarray:
    """The maxima per range of 2^shift rows (shift <= blocks.shift), `size` ranges; with `keep` (a
    mask over the blocks) the other blocks count 0."""
    m = blocks.maxima if keep is None else np.where(keep, blocks.maxima, np.float32(0))
    return np.repeat(m, 1 << (blocks.shift - shift))[:size]


def list_at_shift(rows: np.ndarray, tf: np.ndarray, norm: np.ndarray, shift: int, size: int) -> np.ndarray:
    """The largest tf / (tf + norm) of a (short) posting list per range of 2^shift rows."""
    m = np.zeros(size, dtype=np.float32)
    if len(rows):
        np.maximum.at(m, rows >> shift, tf / (tf + norm[rows]))
    return m


class SavedBlocks:
    """The saved maxima of one segment, memory-mapped; `get` answers None for a term it lacks."""

    def __init__(self, folder: Path):
        # plain views of the memory maps: slicing a np.memmap costs ~10 us of Python each time
        self._a = {f: np.asarray(np.load(folder / f"{f}.npy", mmap_mode="r")) for f in SAVED_FILES}
        self._terms = np.asarray(self._a["bm_terms"])
        self._at = float(self._a["bm_at"][0])

    @staticmethod
    def present(folder: Path | None) -> bool:
        return folder is not None and (folder / "bm_terms.npy").exists()

    def get(self, h: int) -> TermBlocks | None:
        i = int(np.searchsorted(self._terms, np.uint64(h)))
        if i >= len(self._terms) or int(self._terms[i]) != h:
            return None
        a = self._a
        m0, m1, p0, p1 = int(a["bm_mstart"][i]), int(a["bm_mstart"][i + 1]), int(a["bm_pstart"][i]), int(a["bm_pstart"][i + 1])
        return TermBlocks(int(a["bm_shift"][i]), np.asarray(a["bm_maxima"][m0:m1]), np.asarray(a["bm_ptr"][p0:p1]),
                          float(a["bm_top"][i]), self._at)


class Bounds:
    """Per (segment, term) TermBlocks, computed once; terms with few postings get none (bound 1)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], TermBlocks] = {}
        self._fine: dict[tuple[str, int, int, float], np.ndarray] = {}  # blocks' maxima on a finer grid
        self._bytes = 0
        self._lock = threading.Lock()
        self._saved: dict[str, SavedBlocks | None] = {}  # per segment: its saved maxima, if written

    def blocks(self, seg: Segment, h: int, a: int, b: int, norm: np.ndarray, avgdl: float) -> TermBlocks | None:
        if b - a < EXACT_BOUND_MIN:  # a short list is cheap to look up anyway
            return None
        key = (seg.name, h)
        got = self._cache.get(key)
        if got is None:
            saved = self._saved_of(seg)
            got = saved.get(h) if saved is not None else None  # written with the segment: no work
            if got is None:
                got = term_blocks(np.asarray(seg.rows)[a:b], np.asarray(seg.tf)[a:b], norm, len(seg), avgdl)
            with self._lock:
                if self._bytes > CACHE_BYTES:
                    self._cache, self._fine, self._bytes = {}, {}, 0
                self._cache[key] = got
                self._bytes += got.maxima.nbytes + got.ptr.nbytes
        return got

    def _saved_of(self, seg: Segment) -> SavedBlocks | None:
        got = self._saved.get(seg.name, False)
        if got is False:
            try:
                got = SavedBlocks(seg.source) if SavedBlocks.present(seg.source) else None
            except (OSError, ValueError):  # a backfill killed mid-write: computed on first use instead
                got = None
            self._saved[seg.name] = got
        return got

    def at_shift(self, seg: Segment, h: int, blocks: TermBlocks, shift: int, size: int) -> np.ndarray:
        """at_shift(blocks, shift, size), kept: a frequent term comes back in query after query."""
        key = (seg.name, h, shift, blocks.at)  # `at`: of these blocks, not of blocks computed again since
        got = self._fine.get(key)
        if got is None:
            got = at_shift(blocks, shift, size)
            with self._lock:
                if self._bytes > CACHE_BYTES:
                    self._cache, self._fine, self._bytes = {}, {}, 0
                self._fine[key] = got
                self._bytes += got.nbytes
        return got

    def get(self, seg: Segment, h: int, a: int, b: int, norm: np.ndarray, avgdl: float) -> float:
        """The largest tf / (tf + norm) of the term's postings in the segment (an upper bound)."""
        got = self.blocks(seg, h, a, b, norm, avgdl)
        return 1.0 if got is None else got.top * got.scale(avgdl)
