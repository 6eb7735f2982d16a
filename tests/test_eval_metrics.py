"""Metrics against hand-computed values (pytrec_eval / BEIR definitions)."""
import math

import pytest

from vankien.evaluation.metrics import mean_scores, mrr_at, ndcg_at, recall_at, score_query


def test_single_relevant_at_rank_three():
    ranking, qrels = ["x", "y", "a", "z"], {"a": 1}
    assert recall_at(ranking, qrels, 1) == 0.0
    assert recall_at(ranking, qrels, 3) == 1.0
    assert mrr_at(ranking, qrels) == pytest.approx(1 / 3)
    assert ndcg_at(ranking, qrels) == pytest.approx(0.5)  # 1/log2(4) over 1/log2(2)


def test_graded_relevance():
    # DCG = 2/log2(3) + 1/log2(5) = 1.2618595 + 0.4306766; IDCG = 2/log2(2) + 1/log2(3) = 2.6309298
    ranking, qrels = ["c", "a", "d", "b"], {"a": 2, "b": 1}
    assert ndcg_at(ranking, qrels) == pytest.approx(1.6925361 / 2.6309298, abs=1e-6)
    assert recall_at(ranking, qrels, 2) == 0.5
    assert recall_at(ranking, qrels, 5) == 1.0
    assert mrr_at(ranking, qrels) == 0.5


def test_cutoff_ideal_from_sorted_qrels_only_top_k():
    qrels = {f"d{i}": 1 for i in range(12)}
    ranking = [f"d{i}" for i in range(10)]
    assert ndcg_at(ranking, qrels, 10) == pytest.approx(1.0)
    assert recall_at(ranking, qrels, 10) == pytest.approx(10 / 12)


def test_zero_grade_is_not_relevant_and_duplicates_count_once():
    qrels = {"a": 0, "b": 1}
    assert mrr_at(["a", "b"], qrels) == 0.5
    assert ndcg_at(["b", "b", "b"], {"b": 1, "c": 1}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_nothing_retrieved_scores_zero_and_counts_in_the_mean():
    s = score_query([], {"a": 1})
    assert all(v == 0.0 for v in s.values())
    m = mean_scores([s, score_query(["a"], {"a": 1})])
    assert m["Recall@1"] == 0.5 and m["nDCG@10"] == 0.5 and m["MRR@10"] == 0.5


def test_mrr_only_within_ten():
    assert mrr_at([f"x{i}" for i in range(10)] + ["a"], {"a": 1}) == 0.0
