"""Keyword top k by ranges of rows, in compiled loops (index/keyword_kernels.py): the same rows and
the same scores as index/keyword_topk.py (and as scoring every posting), in a fraction of the time
at 10^6 passages, without holding the interpreter lock.

How (issue 14, seventh pass): each segment's rows are cut into ranges of 2^RANGE_SHIFT rows. Per
term and range, the largest weight the term can give a row there (its block maxima, index/
blockmax.py, or for a short list its postings, taken per range) and where its postings of the
range start. Ranges are visited by the sum of their terms' bounds, best first, so the k-th best
score (theta) rises early; once a range's sum is below theta, it and every later one are skipped.
Inside a range: MaxScore document at a time, the terms whose summed bounds stay below theta only
looked up for the rows the others found.

The compiled loops load in a background thread on first use (numba: ~0.4 s to import, ~0.5 s to
load from its disk cache, ~10 s to compile the first time; `vankien serve` loads them once it answers).
Until they are ready, or where numba is missing, index/keyword_topk.py answers: the results are
the same. VANKIEN_KEYWORD_KERNELS=0 keeps to it (comparisons).
"""
from __future__ import annotations

import os
import threading
from typing import Sequence

import numpy as np

from index import blockmax
from index.blockmax import Bounds, TermBlocks, list_at_shift
from index.keyword_rows import QueryTerms
from index.postings import Segment

RANGE_SHIFT = 11  # 2,048 rows a range: 489 ranges at 10^6 rows (shifts 9-13 measured, 11 best at p95)
MARGIN = 1e-4  # as index/keyword_topk.py and index/keyword_kernels.py
CACHE_BYTES = 128 << 20  # per-term range bounds kept (~6 KB a term and segment at 10^6 rows)

_lock = threading.Lock()
_state: dict = {"module": None, "thread": None, "error": None}
_may_load = threading.Event()  # cleared by hold_loading: a server starting up loads them once it serves
_may_load.set()


def enabled() -> bool:
    return os.environ.get("VANKIEN_KEYWORD_KERNELS", "1") != "0"


def hold_loading() -> None:
    """Loading waits for release_loading: `vankien serve` holds it while it builds the UI, which the
    load (~1 s, most of it in the interpreter) slowed by ~1 s at 10^5 passages."""
    _may_load.clear()


def release_loading() -> None:
    _may_load.set()


def _load() -> None:
    _may_load.wait()
    try:
        from index import keyword_kernels

        keyword_kernels.warm()
        _state["module"] = keyword_kernels
    except Exception as e:  # numba missing or failing: keyword_topk answers, as before
        _state["error"] = f"{type(e).__name__}: {e}"


def kernels(wait: bool = False):
    """The compiled loops if loaded, else None; the first call starts loading them in a background
    thread (wait=True: loads them in this one and returns them, None if they cannot load)."""
    if not enabled():
        return None
    if _state["module"] is not None:
        return _state["module"]
    with _lock:
        if _state["thread"] is None and _state["error"] is None:
            _state["thread"] = threading.Thread(target=_load, name="keyword-kernels", daemon=True)
            _state["thread"].start()
        thread = _state["thread"]
    if wait and thread is not None:
        thread.join()
    return _state["module"]


def load_error() -> str | None:
    return _state["error"]


