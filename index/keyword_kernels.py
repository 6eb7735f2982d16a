"""Compiled loops of the keyword top k by ranges (index/keyword_ranges.py): numba, nopython,
releasing the interpreter lock, cached on disk after the first compile.

Why compiled (issue 14): at 10^6 passages the numpy MaxScore (index/keyword_topk.py) spends its
time in thousands of small array operations per query, each holding the interpreter lock, so the
keyword side of a hybrid search neither ran beside the dense side nor went below ~12 ms p95 for
queries made of frequent words. These loops walk the posting lists document by document instead
(MaxScore, Turtle & Flood 1995), over ranges of rows taken best bound first, in one call per segment.

Exact: each row that can enter the top k is scored with the full scoring's expression, its terms
added in hash order from 0.0 in float64, then rounded to float32, as KeywordIndex.scores does with
np.bincount; bounds carry a relative MARGIN so rounding never prunes a row that ties the k-th.
"""
from __future__ import annotations

import numpy as np
from numba import njit

MARGIN = 1e-4  # as index/keyword_topk.py
NONE = np.int64(1) << 62  # no next row


@njit(nogil=True, cache=True)
def _lower(rows, a, b, x):
    """The first position in [a, b) of sorted rows where rows[pos] >= x (b if none)."""
    while a < b:
        m = (a + b) >> 1
        if rows[m] < x:
            a = m + 1
        else:
            b = m
    return a


@njit(nogil=True, cache=True)
def _seek(rows, p, end, x):
    """_lower from p, galloping: the row sought is mostly a few postings ahead."""
    if p >= end or rows[p] >= x:
        return p
    step = 1
    lo = p
    hi = p + 1
    while hi < end and rows[hi] < x:
        lo = hi
        step <<= 1
        hi = lo + step
    return _lower(rows, lo + 1, min(hi, end), x)


@njit(nogil=True, cache=True)
def _push(heap, n, k, score):
    """Keeps the k best scores in a min-heap (heap[0] the k-th once n == k); returns n."""
    if n < k:
        heap[n] = score
        j = n
        n += 1
        while j > 0:
            p = (j - 1) >> 1
            if heap[p] <= heap[j]:
                break
            heap[p], heap[j] = heap[j], heap[p]
            j = p
    elif score > heap[0]:
        heap[0] = score
        j = 0
        while True:
            c = 2 * j + 1
            if c >= k:
                break
            if c + 1 < k and heap[c + 1] < heap[c]:
                c += 1
            if heap[c] >= heap[j]:
                break
            heap[c], heap[j] = heap[j], heap[c]
            j = c
    return n


@njit(nogil=True, cache=True)
def _grow(a, n):
    b = np.empty(2 * len(a), a.dtype)
    b[:n] = a[:n]
    return b


