import pytest

from index.fusion import cap_per_group, rrf


def test_rrf_scores_are_reciprocal_ranks():
    fused = dict(rrf([[1, 2, 3], [3, 1]], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)


def test_rrf_orders_best_first_and_agreement_wins():
    assert [pid for pid, _ in rrf([[1, 2, 3], [3, 2, 1], [2]])] == [2, 1, 3]


def test_rrf_weights_and_ties():
    assert [pid for pid, _ in rrf([[1], [2]], weights=[1.0, 2.0])] == [2, 1]
    assert [pid for pid, _ in rrf([[1], [2]])] == [1, 2]  # tie: first seen first
    with pytest.raises(ValueError):
        rrf([[1], [2]], weights=[1.0])


def test_rrf_edge_cases():
    assert rrf([]) == [] and rrf([[], []]) == []
    assert rrf([[5, 5, 6]]) == rrf([[5, 6]])  # a duplicate counts once


def test_cap_per_group_keeps_variety_on_first_page():
    ranked = [1, 2, 3, 4, 5, 6]
    group = {1: "a", 2: "a", 3: "a", 4: "a", 5: "b", 6: "c"}.__getitem__
    assert cap_per_group(ranked, group, cap=2, page=4) == [1, 2, 5, 6, 3, 4]
    # not enough other documents: the page is filled in the original order
    assert cap_per_group([1, 2, 3, 5], group, cap=2, page=4) == [1, 2, 3, 5]
    assert cap_per_group(ranked, group, cap=0, page=4) == ranked
