"""Fusion of ranked lists and the grouping of results: pure functions over passage ids."""
from __future__ import annotations

from typing import Callable, Hashable, Sequence

import numpy as np


def rrf(ranked_lists: Sequence[Sequence[int]], k: int = 60,
        weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: score(id) = sum_i w_i / (k + rank_i(id)), ranks from 1.

    Best first; ties keep the order of first appearance (list by list). BM25 and cosine scores live
    on different scales, so only ranks are used.
    """
    if k < 0:
        raise ValueError("k của RRF phải >= 0 (thường là 60)")
    if weights is None:
        weights = [1.0] * len(ranked_lists)
    if len(weights) != len(ranked_lists):
        raise ValueError(f"cần {len(ranked_lists)} trọng số, nhận {len(weights)}")
    scores: dict[int, float] = {}
    for ranked, w in zip(ranked_lists, weights):
        seen: set[int] = set()
        for pid in ranked:
            if pid in seen:  # a duplicate inside one list counts once, at its best rank
                continue
            seen.add(pid)
            scores[pid] = scores.get(pid, 0.0) + w / (k + len(seen))
    order = {pid: i for i, pid in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def zscore_fusion(scored_lists: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float],
                  missing: float = 0.5, rank_weight: float = 0.0, k: int = 5) -> list[tuple[int, float]]:
    """Score fusion: each list's raw scores become z-scores within the query (so BM25 and cosine
    meet on one scale), then score(id) = sum_i w_i * (z_i(id) + rank_weight / (k + rank_i(id))).

    An id a list did not return counts `missing` standard deviations under that list's lowest
    score, and gets no rank term from it. A list whose scores are all equal says nothing about
    order (all z 0), so the others decide alone: unlike rank fusion, a weak side with a flat
    score profile cannot pull a confident side's top hit down. Best first; ties keep first
    appearance. Lists are (id, score) pairs, best first, as the retrievers return them.
    """
    if len(weights) != len(scored_lists):
        raise ValueError(f"cần {len(scored_lists)} trọng số, nhận {len(weights)}")
    if k < 0 or missing < 0 or rank_weight < 0:
        raise ValueError("k, missing và rank_weight của phép hợp nhất phải >= 0")
    # in numpy (issue 14: the dict version was ~0.5 ms of every search); the same float operations
    # in the same order as sum(w * (z + rank term, or floor)), so the same scores to the last bit
    lists = []
    for scored, w in zip(scored_lists, weights):
        n = len(scored)
        pids = np.fromiter((p for p, _ in scored), dtype=np.int64, count=n)
        values = np.fromiter((s for _, s in scored), dtype=np.float64, count=n)
        if n:
            sd = float(values.std())
            zs = (values - values.mean()) / sd if sd > 1e-12 else np.zeros_like(values)
            floor = float(zs.min()) - missing
            zs = zs + rank_weight / (k + np.arange(1, n + 1))
        else:
            zs, floor = values, 0.0
        lists.append((pids, zs, floor, float(w)))
    every = np.concatenate([pids for pids, _, _, _ in lists] or [np.zeros(0, np.int64)])
    if not len(every):
        return []
    ids, first = np.unique(every, return_index=True)
    ids = ids[np.argsort(first, kind="stable")]  # in order of first appearance, list by list
    scores = np.zeros(len(ids))
    for pids, zs, floor, w in lists:
        if not len(pids):
            scores += w * floor
            continue
        own, at = np.unique(pids, return_index=True)  # a duplicate counts once, at its best rank
        pos = np.minimum(np.searchsorted(own, ids), len(own) - 1)
        scores += w * np.where(own[pos] == ids, zs[at[pos]], floor)
    order = np.lexsort((np.arange(len(ids)), -scores))
    return list(zip(ids[order].tolist(), scores[order].tolist()))


def cap_per_group(ranked: Sequence[int], group_of: Callable[[int], Hashable], cap: int,
                  page: int) -> list[int]:
    """Reorder so the first `page` results hold at most `cap` items of one group when there are
    enough other items; what was held back follows, in its original order."""
    if cap <= 0:
        return list(ranked)
    first: list[int] = []
    held: list[int] = []
    counts: dict[Hashable, int] = {}
    for pid in ranked:
        g = group_of(pid)
        if len(first) < page and counts.get(g, 0) < cap:
            counts[g] = counts.get(g, 0) + 1
            first.append(pid)
        else:
            held.append(pid)
    if len(first) < page:  # not enough variety: fill the page with the best held-back items
        fill, held = held[: page - len(first)], held[page - len(first):]
        pos = {pid: i for i, pid in enumerate(ranked)}
        first = sorted(first + fill, key=pos.__getitem__)
    return first + held
