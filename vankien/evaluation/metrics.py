"""Ranking metrics with the pytrec_eval / BEIR definitions. Pure functions over one query:

ranking: retrieved doc ids, best first (duplicates are ignored after their first appearance);
qrels: {doc id: graded relevance}; a document is relevant when its grade is > 0.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence


def _dedup(ranking: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ranking))


def recall_at(ranking: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents found in the first k."""
    relevant = {d for d, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_dedup(ranking)[:k])) / len(relevant)


def mrr_at(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first relevant document within the first k, else 0."""
    for rank, doc in enumerate(_dedup(ranking)[:k], 1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (the grade) and log2(rank + 1) discounts; ideal DCG from sorted qrels."""
    dcg = sum(max(qrels.get(doc, 0), 0) / math.log2(rank + 1) for rank, doc in enumerate(_dedup(ranking)[:k], 1))
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, 1))
    return dcg / idcg if idcg > 0 else 0.0


METRICS = ("Recall@1", "Recall@5", "Recall@10", "MRR@10", "nDCG@10")


def score_query(ranking: Sequence[str], qrels: Mapping[str, int]) -> dict[str, float]:
    return {
        "Recall@1": recall_at(ranking, qrels, 1),
        "Recall@5": recall_at(ranking, qrels, 5),
        "Recall@10": recall_at(ranking, qrels, 10),
        "MRR@10": mrr_at(ranking, qrels, 10),
        "nDCG@10": ndcg_at(ranking, qrels, 10),
    }


def mean_scores(per_query: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Macro average over queries (every judged query counts, also those with nothing retrieved)."""
    if not per_query:
        return {m: 0.0 for m in METRICS}
    return {m: sum(q[m] for q in per_query) / len(per_query) for m in METRICS}
