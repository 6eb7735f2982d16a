"""Keyword top k without scoring every posting: MaxScore with block-max bounds over the segments
of index/keyword.py, in numpy. KeywordIndex answers with the compiled loops of index/keyword_ranges.py
once they are loaded (same rows, same scores, ~2x faster at 10^6); this answers until then, and
wherever numba is missing.

Why (issue 14): a query carries ~50 tokens with its folded forms and n-grams, and a dozen of them
("nam", "~viet", "của") have a posting in most passages. A frequent term has a low idf, so its
largest possible contribution (idf x the largest tf part: its "upper bound") is small. Terms are
taken in order of decreasing bound; once the bounds of the terms left add up to less than a lower
bound of the k-th best score (theta), a passage none of the scored terms matched cannot enter the
top k, so the terms left are only looked up for the passages already found.

What makes it fast at 10^6 passages (before this, 83 % of a warm search was here, with every
posting of most terms scattered into a 10^6-long float64 array):
1. Theta early: after the rarest terms (or, before the first long list, from its best blocks'
   rows) the 200 rows with the best partial score + bounds are scored whole; their k-th is within
   a few % of the true k-th for most queries, so frequent terms are left to look-ups.
2. Block-max bounds (index/blockmax.py): per term and segment, the largest tf part per block of
   ~32 postings, computed on first use and cached. A candidate's bound for the terms it still
   lacks is the sum of its blocks' bounds on the query's grid of rows (one gather), which prunes
   most candidates before any look-up; a long list's blocks where its bound + the other terms'
   bounds over the same rows stay below theta are not scattered (rows found elsewhere look them
   up, as for a term left).
3. Fixed costs: a per-thread float32 accumulator kept between queries (touched rows reset),
   tombstones dropped from the rows found rather than from every list, counted per commit not per
   query, and once <= 4k candidates are left they are scored whole instead of term by term.
4. Rescoring (fourth pass): right before the look-ups of the terms left, the 200 rows with the best
   partial score + bounds are scored whole, which lifts theta to about the true k-th (far fewer
   rows are then looked up term by term); rows a probe scored whole are kept with their scores and
   not scored again (a probe mostly finds the final top k); a probe whose rows were mostly scored
   takes its theta from those; whole scores are added per segment then per term, the rows cut
   once per segment (index/keyword_exact.py; figures in docs/quality.md, issue 14 fourth pass).
Figures (keyword top 100, the benchmark's 200 queries, this code against the one before in one
process, alternated query by query, on the shared machine under load 6-9:
`scripts/bench_keyword_topk.py CACHE/scale3-1000000 --against 2df7592 --rounds 3`), p50/p95 ms:
10^6 passages CPU 6.8/33.8 -> 3.4/15.4, wall 10.3/52.8 -> 5.5/25.0 (scoring every posting: CPU
19.8/108.9); 10^5 CPU 2.1/7.6 -> 2.0/6.6. The first pass over the queries (bounds not cached yet)
CPU p50/p95 9.4/42.4 -> 6.4/31.5. 0 of 200 queries differ from scoring every posting.

Exact: the survivors are rescored term by term in the order of the full scoring (sorted term
hashes), each weight by the same expression, so scores are bit for bit those of
KeywordIndex.scores (tests/test_keyword_topk.py and tests/test_keyword_blockmax.py compare both,
the latter with every term given blocks). Bounds carry a relative margin (MARGIN) so float
rounding never prunes a passage that ties the k-th. Nothing new is written to the index files.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from index import blockmax
from index.blockmax import BLOCK_POSTINGS, Bounds, TermBlocks, at_shift, block_postings, list_at_shift
from index.keyword_exact import FEW_NEW, ExactScores, _kth  # noqa: F401 (FEW_NEW: tests tune it from here)
from index.keyword_rows import QueryTerms, _lookup, _weights, best_k, score_rows, term_slices  # noqa: F401 (imported from here before)
from index.postings import Segment

_LOCAL = threading.local()

MARGIN = 1e-4  # relative slack on bounds and theta: float32 rounding is ~6e-8
PROBE = 200  # candidates scored whole to raise theta before the other terms are looked up
PROBES = 2  # probes at most a query
PROBE_GROWTH = 4  # a new probe once the passages found have grown this much
PROBE_POOL = 8  # rows of the best partial scores whose bounds pick the probe's rows
ACC_DTYPE = np.float32  # partial sums only steer pruning (exact scores are recomputed): half the memory traffic
FEW = 4  # candidates per k from which the terms left are added term by term
SUFFIX_MIN = 16_384
PROBE_BEFORE = 8_192  # postings of the next list from which a probe pays (100,000 passages: p95 7.9 -> 5.9 ms)
BIG_LIST = 16_384  # postings from which a list is probed first (from its best blocks if nothing is found yet)


def _buffer(n: int) -> np.ndarray:
    """This thread's accumulator of n zeros (Library.search may run in several threads).
    Whoever uses it puts the zeros back on the rows it touched: allocating and zeroing 10^6 rows
    and a flatnonzero over them cost ~2 ms a query at 10^6 passages."""
    buf = getattr(_LOCAL, "acc", None)
    if buf is None or len(buf) < n or buf.dtype != ACC_DTYPE:
        buf = _LOCAL.acc = np.zeros(n, dtype=ACC_DTYPE)
    return buf


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.union1d(a, b) without np.unique, whose first plain call imports numpy.ma (~35 ms, paid by
    one query of a fresh process)."""
    u = np.sort(np.concatenate([a, b]))
    return u[np.concatenate([[True], u[1:] != u[:-1]])] if len(u) else u


