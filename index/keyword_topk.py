"""Keyword top k without scoring every posting: MaxScore over the segments of index/keyword.py.

Why (issue 14): a query carries ~50 tokens with its folded forms and n-grams, and a dozen of them
("nam", "~viet", "của") have a posting in most passages: scoring every posting took 41 ms at the
p95 of the benchmark's queries at 300,000 passages. A frequent term has a low idf, so its largest
possible contribution (idf x the largest tf part over its postings: the term's "upper bound") is
small. Terms are scored in order of decreasing bound; once the bounds of the terms left add up to
less than a lower bound of the k-th best score (theta, the k-th best partial score of a fixed
sample of rows), a passage none of the scored terms matched cannot enter the top k, so the terms
left are only looked up (np.searchsorted in their sorted rows) for the passages already found,
dropping those that can no longer reach theta as theta rises.

Exact: the survivors are rescored term by term in the order of the full scoring (sorted term
hashes), each weight by the same expression, so scores are bit for bit those of
KeywordIndex.scores (tests/test_keyword_topk.py compares both on a real index). Bounds carry a
relative margin (MARGIN) so float rounding never prunes a passage that ties the k-th.

A term's bound per segment is cached (segments are immutable) with the average passage length it
was computed at; when that average grows, the bound is scaled by new/old, which stays an upper
bound (the length part of BM25's denominator shrinks at most by that ratio), so no rescan is needed
after a commit. Nothing new is written to the index files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.postings import Segment

MARGIN = 1e-4  # relative slack on bounds and theta: float32 rounding is ~6e-8
PROBE = 500  # candidates scored whole to raise theta before the other terms are looked up
SAMPLE_ROWS = 65_536
EXACT_BOUND_MIN = 4_096  # postings from which a term's bound is computed (and cached) rather than 1  # rows whose partial scores give theta (any subset gives a lower bound)


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


class Bounds:
    """Per (segment, term): the largest tf / (tf + norm) over the term's postings, and the average
    passage length it was computed at. Dead rows included (still an upper bound)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], tuple[float, float]] = {}

    def get(self, seg: Segment, h: int, a: int, b: int, norm: np.ndarray, avgdl: float) -> float:
        if b - a < EXACT_BOUND_MIN:  # tf / (tf + norm) < 1: a short list is cheap to score anyway
            return 1.0
        key = (seg.name, h)
        got = self._cache.get(key)
        if got is None:
            if len(self._cache) > 2_000_000:  # a long-running server sees many distinct words
                self._cache.clear()
            tf = np.asarray(seg.tf)[a:b]
            got = (float(np.max(tf / (tf + norm[np.asarray(seg.rows)[a:b]]))) if b > a else 0.0, avgdl)
            self._cache[key] = got
        impact, at = got
        return impact * max(1.0, avgdl / at) if at > 0 else impact


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


