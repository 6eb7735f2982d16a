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
GRID = ((7, 150, 0.05, 40), (15, 200, 0.05, 40), (31, 300, 0.03, 60), (15, 400, 0.03, 80))
SEED = 7


def fit_hgb(x: np.ndarray, y: np.ndarray, weight: np.ndarray, params: tuple) -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier

    leaves, rounds, rate, leaf_min = params
    model = HistGradientBoostingClassifier(max_leaf_nodes=leaves, max_iter=rounds, learning_rate=rate,
                                           min_samples_leaf=leaf_min, l2_regularization=1.0,
                                           early_stopping=False, random_state=SEED)
    return model.fit(x, y, sample_weight=weight)


def as_ranker(model, names: tuple[str, ...]) -> ranker.Ranker:
    """The fitted trees as a Ranker whose linear part is zero (the prior is added to it later)."""
    n = len(names)
    return ranker.Ranker(names, np.zeros(n), np.ones(n), np.zeros(n), 0.0, 0.5,
                         trees=trees.from_sklearn(model))