def top_rows(segments: Sequence[Segment], offsets: np.ndarray, dead: np.ndarray, norm: np.ndarray,
             q: QueryTerms, k: int, bounds: Bounds, avgdl: float) -> tuple[np.ndarray, np.ndarray]:
    """Global rows that can be in the top k and their exact scores (every row of the true top k
    is among them; rows scoring 0 are not)."""
    run = _Run(segments, offsets, dead, norm, q, bounds, avgdl)
    try:
        return run.top(k)
    except BaseException:
        run.acc[:] = 0  # whatever was touched
        raise


class _Run(ExactScores):
    """One query's MaxScore: the state its phases share."""

    def __init__(self, segments: Sequence[Segment], offsets: np.ndarray, dead: np.ndarray, norm: np.ndarray,
                 q: QueryTerms, bounds: Bounds, avgdl: float) -> None:
        self.segments, self.offsets, self.dead, self.norm, self.q = segments, offsets, dead, norm, q
        self.bounds, self.avgdl = bounds, avgdl
        self.acc = _buffer(int(offsets[-1]))
        self.plain = [(np.asarray(seg.rows), np.asarray(seg.tf)) for seg in segments]  # see score_rows
        self.any_dead = bool(dead.any())
        self._blocks: dict[int, list] = {}
        self._suffix: dict[int, tuple[int, np.ndarray]] = {}  # per segment: (i, bounds of order[i + 1:] per range)
        # plain Python numbers: a query has ~50 terms x segments, numpy scalars cost ~1 us each
        self.slices = [list(zip(q.starts[s].tolist(), q.ends[s].tolist())) for s in range(len(segments))]
        self.idf, self.hashes = q.idf.tolist(), q.hashes.tolist()
        self._shifts: dict[int, int] = {}
        self._ranges: dict[tuple[int, int, bool], np.ndarray] = {}
        # rows a probe scored whole (sorted) and their scores: the final rescoring reuses them
        self.known_rows, self.known = np.zeros(0, np.int64), np.zeros(0, np.float32)

    def blocks(self, t: int) -> list:
        """Per segment: None (term absent) or (factor, TermBlocks | None): a row's weight of term t
        is at most factor x its block's maximum (factor alone without blocks)."""
        got = self._blocks.get(t)
        if got is None:
            got = self._blocks[t] = [self._term_blocks(s, t) for s in range(len(self.segments))]
        return got

    def _term_blocks(self, s: int, t: int) -> tuple[float, TermBlocks | None] | None:
        a, b = self.slices[s][t]
        if b <= a:
            return None
        idf = self.idf[t]
        if b - a < blockmax.EXACT_BOUND_MIN:  # as Bounds.blocks, without the call
            return idf * (1 + MARGIN), None
        o = self.offsets
        got = self.bounds.blocks(self.segments[s], self.hashes[t], a, b, self.norm[o[s]:o[s + 1]], self.avgdl)
        if got is None:
            return idf * (1 + MARGIN), None
        return idf * got.scale(self.avgdl) * (1 + MARGIN), got

    def upper_bounds(self) -> np.ndarray:
        ub = np.zeros(len(self.q.hashes), dtype=np.float64)
        for t in np.flatnonzero(self.q.idf > 0):
            for got in self.blocks(int(t)):
                if got is not None:
                    ub[t] = max(ub[t], got[0] * (got[1].top if got[1] is not None else 1.0))
        return ub

    def postings(self, s: int, t: int, chosen: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Global rows and tf of term t in segment s, all or those of the chosen blocks. Dead rows
        too: tombstones are few, filtering every list costs more than dropping them once found."""
        a, b = int(self.q.starts[s, t]), int(self.q.ends[s, t])
        rows, tf = self.plain[s][0][a:b], self.plain[s][1][a:b]
        if chosen is not None:
            at = block_postings(self.blocks(t)[s][1], chosen)
            rows, tf = rows[at], tf[at]
        return rows.astype(np.int64) + self.offsets[s], tf

    def alive(self, rows: np.ndarray) -> np.ndarray:
        return rows[~self.dead[rows]] if self.any_dead else rows

    def best_blocks_rows(self, t: int, n: int) -> np.ndarray:
        """About n rows of term t's blocks with the largest bounds (a first probe's rows)."""
        out = []
        for s, got in enumerate(self.blocks(t)):
            if got is None or got[1] is None:
                continue
            m = got[1].maxima
            top = np.argpartition(-m, min(len(m) - 1, n // BLOCK_POSTINGS + 1))[:n // BLOCK_POSTINGS + 1]
            out.append(self.postings(s, t, np.sort(top))[0])
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def shift(self, s: int) -> int:
        """Rows per range (2^shift) for segment s: the finest blocks of the query's terms there."""
        got = self._shifts.get(s)
        if got is None:
            shifts = [b[s][1].shift for b in self._blocks.values() if b[s] is not None and b[s][1] is not None]
            n = len(self.segments[s])
            got = self._shifts[s] = min(shifts) if shifts else max(0, int(np.log2(max(1, n >> 10))))
        return got

    def ranges(self, s: int, t: int, skipped: list | None) -> np.ndarray:
        """Term t's bound (over factor) per range of segment s's rows (float32); with `skipped`
        (per segment, blocks of t left unscored) only in those blocks, else 0."""
        key = (s, t, skipped is not None)
        got = self._ranges.get(key)
        if got is None:
            size = (len(self.segments[s]) >> self.shift(s)) + 1
            blocks = self.blocks(t)[s]
            if blocks is None or (skipped is not None and skipped[s] is None):
                got = np.zeros(size, dtype=np.float32)
            elif blocks[1] is not None and skipped is None:
                got = self.bounds.at_shift(self.segments[s], int(self.q.hashes[t]), blocks[1], self.shift(s), size)
            elif blocks[1] is not None:
                got = at_shift(blocks[1], self.shift(s), size, skipped[s])
            else:
                a, b = int(self.q.starts[s, t]), int(self.q.ends[s, t])
                rows, o = self.plain[s][0][a:b], self.offsets
                got = list_at_shift(rows, self.plain[s][1][a:b], self.norm[o[s]:o[s + 1]], self.shift(s), size)
            self._ranges[key] = got
        return got

    def after(self, s: int, order: list[int], i: int, blocks: TermBlocks) -> np.ndarray:
        """Per block of `blocks` (the term order[i]'s), the largest sum of bounds of the terms
        order[i + 1:] over the ranges of rows it covers (segment s)."""
        have = self._suffix.get(s)
        if have is None or have[0] > i:
            suffix = np.zeros((len(self.segments[s]) >> self.shift(s)) + 1, dtype=np.float64)
            for t in order[i + 1:]:
                if self.blocks(t)[s] is not None:
                    suffix += self.blocks(t)[s][0] * self.ranges(s, t, None)
        else:  # the sum kept from an earlier term, less the terms since (drift << MARGIN)
            suffix = have[1]
            for t in order[have[0] + 1:i + 1]:
                if self.blocks(t)[s] is not None:
                    suffix -= self.blocks(t)[s][0] * self.ranges(s, t, None)
        self._suffix[s] = (i, suffix)
        width = 1 << (blocks.shift - self.shift(s))
        padded = np.zeros(len(blocks.maxima) * width, dtype=np.float64)
        padded[:len(suffix)] = suffix
        return padded.reshape(len(blocks.maxima), width).max(axis=1)

    def bound(self, cand: np.ndarray, cuts: np.ndarray, terms: list[int], skipped: dict[int, list]) -> np.ndarray:
        """Per candidate (grouped by segment at `cuts`), an upper bound of the weights of `terms`
        (of a term scored in part: in the blocks left unscored) from the ranges it falls in."""
        out = np.zeros(len(cand), dtype=np.float64)
        for s in range(len(self.segments)):
            lo, hi = int(cuts[s]), int(cuts[s + 1])
            if hi <= lo:
                continue
            at = (cand[lo:hi] - self.offsets[s]) >> self.shift(s)
            size = (len(self.segments[s]) >> self.shift(s)) + 1
            total = np.zeros(size if hi - lo > size else hi - lo, dtype=np.float64)
            for t in terms:  # summed over the ranges, or over the candidates when they are fewer
                got = self.blocks(t)[s]
                if got is not None:
                    m = self.ranges(s, t, skipped.get(t))
                    total += got[0] * (m if hi - lo > size else m[at])
            out[lo:hi] = total[at] if hi - lo > size else total
        return out

    def add_exact(self, cand: np.ndarray, part: np.ndarray, look: np.ndarray, t: int) -> None:
        """part[look] += term t's weights of rows cand[look] (sorted)."""
        acc, offsets, q = self.acc, self.offsets, self.q
        cuts = np.searchsorted(cand[look], offsets)
        for s in range(len(self.segments)):
            at = look[cuts[s]:cuts[s + 1]]
            a, b = int(q.starts[s, t]), int(q.ends[s, t])
            if b <= a or not len(at):
                continue
            local = (cand[at] - offsets[s]).astype(np.int32)
            rows = self.plain[s][0][a:b]
            if len(at) * 8 > len(rows):  # many candidates: scattering the term's weights beats a search each
                g = rows.astype(np.int64) + offsets[s]
                acc[g] = _weights(q.idf, t, self.plain[s][1][a:b], self.norm[g])
                part[at] += acc[cand[at]]
                acc[g] = 0
                continue
            hit, pos = _lookup(self.plain[s][0][a:b], local)
            if len(hit):
                tf = self.plain[s][1][a:b][pos]
                part[at[hit]] += _weights(q.idf, t, tf, self.norm[cand[at[hit]]])

    def top(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        q, acc = self.q, self.acc
        ub = self.upper_bounds()
        order = [int(t) for t in np.argsort(-ub, kind="stable") if ub[t] > 0]
        left = np.concatenate([np.cumsum(ub[order][::-1])[::-1], [0.0]])  # bounds of order[i:], summed
        probe = max(PROBE, 2 * k)
        found: list[np.ndarray] = []  # rows first matched by each term scored (distinct)
        skipped: dict[int, list] = {}  # per term scored in part: per segment, its blocks left unscored
        n_found, probed_at, probes, theta, i = 0, 0, 0, 0.0, 0
        while i < len(order) and left[i] >= theta * (1 - MARGIN):
            t = order[i]
            size = int((q.ends[:, t] - q.starts[:, t]).sum())
            big = size >= BIG_LIST
            # before a list long enough that pruning it pays for a probe
            if probes < PROBES and size >= PROBE_BEFORE and (n_found >= max(probe, PROBE_GROWTH * probed_at) or
                                                             (big and not probes)):
                # the whole scores of the `probe` best rows so far (or, before a long list, of its
                # best blocks' rows): their k-th is a far better theta than any partial score, and
                # early (after the rarest terms) it spares scoring the frequent terms whole
                found = [np.concatenate(found)] if found else []
                rows = self.alive(found[0]) if found else np.zeros(0, np.int64)
                theta = max(theta, _kth(acc[rows], k))
                if len(rows) > probe:  # the rows that could score highest: partial score + bounds of the terms left
                    if len(rows) > PROBE_POOL * probe:
                        rows = rows[np.argpartition(-acc[rows], PROBE_POOL * probe - 1)[:PROBE_POOL * probe]]
                    rows = np.sort(rows)
                    terms = [u for u in order[:i] if u in skipped] + order[i:]
                    hope = acc[rows] + self.bound(rows, np.searchsorted(rows, self.offsets), terms, skipped)
                    rows = rows[np.argpartition(-hope, probe - 1)[:probe]]
                if len(rows) < probe and big:
                    rows = _union(rows, self.best_blocks_rows(t, probe))
                theta = max(theta, self.theta_of(rows, k))
                probed_at, probes = n_found, probes + 1
                if left[i] < theta * (1 - MARGIN):
                    break
            skip = [None] * len(self.segments)
            for s, got in enumerate(self.blocks(t)):
                if got is None:
                    continue
                chosen = None
                if got[1] is not None and theta > 0:
                    # a row first met here scores at most its block's bound + the bounds of the
                    # terms after t (in its rows' ranges, for a long list: a frequent term's
                    # blocks mostly lie where the other terms are weak): blocks below theta are
                    # left to the look-ups of rows found elsewhere
                    after = left[i + 1]
                    if int(q.ends[s, t] - q.starts[s, t]) >= SUFFIX_MIN:
                        after = self.after(s, order, i, got[1])
                    low = got[1].maxima * got[0] + after < theta * (1 - MARGIN)
                    if low.any():
                        skip[s] = low
                        chosen = np.flatnonzero(~low)
                g, tf = self.postings(s, t, chosen)
                new = g[acc[g] == 0]  # weights are > 0: a row at 0 was not matched yet
                acc[g] += _weights(q.idf, t, tf, self.norm[g])
                found.append(new)
                n_found += len(new)
            if any(m is not None for m in skip):
                skipped[t] = skip
            i += 1
        cand = np.concatenate(found) if found else np.zeros(0, np.int64)
        part = acc[cand].astype(np.float64)
        acc[cand] = 0
        if self.any_dead:
            keep = ~self.dead[cand]
            cand, part = cand[keep], part[keep]
        theta = max(theta, _kth(part, k))
        pending = [t for t in order[:i] if t in skipped] + order[i:]
        keep = part + left[i] + sum(ub[t] for t in skipped) >= theta * (1 - MARGIN)  # global bounds first: cheap
        cand, part = cand[keep], part[keep]
        by_row = np.argsort(cand)
        cand, part = cand[by_row], part[by_row]
        # per candidate, the bounds of its terms not added yet, from the ranges of rows it is in
        reach = self.bound(cand, np.searchsorted(cand, self.offsets), pending, skipped)
        if len(cand) > FEW * k and pending:
            # the rows that could score highest, scored whole: their k-th lifts theta to about the
            # true k-th before the look-ups, which then start from far fewer rows (and the final
            # rescoring finds them scored)
            n = min(probe, len(cand))
            best = np.sort(cand[np.argpartition(-(part + reach), n - 1)[:n]])
            theta = max(theta, self.theta_of(best, k))
        whole = True  # the survivors' partial scores are whole once every term is added
        for t in pending:  # only for passages that can still reach theta
            keep = part + reach >= theta * (1 - MARGIN)
            cand, part, reach = cand[keep], part[keep], reach[keep]
            if len(cand) <= FEW * k:  # few left: scoring them whole costs less than a step per term
                whole = False
                break
            bound = self.bound(cand, np.searchsorted(cand, self.offsets), [t], skipped)
            reach -= bound
            self.add_exact(cand, part, np.flatnonzero(bound > 0), t)  # no bound: no posting to look up
            theta = max(theta, _kth(part, k))
        if whole and len(part) >= k:  # keep those that can tie the k-th
            cand = cand[part >= theta * (1 - MARGIN)]
        scores = self.exact_known(cand)
        return cand[scores > 0], scores[scores > 0]
