"""Gradient-boosted trees for the answer-sentence ranker (training only; used by
scripts/train_answer_ranker.py --method trees and scripts/answer_ranker_cv.py).

scikit-learn's HistGradientBoostingClassifier, pointwise (does this sentence hold the gold answer?),
over the ranker's columns (sentence features + listwise distances to the question's best and worst
candidate, which carry the comparison a listwise objective would). The fitted trees are exported
with vankien.answers.trees.from_sklearn and evaluated with numpy in the product.
"""
from __future__ import annotations

import numpy as np

from vankien.answers import ranker, trees

# (max_leaf_nodes, max_iter, learning_rate, min_samples_leaf): small trees, shrunk; chosen by CV top-1
GRID = ((7, 100, 0.1, 40), (15, 100, 0.1, 40), (31, 150, 0.05, 60), (15, 300, 0.03, 80))
SEED = 7
LAST: dict = {}  # the last fitted sklearn model: train_answer_ranker.save_case compares the export with it


def fit_hgb(x: np.ndarray, y: np.ndarray, weight: np.ndarray, params: tuple) -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier

    leaves, rounds, rate, leaf_min = params
    model = HistGradientBoostingClassifier(max_leaf_nodes=leaves, max_iter=rounds, learning_rate=rate,
                                           min_samples_leaf=leaf_min, l2_regularization=1.0,
                                           early_stopping=False, random_state=SEED)
    LAST["model"] = model.fit(x, y, sample_weight=weight)
    return LAST["model"]


def as_ranker(model, names: tuple[str, ...]) -> ranker.Ranker:
    """The fitted trees as a Ranker whose linear part is zero (the prior is added to it later)."""
    n = len(names)
    return ranker.Ranker(names, np.zeros(n), np.ones(n), np.zeros(n), 0.0, 0.5,
                         trees=trees.from_sklearn(model))


def save_case(path, final: ranker.Ranker, data: list[dict], matrix, model_rows) -> None:
    """tests/data/answer_ranker_case.json: one tune question's candidates, the raw tree scores sklearn
    gives them and the ranker's probabilities with those scores (the test compares the numpy walk)."""
    import json

    row = next(r for r in data if r["answerable"] and len(r["sentences"]) >= 8)
    m = matrix(row)
    raw = LAST["model"].decision_function(model_rows(m))
    x = final.model_matrix(m)
    logit = (x - final.mean) / final.scale @ final.coef + final.intercept + raw
    case = {"question": row.get("question", ""), "matrix": m.tolist(), "raw": raw.tolist(),
            "probability": (1.0 / (1.0 + np.exp(-logit))).tolist()}
    path.write_text(json.dumps(case) + "\n", encoding="utf-8")