class RangeBounds:
    """Per (segment, term, shift): the term's largest tf part per range of rows (float32) and the
    positions where its postings of each range start (int64, one more than ranges). Segments are
    immutable, so this is computed once per term and segment (a frequent term comes back in query
    after query); bounded like blockmax.Bounds."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, seg: Segment, h: int, a: int, b: int, blocks: TermBlocks | None, norm: np.ndarray,
            avgdl: float, shift: int) -> tuple[np.ndarray, np.ndarray]:
        # blocks were computed at their own average length (scaled by the factor); a short list's
        # maxima at the current one, which every commit changes
        key = (seg.name, h, shift, blocks.at if blocks is not None else avgdl)
        got = self._cache.get(key)
        if got is None:
            got = _term_ranges(np.asarray(seg.rows)[a:b], np.asarray(seg.tf)[a:b], a, blocks, norm, len(seg), shift)
            with self._lock:
                if self._bytes > CACHE_BYTES:
                    self._cache, self._bytes = {}, 0
                self._cache[key] = got
                self._bytes += got[0].nbytes + got[1].nbytes
        return got


def _term_ranges(rows: np.ndarray, tf: np.ndarray, a: int, blocks: TermBlocks | None, norm: np.ndarray, n: int,
                 shift: int) -> tuple[np.ndarray, np.ndarray]:
    """(largest tf part per range, start of each range's postings from position a) of one list."""
    n_ranges = (n >> shift) + 1
    starts = np.arange(n_ranges + 1, dtype=np.int64) << shift
    if blocks is None:  # a short list: its own postings
        return list_at_shift(rows, tf, norm, shift, n_ranges), a + np.searchsorted(rows, starts)
    m, bs = blocks.maxima, blocks.shift
    if bs <= shift:  # several blocks a range: their largest; a range starts where its first block does
        width = 1 << (shift - bs)
        padded = np.zeros(n_ranges * width, dtype=np.float32)
        kept = min(len(m), len(padded))
        padded[:kept] = m[:kept]
        cuts = blocks.ptr[np.minimum(np.arange(n_ranges + 1) * width, len(blocks.ptr) - 1)]
        return padded.reshape(n_ranges, width).max(axis=1), a + cuts.astype(np.int64)
    maxima = np.zeros(n_ranges, dtype=np.float32)  # a block over several ranges: its bound in each
    spread = np.repeat(m, 1 << (bs - shift))[:n_ranges]
    maxima[:len(spread)] = spread
    return maxima, a + np.searchsorted(rows, starts)


def top_rows(segments: Sequence[Segment], offsets: np.ndarray, dead: np.ndarray, norm: np.ndarray, q: QueryTerms,
             k: int, bounds: Bounds, ranges: RangeBounds, avgdl: float, compiled) -> tuple[np.ndarray, np.ndarray]:
    """Global rows that can be in the top k and their exact scores (every row of the true top k
    is among them; rows scoring 0 are not), as keyword_topk.top_rows."""
    ro = compiled.read_only
    heap, n_heap = np.zeros(k, dtype=np.float32), 0
    out_rows, out_scores, n_out = np.empty(4 * k, np.int64), np.empty(4 * k, np.float32), 0
    idf = ro(np.ascontiguousarray(q.idf, dtype=np.float64))
    short_factor = ro(idf * (1 + MARGIN))  # times a short list's largest tf part per range: its bound
    n_terms = len(q.hashes)
    for s in sorted(range(len(segments)), key=lambda s: -len(segments[s])):  # the largest first: theta rises there
        seg, lo, hi = segments[s], int(offsets[s]), int(offsets[s + 1])
        present = np.flatnonzero((q.ends[s] > q.starts[s]) & (q.idf > 0))
        if not len(present) or hi <= lo:
            continue
        n_ranges = (len(seg) >> RANGE_SHIFT) + 1
        bound = np.zeros((n_terms, n_ranges), dtype=np.float64)
        cuts = np.zeros((n_terms, n_ranges + 1), dtype=np.int64)
        seg_norm, rows, tf = norm[lo:hi], ro(np.asarray(seg.rows)), ro(np.asarray(seg.tf))
        sizes = q.ends[s] - q.starts[s]
        short = np.zeros(n_terms, dtype=bool)
        short[present] = sizes[present] < blockmax.EXACT_BOUND_MIN
        compiled.short_ranges(rows, tf, ro(seg_norm), ro(q.starts[s]), ro(q.ends[s]), short_factor, ro(short),
                              RANGE_SHIFT, bound, cuts)
        long = present[~short[present]]
        for t, h, a, b in zip(long.tolist(), q.hashes[long].tolist(), q.starts[s, long].tolist(), q.ends[s, long].tolist()):
            blocks = bounds.blocks(seg, h, a, b, seg_norm, avgdl)
            factor = q.idf[t] * (blocks.scale(avgdl) if blocks is not None else 1.0) * (1 + MARGIN)
            maxima, cuts[t] = ranges.get(seg, h, a, b, blocks, seg_norm, avgdl, RANGE_SHIFT)
            bound[t] = factor * maxima
        total = bound.sum(axis=0)
        order = np.argsort(-total, kind="stable")
        n_heap, n_out, out_rows, out_scores = compiled.segment_top(
            rows, tf, ro(seg_norm), ro(dead[lo:hi]), lo, idf, ro(bound),
            ro(cuts), RANGE_SHIFT, ro(order), ro(total), k, heap, n_heap, out_rows, out_scores, n_out)
    rows, scores = out_rows[:n_out], out_scores[:n_out]
    if n_heap >= k:  # rows kept on the way that the final k-th passed (ties kept)
        keep = scores >= heap[0]
        rows, scores = rows[keep], scores[keep]
    return rows, scores
