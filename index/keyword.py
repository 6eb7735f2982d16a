"""Keyword index: BM25 over Vietnamese tokens from index.tokenize, kept as immutable segments.

Scores are bm25s's "lucene" BM25 (k1 1.5, b 0.75; idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
tf part tf / (tf + k1 (1 - b + b dl / avgdl))), computed at query time from the segments' raw term
frequencies with statistics of the live passages of all segments: the same scores as one bm25s
index rebuilt over the same passages (tests/test_index_segments.py checks this against bm25s).

Why segments (issue 14): rebuilding bm25s from every passage's tokens at each commit took 28.8 s
at 86,691 passages. Here `append` builds a segment from the new passages alone, `delete` only
records dead passage ids (tombstones), and `save` hard-links the segments it loaded instead of
writing them again, so a commit costs work proportional to the change. `merge` folds segments and
tombstones into one segment (index/postings.py); the Library merges when segments pile up.

Verbs as index.base.PassageIndex. Top k is taken over the passages that score above zero only.
"""
from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from index import blockmax_files
from index.base import ScoredId
from index.postings import Segment, merge, term_hashes
from index.blockmax import Bounds
from index.keyword_rows import QueryTerms, best_k, score_rows, term_slices
from index import keyword_ranges
from index.keyword_topk import top_rows
from index.postings_merge import RANGE_POSTINGS, merge_to_folder
from index.tokenize import query_tokens

K1, B = 1.5, 0.75
FOLDER = "keyword"
# an `allowed` set up to this many passages is scored passage by passage (a named document, a
# narrow filter); a broader one scores every posting
ALLOWED_SCORED = 20_000
# up to this many passages scoring every posting is cheaper than MaxScore's bookkeeping (alqac,
# 3,626 passages: keyword p50 1.8 ms scoring all, 9.8 ms with MaxScore); above, MaxScore wins
# (scripts/bench_keyword_topk.py: 100k p95 120 -> 49 ms). Both give the same results.
FULL_SCORING_MAX = 50_000