@njit(nogil=True, cache=True)
def segment_top(rows, tf, norm, dead, offset, idf, bound, cuts, shift, range_order, range_total, k, heap, n_heap,
                out_rows, out_scores, n_out):
    """One segment's rows that can be in the top k (global numbers) and their exact scores,
    appended to out_rows/out_scores from n_out.

    rows/tf: the segment's postings; norm/dead: per row of the segment; idf: per term (hash order);
    bound[t, r]: term t's largest weight (with the margin) in range r (rows [r << shift, (r+1) << shift));
    cuts[t, r]: the position of t's first posting in range r (cuts[t, r + 1] ends it); range_order:
    ranges by range_total (the sum of their bounds) descending. heap/n_heap: the k best scores so far,
    across segments.
    Returns (n_heap, n_out, out_rows, out_scores): the arrays grow when full."""
    T = len(idf)
    n = len(norm)
    order = np.empty(T, np.int64)
    upto = np.empty(T, np.float64)  # upto[j]: bounds of order[0..j] summed
    pos = np.empty(T, np.int64)
    end = np.empty(T, np.int64)
    weight = np.zeros(T, np.float64)  # of the current row, per position in order
    by_term = np.zeros(T, np.float64)  # the same per term, to add in hash order
    theta = heap[0] * (1 - MARGIN) if n_heap >= k else 0.0
    for ri in range(len(range_order)):
        r = range_order[ri]
        if range_total[r] < theta:
            break  # this range and every later one: no row can reach the k-th
        hi = min((r + 1) << shift, n)
        m = 0  # the range's terms by bound ascending (insertion sort: ~50 terms)
        for t in range(T):
            if bound[t, r] > 0 and cuts[t, r + 1] > cuts[t, r]:
                j = m
                while j > 0 and bound[order[j - 1], r] > bound[t, r]:
                    order[j] = order[j - 1]
                    j -= 1
                order[j] = t
                m += 1
        total = 0.0
        for j in range(m):
            t = order[j]
            total += bound[t, r]
            upto[j] = total
            pos[j] = cuts[t, r]
            end[j] = cuts[t, r + 1]
        # terms order[:essential] are looked up only for rows the others found: together they
        # cannot lift a row to theta
        essential = 0
        while essential < m and upto[essential] < theta:
            essential += 1
        row = NONE
        for j in range(essential, m):
            if pos[j] < end[j] and rows[pos[j]] < row:
                row = rows[pos[j]]
        while row != NONE and row < hi:
            score = 0.0
            following = NONE
            for j in range(essential, m):
                p = pos[j]
                w = 0.0
                if p < end[j] and rows[p] == row:
                    x = tf[p]
                    w = idf[order[j]] * np.float64(x) / np.float64(x + norm[row])
                    p += 1
                    pos[j] = p
                weight[j] = w
                if p < end[j] and rows[p] < following:
                    following = rows[p]
                score += w
            reachable = True
            for j in range(essential - 1, -1, -1):
                if score + upto[j] < theta:
                    reachable = False
                    break
                p = _seek(rows, pos[j], end[j], row)
                pos[j] = p
                w = 0.0
                if p < end[j] and rows[p] == row:
                    x = tf[p]
                    w = idf[order[j]] * np.float64(x) / np.float64(x + norm[row])
                weight[j] = w
                score += w
            if reachable and not dead[row]:
                for j in range(m):
                    by_term[order[j]] = weight[j]
                exact = 0.0
                for t in range(T):  # hash order, from 0.0: the full scoring's sum bit for bit
                    exact += by_term[t]
                    by_term[t] = 0.0
                exact32 = np.float32(exact)
                if exact32 >= theta:
                    if n_out == len(out_rows):
                        out_rows = _grow(out_rows, n_out)
                        out_scores = _grow(out_scores, n_out)
                    out_rows[n_out] = row + offset
                    out_scores[n_out] = exact32
                    n_out += 1
                    n_heap = _push(heap, n_heap, k, exact32)
                    if n_heap >= k and heap[0] * (1 - MARGIN) > theta:
                        theta = heap[0] * (1 - MARGIN)
                        while essential < m and upto[essential] < theta:
                            essential += 1
                        following = NONE  # the next row among the terms still essential
                        for j in range(essential, m):
                            if pos[j] < end[j] and rows[pos[j]] < following:
                                following = rows[pos[j]]
            row = following
    return n_heap, n_out, out_rows, out_scores


@njit(nogil=True, cache=True)
def short_ranges(rows, tf, norm, starts, ends, factor, short, shift, bound, cuts):
    """For each term t with short[t]: bound[t, r] = factor[t] x its largest tf part among its postings
    in range r, cuts[t, r] = the position of its first posting there (cuts[t, -1]: its end). A short
    list is read whole, once per query: cheaper than keeping it (~0.1 ms of numpy a list)."""
    n_ranges = bound.shape[1]
    for t in range(len(short)):
        if not short[t]:
            continue
        p = starts[t]
        b = ends[t]
        for r in range(n_ranges):
            cuts[t, r] = p
            limit = (r + 1) << shift
            best = 0.0
            while p < b and rows[p] < limit:
                x = tf[p]
                v = x / (x + norm[rows[p]])  # float32, as blockmax.list_at_shift: the margin covers rounding
                if v > best:
                    best = v
                p += 1
            bound[t, r] = factor[t] * best
        cuts[t, n_ranges] = b


def read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view: numba compiles once per mix of writable and read-only arrays, and the
    segments' memory maps are read-only, so every input is passed read-only (one compile)."""
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def warm() -> None:
    """Compiles segment_top for the index's dtypes, or loads it from the disk cache (~10 s the
    first time, then ~0.5 s)."""
    ro = read_only
    segment_top(ro(np.array([0, 1], np.int32)), ro(np.ones(2, np.float32)), ro(np.ones(2, np.float32)),
                ro(np.zeros(2, np.bool_)), 0, ro(np.ones(1, np.float64)), ro(np.ones((1, 1), np.float64)),
                ro(np.array([[0, 2]], np.int64)), 11, ro(np.zeros(1, np.int64)), ro(np.ones(1, np.float64)), 1,
                np.zeros(1, np.float32), 0, np.empty(4, np.int64), np.empty(4, np.float32), 0)
    short_ranges(ro(np.array([0, 1], np.int32)), ro(np.ones(2, np.float32)), ro(np.ones(2, np.float32)),
                 ro(np.zeros(1, np.int64)), ro(np.full(1, 2, np.int64)), ro(np.ones(1, np.float64)),
                 ro(np.ones(1, np.bool_)), 11, np.zeros((1, 1), np.float64), np.zeros((1, 2), np.int64))
