"""The answer ranker's gradient-boosted trees, evaluated with numpy (vankien/answers/trees.py), and
the ranker that adds them to its linear part."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vankien.answers import ranker, trees

CASE = Path(__file__).parent / "data" / "answer_ranker_case.json"


def _stump(feature: int, threshold: float, low: float, high: float, missing_left: bool = True) -> dict:
    """One split: value <= threshold -> `low`, else `high`."""
    return {"roots": [0], "feature": [feature, 0, 0], "threshold": [threshold, 0.0, 0.0],
            "missing_left": [int(missing_left), 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
            "leaf": [0, 1, 1], "value": [0.0, low, high], "baseline": 0.0}


def test_a_hand_written_tree_sends_each_row_down_the_right_branch():
    # tree 1 (nodes 0-2): column 0 <= 0.5 -> -1, else 2 (NaN left)
    # tree 2 (nodes 3-7): column 1 <= 0 (NaN right) -> [column 0 <= 0.2 (NaN left) -> 0.25, else -0.25], else -0.5
    data = {"roots": [0, 3], "feature": [0, 0, 0, 1, 0, 0, 0, 0],
            "threshold": [0.5, 0, 0, 0.0, 0.2, 0, 0, 0], "missing_left": [1, 0, 0, 0, 1, 0, 0, 0],
            "left": [1, 0, 0, 4, 5, 0, 0, 0], "right": [2, 0, 0, 7, 6, 0, 0, 0], "leaf": [0, 1, 1, 0, 0, 1, 1, 1],
            "value": [0, -1.0, 2.0, 0, 0, 0.25, -0.25, -0.5], "baseline": 0.1}
    t = trees.from_json(data, 2)
    x = np.array([[0.0, -1.0], [1.0, -1.0], [1.0, 3.0], [np.nan, 3.0], [np.nan, -1.0], [0.0, np.nan]])
    assert np.allclose(t.raw(x), 0.1 + np.array([-0.75, 1.75, 1.5, -1.5, -0.75, -1.5]))
    assert np.allclose(t.raw(np.zeros((0, 2))), np.zeros(0))
    with pytest.raises(ValueError, match="train_answer_ranker"):
        trees.from_json(_stump(5, 0.5, -1.0, 2.0), 2)  # tests a column the model does not have


def test_the_ranker_adds_its_trees_to_the_linear_part_and_ranks_by_them():
    """A constructed case: the linear part prefers the first candidate, a tree on `sentence_cover`
    (the sentence covers the question, its passage less so) overturns it."""
    names = ranker.MODEL_FEATURES
    col = names.index("sentence_cover")
    coef = np.zeros(len(names))
    coef[names.index("rank_inv")] = 1.0
    model = ranker.Ranker(names, np.zeros(len(names)), np.ones(len(names)), coef, 0.0, 0.5,
                          trees=trees.from_json(_stump(col, 0.5, 0.0, 3.0), len(names)))
    x = np.zeros((2, len(ranker.FEATURES)))
    x[:, ranker.FEATURES.index("rank_inv")] = [1.0, 0.5]
    x[:, ranker.FEATURES.index("sentence_cover")] = [0.2, 0.9]
    p = model.probability(x)
    assert p[1] > p[0] and np.isclose(p[0], 1 / (1 + np.exp(-1.0))) and np.isclose(p[1], 1 / (1 + np.exp(-3.5)))
    again = ranker.from_json(json.loads(json.dumps(model.to_json())))
    assert np.allclose(again.probability(x), p)


def test_numpy_trees_equal_sklearn_on_a_fitted_model():
    sklearn = pytest.importorskip("sklearn.ensemble")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 5))
    x[rng.random(x.shape) < 0.05] = np.nan  # missing values take the branch the fit chose
    y = ((np.nan_to_num(x[:, 0]) * np.nan_to_num(x[:, 1]) > 0) ^ (np.nan_to_num(x[:, 2]) > 1)).astype(int)
    model = sklearn.HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0).fit(x, y)
    t = trees.from_json(json.loads(json.dumps(trees.from_sklearn(model).to_json())), 5)
    assert np.allclose(t.raw(x), model.decision_function(x), atol=1e-9)


def test_the_committed_trees_equal_what_sklearn_predicted_when_they_were_trained():
    """The saved case: a tune question's candidates and the trees' raw scores sklearn gave them
    (scripts/train_answer_ranker.py writes it with the model)."""
    model = ranker.load()
    if model.trees is None:
        pytest.skip("the committed ranker has no trees")
    case = json.loads(CASE.read_text(encoding="utf-8"))
    x = np.asarray(case["matrix"], dtype=np.float64)
    assert np.allclose(model.trees.raw(model.model_matrix(x)), case["raw"], atol=1e-9)
    assert np.allclose(model.probability(x), case["probability"], atol=1e-9)
