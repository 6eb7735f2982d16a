"""Whole BM25 scores of chosen rows inside one query's MaxScore (index/keyword_topk.py): the
rescoring that makes its top k exact, and the probes that raise its theta.

Bit for bit the full scoring's (KeywordIndex.scores): each row's terms are added in hash order by
the same expression (index/keyword_rows.py `_weights`). Rows scored once are kept with their scores
for the rest of the query: a probe's rows are the likeliest top k, so the final rescoring mostly
finds them scored (issue 14, fourth pass: ~1-2.5 ms a call at 10^6 passages, up to 4 calls a query).
"""
from __future__ import annotations

import numpy as np

from index.keyword_rows import _weights

FEW_NEW = 64  # rows a probe leaves unscored when it already has k scored whole


def _kth(values: np.ndarray, k: int) -> float:
    return float(np.partition(values, len(values) - k)[len(values) - k]) if len(values) >= k else 0.0


class ExactScores:
    """Mixed into keyword_topk._Run, whose state it reads: segments, offsets, norm, q, plain,
    slices, alive(), and the rows scored so far (known_rows sorted, known)."""

    def theta_of(self, rows: np.ndarray, k: int) -> float:
        """The k-th best whole score of these (distinct) rows: a lower bound of the k-th best. When
        a probe scored k or more of them and the others are few, those k are enough: scoring a
        few rows costs a look-up per term all the same (~1 ms at 10^6 passages)."""
        rows = np.sort(self.alive(rows))
        at = np.searchsorted(self.known_rows, rows)
        have = at < len(self.known_rows)
        have[have] = self.known_rows[at[have]] == rows[have]
        n_have = int(np.count_nonzero(have))
        if n_have >= k and len(rows) - n_have < FEW_NEW:
            return _kth(self.known[at[have]], k)
        return _kth(self.exact_known(rows), k)

    def exact_known(self, rows: np.ndarray) -> np.ndarray:
        """exact(rows) (sorted alive rows), rows a probe scored taken from it and the others kept:
        a probe's rows are the likeliest top k, so most of them are rescored at the end."""
        out = np.empty(len(rows), dtype=np.float32)
        at = np.searchsorted(self.known_rows, rows)
        have = at < len(self.known_rows)
        have[have] = self.known_rows[at[have]] == rows[have]
        out[have] = self.known[at[have]]
        new = rows[~have]
        if len(new):
            out[~have] = scored = self.exact(new)
            rows_all = np.concatenate([self.known_rows, new])
            order = np.argsort(rows_all, kind="stable")
            self.known_rows, self.known = rows_all[order], np.concatenate([self.known, scored])[order]
        return out

    def exact(self, rows: np.ndarray) -> np.ndarray:
        """score_rows (bit for bit: each row's terms added in hash order) of sorted alive rows.
        Per segment, then per term: each row is in one segment, so its sum keeps the order, and the
        rows' local numbers and lengths are cut once per segment, not once per term."""
        out = np.zeros(len(rows), dtype=np.float64)
        cuts = np.searchsorted(rows, self.offsets)
        present = (self.q.ends > self.q.starts) & (self.q.idf > 0)
        idf = self.q.idf
        for s in range(len(self.segments)):
            lo, hi = int(cuts[s]), int(cuts[s + 1])
            if hi <= lo:
                continue
            seg_rows, seg_tf = self.plain[s]
            local = (rows[lo:hi] - self.offsets[s]).astype(np.int32)
            norm = self.norm[rows[lo:hi]]
            part = out[lo:hi]  # a view: added to in place
            for t in np.flatnonzero(present[s]).tolist():  # hash order
                a, b = self.slices[s][t]
                listed = seg_rows[a:b]
                pos = listed.searchsorted(local)
                np.minimum(pos, b - a - 1, out=pos)
                hit = np.flatnonzero(listed[pos] == local)
                if len(hit):
                    tf = seg_tf[a:b][pos[hit]]
                    part[hit] += _weights(idf, t, tf, norm[hit])
        return out.astype(np.float32)
