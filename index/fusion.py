"""Fusion of ranked lists and the grouping of results: pure functions over passage ids."""
from __future__ import annotations

from typing import Callable, Hashable, Sequence


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
