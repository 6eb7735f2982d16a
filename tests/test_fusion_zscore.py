"""Score fusion (index/fusion.py zscore_fusion): the hybrid's default since issue 13."""
import pytest

from index.fusion import rrf, zscore_fusion


def ids(fused):
    return [pid for pid, _ in fused]


KEYWORD = [(1, 18.0), (2, 9.0), (3, 8.5), (4, 8.0), (5, 7.9)]  # one clear BM25 winner


def test_a_confident_side_is_not_pulled_down_by_a_weak_one():
    # the dense side puts the keyword winner 10th, but its cosines barely differ
    dense = [(p, 0.86 - 0.001 * i) for i, p in enumerate([2, 3, 4, 5, 6, 7, 8, 9, 10, 1])]
    # rank fusion as the app had it (k 5, dense 0.5) lets that faint preference win
    assert ids(rrf([[p for p, _ in dense], [p for p, _ in KEYWORD]], k=5, weights=[0.5, 1.0]))[0] == 2
    assert ids(zscore_fusion([KEYWORD, dense], [0.7, 0.3]))[0] == 1


def test_a_flat_side_leaves_the_other_sides_order():
    flat = [(p, 0.8) for p in (5, 4, 3, 2, 1)]
    assert ids(zscore_fusion([KEYWORD, flat], [0.7, 0.3])) == [1, 2, 3, 4, 5]
    assert ids(zscore_fusion([KEYWORD, flat], [0.7, 0.3], rank_weight=0.0)) == [1, 2, 3, 4, 5]


def test_agreement_wins_and_scales_do_not_matter():
    kw = [(7, 30.0), (8, 29.0), (9, 5.0)]
    de = [(8, 0.9), (7, 0.7), (9, 0.6)]
    base = ids(zscore_fusion([kw, de], [0.5, 0.5]))
    assert base[-1] == 9  # last in both lists, last fused
    scaled = ids(zscore_fusion([[(p, s * 100 + 3) for p, s in kw], de], [0.5, 0.5]))
    assert scaled == base  # BM25 scores on another scale: same fusion


def test_missing_ids_count_below_the_list_floor():
    kw = [(1, 10.0), (2, 5.0)]
    de = [(3, 0.9), (2, 0.8)]
    fused = dict(zscore_fusion([kw, de], [0.5, 0.5], missing=0.5, rank_weight=0.0))
    # 2 is in both lists, at the bottom of each; 1 and 3 each miss one list (floor -1 - 0.5)
    assert fused[2] == pytest.approx(-1.0)
    assert fused[1] == pytest.approx(0.5 * 1 + 0.5 * -1.5)
    assert set(fused) == {1, 2, 3}


def test_never_below_both_inputs_when_one_side_is_noise():
    # keyword finds the answer first; the dense side's ranking is a reversed (wrong) one with
    # a flat profile: the fused top stays the keyword's top
    kw = [(i, 20.0 - i) for i in range(1, 21)]
    de = [(i, 0.8 + 0.0001 * i) for i in range(20, 0, -1)]
    assert ids(zscore_fusion([kw, de], [0.7, 0.3]))[:3] == [1, 2, 3]


def test_edge_cases_and_arguments():
    assert zscore_fusion([], []) == [] and zscore_fusion([[], []], [0.5, 0.5]) == []
    assert ids(zscore_fusion([[(5, 1.0), (5, 0.5), (6, 0.2)]], [1.0])) == [5, 6]
    assert ids(zscore_fusion([[(1, 1.0)], []], [0.5, 0.5])) == [1]
    with pytest.raises(ValueError):
        zscore_fusion([[(1, 1.0)]], [0.5, 0.5])
    with pytest.raises(ValueError):
        zscore_fusion([[(1, 1.0)]], [1.0], missing=-1)
