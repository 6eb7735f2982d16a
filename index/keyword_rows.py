"""Rows of a keyword query: its terms' posting slices per segment, exact BM25 of chosen rows and
the best k of them; shared by the full and the pruned top k (index/keyword.py, index/keyword_topk.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.postings import Segment


@dataclass(frozen=True)
class QueryTerms:
    """A query's terms as the full scoring sees them: sorted unique hashes, idf (with repeats),
    per segment the [start, end) of each term's postings (start == end: absent)."""

    hashes: np.ndarray  # uint64 (T,)
    idf: np.ndarray  # float64 (T,)
    starts: np.ndarray  # int64 (S, T)
    ends: np.ndarray  # int64 (S, T)


def term_slices(segments: Sequence[Segment], hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.zeros((len(segments), len(hashes)), dtype=np.int64)
    ends = np.zeros_like(starts)
    for s, seg in enumerate(segments):
        if not len(seg.terms) or not len(hashes):
            continue
        i = np.searchsorted(seg.terms, hashes)
        i_ok = np.minimum(i, len(seg.terms) - 1)
        hit = (i < len(seg.terms)) & (np.asarray(seg.terms)[i_ok] == hashes)
        found = i_ok[hit]
        starts[s, hit] = np.asarray(seg.indptr[found])
        ends[s, hit] = np.asarray(seg.indptr[found + 1])
    return starts, ends


def _weights(idf: np.ndarray, t: int, tf: np.ndarray, norm_rows: np.ndarray) -> np.ndarray:
    """The full scoring's expression (index/keyword.py: idf[term] * tf / (tf + norm[rows])): same
    dtypes, same rounding."""
    return idf[t:t + 1] * tf / (tf + norm_rows)


def _lookup(rows: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `local`, positions in `rows`) of the local rows present in sorted `rows`."""
    if not len(rows) or not len(local):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pos = np.searchsorted(rows, local)
    ok = pos < len(rows)
    ok[ok] = rows[pos[ok]] == local[ok]
    return np.flatnonzero(ok), pos[ok]


def score_rows(segments: Sequence[Segment], offsets: np.ndarray, norm: np.ndarray, q: QueryTerms,
               rows: np.ndarray) -> np.ndarray:
    """Exact BM25 (float32, as KeywordIndex.scores) of these global rows (sorted, alive)."""
    out = np.zeros(len(rows), dtype=np.float64)
    seg_of = np.searchsorted(offsets, rows, side="right") - 1
    parts = []
    for s, seg in enumerate(segments):
        at = np.flatnonzero(seg_of == s)
        if len(at):  # plain views of the memory maps: slicing a np.memmap costs ~10 us of Python each time
            parts.append((s, (np.asarray(seg.rows), np.asarray(seg.tf)), at, (rows[at] - offsets[s]).astype(np.int32)))
    for t in range(len(q.hashes)):  # hash order: the order the full scoring adds terms in
        if q.idf[t] == 0:
            continue
        add = np.zeros(len(rows), dtype=np.float64)
        for s, (seg_rows, seg_tf), at, local in parts:
            a, b = int(q.starts[s, t]), int(q.ends[s, t])
            if b <= a:
                continue
            i, pos = _lookup(seg_rows[a:b], local)
            if len(i):
                tf = seg_tf[a:b][pos]
                add[at[i]] = _weights(q.idf, t, tf, norm[offsets[s] + local[i]])
        out += add
    return out.astype(np.float32)


def best_k(rows: np.ndarray, scores: np.ndarray, pids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best (score descending, passage id ascending on ties), deterministic
    whatever rows were given beside the k: every row tying the k-th score is kept until the sort."""
    if len(rows) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        pick = np.flatnonzero(scores >= kth)
    else:
        pick = np.arange(len(rows))
    pick = pick[np.lexsort((pids[rows[pick]], -scores[pick]))]
    return pick[:k]