def top_rows(segments: Sequence[Segment], offsets: np.ndarray, dead: np.ndarray, norm: np.ndarray,
             q: QueryTerms, k: int, bounds: Bounds, avgdl: float) -> tuple[np.ndarray, np.ndarray]:
    """Global rows that can be in the top k and their exact scores (every row of the true top k
    is among them; rows scoring 0 are not)."""
    n = int(offsets[-1])
    plain = [(np.asarray(seg.rows), np.asarray(seg.tf)) for seg in segments]  # see score_rows
    has_dead = [bool(dead[offsets[s]:offsets[s + 1]].any()) for s in range(len(segments))]
    ub = np.zeros(len(q.hashes), dtype=np.float64)
    for t in np.flatnonzero(q.idf > 0):
        best = 0.0
        for s, seg in enumerate(segments):
            a, b = int(q.starts[s, t]), int(q.ends[s, t])
            if b > a:
                best = max(best, bounds.get(seg, int(q.hashes[t]), a, b, norm[offsets[s]:offsets[s + 1]], avgdl))
        ub[t] = q.idf[t] * best * (1 + MARGIN)
    order = [int(t) for t in np.argsort(-ub, kind="stable") if ub[t] > 0]
    left = np.concatenate([np.cumsum(ub[order][::-1])[::-1], [0.0]])  # bounds of order[i:], summed
    acc = np.zeros(n, dtype=np.float64)
    sample = np.zeros(0, dtype=np.int64)
    in_sample = np.zeros(n, dtype=bool)
    theta, i = 0.0, 0
    while i < len(order):
        if len(sample) >= k:
            vals = acc[sample]
            theta = max(theta, float(np.partition(vals, len(vals) - k)[len(vals) - k]))
        if left[i] < theta * (1 - MARGIN):
            break  # the terms left cannot lift an unmatched passage to theta
        t = order[i]
        touched = []
        for s, seg in enumerate(segments):
            a, b = int(q.starts[s, t]), int(q.ends[s, t])
            if b <= a:
                continue
            rows, tf = plain[s][0][a:b], plain[s][1][a:b]
            if has_dead[s]:
                alive = ~dead[offsets[s]:offsets[s + 1]][rows]
                rows, tf = rows[alive], tf[alive]
            g = rows.astype(np.int64) + offsets[s]
            acc[g] += _weights(q.idf, t, tf, norm[g])
            touched.append(g)
        if touched and len(sample) < SAMPLE_ROWS:  # distinct rows: a row counted twice would inflate theta
            g = np.concatenate(touched)
            g = g[~in_sample[g]][:SAMPLE_ROWS - len(sample)]
            in_sample[g] = True
            sample = np.concatenate([sample, g])
        i += 1
    cand = np.flatnonzero(acc > 0)
    part = acc[cand]
    if len(part) >= k:  # every passage found so far, not the sample alone
        theta = max(theta, float(np.partition(part, len(part) - k)[len(part) - k]))
    probe = max(PROBE, 2 * k)
    if i < len(order) and len(part) > probe:
        # the whole scores of the PROBE best so far: their k-th is a far better theta than any
        # partial score (it cut the candidates ~100x at 300,000 passages; probing also inside the
        # loop above cost more than it saved)
        best = cand[np.sort(np.argpartition(-part, probe - 1)[:probe])]
        whole = score_rows(segments, offsets, norm, q, best)
        theta = max(theta, float(np.partition(whole, probe - k)[probe - k]))
    for j in range(i, len(order)):  # terms left: only for passages that can still reach theta
        keep = part + left[j] >= theta * (1 - MARGIN)
        cand, part = cand[keep], part[keep]
        if not len(cand):
            break
        t = order[j]
        seg_of = np.searchsorted(offsets, cand, side="right") - 1
        for s, seg in enumerate(segments):
            a, b = int(q.starts[s, t]), int(q.ends[s, t])
            at = np.flatnonzero(seg_of == s)
            if b <= a or not len(at):
                continue
            local = (cand[at] - offsets[s]).astype(np.int32)
            rows = plain[s][0][a:b]
            if len(at) * 8 > len(rows):  # many candidates: scattering the term's weights beats a search each
                tf = plain[s][1][a:b]
                dense = np.zeros(len(seg), dtype=np.float64)
                dense[rows] = _weights(q.idf, t, tf, norm[offsets[s] + rows])
                part[at] += dense[local]
                continue
            hit, pos = _lookup(rows, local)
            if len(hit):
                tf = plain[s][1][a:b][pos]
                part[at[hit]] += _weights(q.idf, t, tf, norm[cand[at[hit]]])
        if len(part) >= k:
            theta = max(theta, float(np.partition(part, len(part) - k)[len(part) - k]))
    if len(part) >= k:  # the survivors' partial scores are now whole: keep those that can tie the k-th
        theta = max(theta, float(np.partition(part, len(part) - k)[len(part) - k]))
        cand = cand[part >= theta * (1 - MARGIN)]
    scores = score_rows(segments, offsets, norm, q, cand)
    return cand[scores > 0], scores[scores > 0]


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