class KeywordIndex:
    def __init__(self) -> None:
        self._segments: list[Segment] = []
        # appended, not yet in a segment (one per commit): per passage (term ids, counts, length), the
        # term ids numbering self._vocab; token lists held ~60 bytes a token (3.8 GB at a 50,000-passage commit)
        self._pending: dict[int, tuple[np.ndarray, np.ndarray, int]] = {}
        self._pending_prefix: dict[int, int] = {}  # pid -> twins.prefix_hash, when the writer gave it
        self._vocab: dict[str, int] = {}
        self._dead_mask = np.zeros(0, dtype=bool)  # tombstones: rows of the segments that were deleted
        self._stale = True
        self._bounds = Bounds()  # per (segment, term) upper bounds for MaxScore (index/keyword_topk.py)
        self._ranges = keyword_ranges.RangeBounds()  # the same per range of rows (index/keyword_ranges.py)
        self._alive_df: dict[tuple[str, int, int], int] = {}  # live postings of a term in a segment with tombstones
        self._ready()

    def _ready(self) -> None:
        """The pending passages as one new segment, then row offsets and live statistics."""
        if self._pending:
            pids = list(self._pending)
            known = len(self._pending_prefix) == len(pids)
            prefix = np.fromiter((self._pending_prefix[p] for p in pids), np.uint64, len(pids)) if known else None
            seg = Segment.from_counts(f"seg-{uuid.uuid4().hex[:12]}", pids, [self._pending[p] for p in pids],
                                      term_hashes(list(self._vocab)), prefix)
            self._vocab, self._pending_prefix = {}, {}
            self._segments.append(seg)
            self._dead_mask = np.concatenate([self._dead_mask, np.zeros(len(seg), dtype=bool)])
            self._pending, self._stale = {}, True
        if not self._stale:
            return
        self.pids = np.concatenate([np.asarray(s.pids) for s in self._segments]) if self._segments \
            else np.zeros(0, dtype=np.int64)
        self._order = np.argsort(self.pids, kind="stable")
        self._sorted_pids: np.ndarray | None = None  # self.pids[self._order], made on first use
        self._offsets = np.cumsum([0] + [len(s) for s in self._segments])
        dl = np.concatenate([np.asarray(s.dl, dtype=np.float64) for s in self._segments]) if self._segments \
            else np.zeros(0)
        self._n_live = int(len(self.pids) - self._dead_mask.sum())
        self._seg_dead = [int(self._dead_mask[a:b].sum()) for a, b in zip(self._offsets[:-1], self._offsets[1:])]
        total = float(dl[~self._dead_mask].sum())
        avgdl = total / self._n_live if self._n_live else 1.0
        self._avgdl = avgdl or 1.0
        # k1 (1 - b + b dl / avgdl) per row: the tf part's denominator without tf
        self._norm = (K1 * (1 - B + B * dl / (avgdl or 1.0))).astype(np.float32)
        self._stale = False

    def __len__(self) -> int:
        self._ready()
        return self._n_live

    def count(self) -> int:
        return len(self)

    @property
    def segments(self) -> int:
        self._ready()
        return len(self._segments)

    def index(self, pids: Iterable[int], tokens: Sequence[list[str]]) -> None:
        """Replace everything with these passages (one segment)."""
        self._segments, self._pending, self._dead_mask, self._stale = [], {}, np.zeros(0, dtype=bool), True
        self._vocab, self._pending_prefix = {}, {}
        self.append(pids, tokens)

    def append(self, pids: Iterable[int], tokens: Sequence[list[str]], prefixes: Sequence[int] | None = None) -> None:
        """Passages for the next segment (built once, at the next search or save: a commit of many
        documents makes one segment); an id already indexed is replaced. `prefixes`: each passage's
        twins.prefix_hash, kept with the segment (without them the Library reads texts for twins)."""
        pids = [int(p) for p in pids]
        self._bury(pids)
        if prefixes is not None:
            self._pending_prefix.update(zip(pids, (int(h) for h in prefixes)))
        vocab = self._vocab
        for pid, toks in zip(pids, tokens):
            counts = Counter(toks)
            ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in counts), dtype=np.int64, count=len(counts))
            self._pending[pid] = (ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts)), len(toks))

    def delete(self, pids: Iterable[int]) -> None:
        self._bury([int(p) for p in pids])

    def _bury(self, pids: list[int]) -> None:
        for p in pids:
            self._pending.pop(p, None)
            self._pending_prefix.pop(p, None)
        if not len(self._dead_mask) or not pids:
            return
        if self._stale:
            self._ready()
        want = np.asarray(pids, dtype=np.int64)
        sorted_pids = self.pids[self._order]
        lo, hi = np.searchsorted(sorted_pids, want, "left"), np.searchsorted(sorted_pids, want, "right")
        rows = np.concatenate([self._order[a:b] for a, b in zip(lo, hi) if b > a] or [np.zeros(0, np.int64)])
        rows = rows[rows < len(self._dead_mask)]
        if len(rows) and not self._dead_mask[rows].all():
            self._dead_mask[rows] = True
            self._stale = True

    def merge(self, keep_largest: bool = False, below: int | None = None, folder: Path | None = None) -> None:
        """Fold the segments (all, all but the largest, or those under `below` passages) into one
        without tombstones (same scores). With `folder` (a generation being written) a large merge
        is written there range by range (index/postings_merge.py) instead of sorted in memory."""
        self._ready()
        dead = self._dead_rows()
        pairs = sorted(zip(self._segments, dead), key=lambda p: len(p[0]))
        fold = pairs[:-1] if keep_largest else pairs
        if below is not None:
            fold = [p for p in pairs if len(p[0]) < below]
        if len(fold) <= 1 and not any(len(d) for _, d in fold):
            return
        name = f"seg-{uuid.uuid4().hex[:12]}"
        if folder is not None and sum(len(s.rows) for s, _ in fold) > RANGE_POSTINGS:
            merged = merge_to_folder([s for s, _ in fold], [d for _, d in fold], name, folder / FOLDER)
        else:
            merged = merge([s for s, _ in fold], [d for _, d in fold], name)
        rest = [p for p in zip(self._segments, dead) if not any(p[0] is f[0] for f in fold)]  # original order
        self._segments = [s for s, _ in rest] + ([merged] if len(merged) else [])
        masks = []
        for s, d in rest:
            m = np.zeros(len(s), dtype=bool)
            m[d] = True
            masks.append(m)
        masks.append(np.zeros(len(merged), dtype=bool))
        self._dead_mask, self._stale = np.concatenate(masks), True
        self._ready()

    def tidy(self, max_segments: int, small: int) -> None:
        """After a commit: fold the segments under `small` passages once they hold `small` passages
        or number more than max_segments; large ones are left to `merge` (as DenseIndex.tidy)."""
        self._ready()
        sizes = [len(s) for s in self._segments if len(s) < small]
        if len(sizes) > 1 and (sum(sizes) >= small or len(sizes) > max_segments):
            self.merge(below=small)

    def _dead_rows(self) -> list[np.ndarray]:
        """Dead rows of each segment, in its own numbering."""
        return [np.flatnonzero(self._dead_mask[a:b]) for a, b in zip(self._offsets[:-1], self._offsets[1:])]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (order of self.pids, dead rows included as 0); zeros when nothing matches.
        Vectorised over the query's terms (alqac queries have ~140 tokens with their folded forms:
        a loop per term cost 3.1 ms a query at 4,609 passages, against bm25s's 1.0 ms)."""
        self._ready()
        out = np.zeros(len(self.pids), dtype=np.float32)
        if not self._n_live:
            return out
        tokens = query_tokens(query)
        if not tokens:
            return out
        hashes, repeats = np.unique(_query_hashes(tokens), return_counts=True)  # a repeated token counts again
        df = np.zeros(len(hashes), dtype=np.int64)
        found = []
        for seg, a, b in zip(self._segments, self._offsets[:-1], self._offsets[1:]):
            term, rows, tf = _gather(seg, hashes)
            dead = self._dead_mask[a:b]
            if len(rows) and dead.any():
                alive = ~dead[rows]
                term, rows, tf = term[alive], rows[alive], tf[alive]
            df += np.bincount(term, minlength=len(hashes))
            found.append((a, b, term, rows, tf))
        idf = np.where(df > 0, np.log1p((self._n_live - df + 0.5) / (df + 0.5)), 0.0) * repeats
        for a, b, term, rows, tf in found:
            if len(rows):
                weights = idf[term] * tf / (tf + self._norm[a:b][rows])
                out[a:b] = np.bincount(rows, weights, minlength=b - a)
        return out

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        """Best first, only passages that match at least one token; ties keep passage order (id).
        Without `allowed`, MaxScore (index/keyword_topk.py) skips most postings of frequent terms;
        with a small `allowed` only its passages are scored; the results are those of scoring all."""
        k = min(int(k), len(self))
        if k <= 0:
            return []
        rows, scores = self._top_rows(query, k, allowed)
        pick = best_k(rows, scores, self.pids, k)
        return [ScoredId(p, s) for p, s in zip(self.pids[rows[pick]].tolist(), scores[pick].tolist())]

    def _top_rows(self, query: str, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows that may be in the top k (with `allowed`: among those) and their exact scores."""
        self._ready()
        if allowed is not None and len(allowed) > ALLOWED_SCORED:  # a broad filter: score everything
            scores = np.where(np.isin(self.pids, allowed), self.scores(query), 0)
            rows = np.flatnonzero(scores > 0)
            return rows, scores[rows]
        if allowed is None and len(self.pids) <= FULL_SCORING_MAX:  # a small index: score everything
            scores = self.scores(query)
            rows = np.flatnonzero(scores > 0)
            return rows, scores[rows]
        q = self._query_terms(query)
        if q is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if allowed is not None:
            rows = self._rows_of_pids(np.asarray(allowed, dtype=np.int64))
            scores = score_rows(self._segments, self._offsets, self._norm, q, rows)
            return rows[scores > 0], scores[scores > 0]
        compiled = keyword_ranges.kernels()  # None until loaded (in the background) or without numba
        if compiled is not None:
            return keyword_ranges.top_rows(self._segments, self._offsets, self._dead_mask, self._norm, q, k,
                                           self._bounds, self._ranges, self._avgdl, compiled)
        return top_rows(self._segments, self._offsets, self._dead_mask, self._norm, q, k, self._bounds, self._avgdl)

    def _query_terms(self, query: str) -> QueryTerms | None:
        """The query's terms, their idf (live statistics, as scores()) and posting slices."""
        tokens = query_tokens(query) if self._n_live else []
        if not tokens:
            return None
        hashes, repeats = np.unique(_query_hashes(tokens), return_counts=True)
        starts, ends = term_slices(self._segments, hashes)
        df = np.zeros(len(hashes), dtype=np.int64)
        for s, (seg, a, b) in enumerate(zip(self._segments, self._offsets[:-1], self._offsets[1:])):
            present = np.flatnonzero(ends[s] > starts[s])
            n_dead = self._seg_dead[s]
            if not n_dead:
                df[present] += ends[s, present] - starts[s, present]
                continue
            dead = self._dead_mask[a:b]
            dead_rows = None
            for t, h, lo, hi in zip(present.tolist(), hashes[present].tolist(), starts[s, present].tolist(),
                                    ends[s, present].tolist()):
                key = (seg.name, n_dead, h)  # tombstones only grow: their count dates them
                got = self._alive_df.get(key)
                if got is None:
                    if len(self._alive_df) > 1_000_000:
                        self._alive_df.clear()
                    if n_dead * 64 < hi - lo:  # few tombstones, a long list: look them up in it (sorted rows)
                        # as the lists' int32: searchsorted casts the list to int64 otherwise, a copy
                        # of every posting (~10 ms a query on first use at 10^6 passages)
                        dead_rows = np.flatnonzero(dead).astype(np.int32) if dead_rows is None else dead_rows
                        # (a slice of the plain view: slicing the np.memmap cost ~15 us a term)
                        got = hi - lo - _present_in(np.asarray(seg.rows)[lo:hi], dead_rows)
                    else:  # reading the whole list cost ~10 ms for a frequent word at 10^6 passages
                        got = int(np.count_nonzero(~dead[np.asarray(seg.rows)[lo:hi]]))
                    self._alive_df[key] = got
                df[t] += got
        idf = np.where(df > 0, np.log1p((self._n_live - df + 0.5) / (df + 0.5)), 0.0) * repeats
        return QueryTerms(hashes, idf, starts, ends)

    def twin_prefixes(self, pids: Sequence[int]) -> dict[int, int]:
        """pid -> its stored twins.prefix_hash, for the live passages among `pids` whose segment
        has them (the others: read the text)."""
        self._ready()
        if not len(pids) or not any(s.prefix is not None for s in self._segments):
            return {}
        want, sorted_pids = np.asarray(pids, dtype=np.int64), self._sorted()
        lo, hi = np.searchsorted(sorted_pids, want, "left"), np.searchsorted(sorted_pids, want, "right")
        out: dict[int, int] = {}
        for pid, a, b in zip(want.tolist(), lo.tolist(), hi.tolist()):
            for row in self._order[a:b].tolist():  # a replaced passage's old row is dead
                if self._dead_mask[row]:
                    continue
                s = int(np.searchsorted(self._offsets, row, "right")) - 1
                prefix = self._segments[s].prefix
                if prefix is not None:
                    out[pid] = int(prefix[row - self._offsets[s]])
        return out

    def _sorted(self) -> np.ndarray:
        """self.pids sorted (kept: a gather over 10^6 passages cost ~3 ms a call)."""
        if self._sorted_pids is None:
            self._sorted_pids = self.pids[self._order]
        return self._sorted_pids

    def _rows_of_pids(self, want: np.ndarray) -> np.ndarray:
        """Sorted live rows of these passage ids."""
        sorted_pids = self._sorted()
        lo, hi = np.searchsorted(sorted_pids, want, "left"), np.searchsorted(sorted_pids, want, "right")
        rows = np.concatenate([self._order[a:b] for a, b in zip(lo.tolist(), hi.tolist()) if b > a]
                              or [np.zeros(0, np.int64)])
        rows = np.unique(rows.astype(np.int64))
        return rows[~self._dead_mask[rows]]

    def save(self, folder: Path) -> None:
        """folder/keyword/: a segment folder each (hard links to loaded ones), each segment's dead
        rows (tombstones), and the list of segments."""
        self._ready()
        target = folder / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        for s, dead in zip(self._segments, self._dead_rows()):
            s.save(target)
            blockmax_files.save(s, target / s.name, K1, B)  # large segments: computed once, then linked
            np.save(target / s.name / "dead.npy", dead)
        (target / "segments.json").write_text(json.dumps([s.name for s in self._segments]), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        """What `save` wrote; an empty index where nothing was (then Library rebuilds it from the store)."""
        index = cls()
        target = folder / FOLDER
        if (target / "segments.json").exists():
            names = json.loads((target / "segments.json").read_text(encoding="utf-8"))
            index._segments = [Segment.load(target / n) for n in names]
            masks = []
            for seg in index._segments:
                mask = np.zeros(len(seg), dtype=bool)
                mask[np.load(target / seg.name / "dead.npy")] = True
                masks.append(mask)
            index._dead_mask = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
            index._stale = True
            index._ready()
        return index

    @staticmethod
    def saved_in(folder: Path) -> bool:
        return (folder / FOLDER / "segments.json").exists()


def _gather(seg: Segment, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every posting of the sorted term `hashes` in one segment: (term index, row, tf). Each term's
    postings are one contiguous slice: concatenated slices, not an index array (a common word has
    a posting in most passages)."""
    if not len(seg.terms):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    i = np.searchsorted(seg.terms, hashes)
    i_ok = np.minimum(i, len(seg.terms) - 1)
    hit = (i < len(seg.terms)) & (np.asarray(seg.terms)[i_ok] == hashes)
    found = np.flatnonzero(hit)
    if not len(found):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    starts, ends = np.asarray(seg.indptr[i_ok[found]]), np.asarray(seg.indptr[i_ok[found] + 1])
    rows = np.concatenate([seg.rows[a:b] for a, b in zip(starts.tolist(), ends.tolist())])
    tf = np.concatenate([seg.tf[a:b] for a, b in zip(starts.tolist(), ends.tolist())])
    return np.repeat(found, ends - starts), rows, tf


_HASHES: dict[str, int] = {}  # query token -> hash: blake2b of ~140 tokens (alqac) was ~0.15 ms a query


def _query_hashes(tokens: list[str]) -> np.ndarray:
    if len(_HASHES) > 500_000:  # bounded: a long-running server sees many distinct words
        _HASHES.clear()
    missing = [t for t in set(tokens) if t not in _HASHES]
    if missing:
        _HASHES.update(zip(missing, term_hashes(missing).tolist()))
    return np.fromiter((_HASHES[t] for t in tokens), dtype=np.uint64, count=len(tokens))


def _present_in(sorted_rows: np.ndarray, rows: np.ndarray) -> int:
    """How many of `rows` are in `sorted_rows` (a term's postings: rows ascending)."""
    if not len(sorted_rows) or not len(rows):
        return 0
    at = np.searchsorted(sorted_rows, rows)
    ok = at < len(sorted_rows)
    return int(np.count_nonzero(sorted_rows[at[ok]] == rows[ok]))

