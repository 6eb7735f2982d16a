"""Gradient-boosted regression trees evaluated with numpy: the non-linear part of the answer ranker.

scripts/train_answer_ranker.py fits scikit-learn's HistGradientBoostingClassifier and writes each
tree's nodes (feature, threshold, children, leaf value) into answer_ranker.json; the product only
walks them here, so it does not need scikit-learn. The walk is scikit-learn's: a value <= the
threshold goes left, NaN goes where the node says (missing_left); the sum of the leaves reached is
the raw score (a logit) that the tree part adds to the ranker's linear part.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Trees:
    """All trees' nodes in flat arrays; roots[t] is the first node of tree t, children are absolute."""

    roots: np.ndarray  # (n_trees,) int
    feature: np.ndarray  # (n_nodes,) int: column of the model's feature matrix tested at the node
    threshold: np.ndarray  # (n_nodes,) float
    missing_left: np.ndarray  # (n_nodes,) bool
    left: np.ndarray  # (n_nodes,) int
    right: np.ndarray  # (n_nodes,) int
    leaf: np.ndarray  # (n_nodes,) bool
    value: np.ndarray  # (n_nodes,) float: a leaf's contribution to the raw score
    baseline: float = 0.0

    def raw(self, x: np.ndarray) -> np.ndarray:
        """(n,) sum of the leaves that each row of `x` (n, n_features) reaches, plus the baseline."""
        x = np.asarray(x, dtype=np.float64)
        out = np.full(len(x), self.baseline)
        if not len(x) or not len(self.roots):
            return out
        rows = np.arange(len(x))
        node = np.repeat(self.roots[None, :], len(x), axis=0)  # (n, n_trees)
        for _ in range(64):  # deeper than any tree fitted (max_depth is small); stops when all are leaves
            inner = ~self.leaf[node]
            if not inner.any():
                break
            val = x[rows[:, None], self.feature[node]]
            go_left = np.where(np.isnan(val), self.missing_left[node], val <= self.threshold[node])
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        return out + self.value[node].sum(axis=1)

    def to_json(self) -> dict:
        return {"roots": self.roots.tolist(), "feature": self.feature.tolist(),
                "threshold": [float(v) for v in self.threshold], "missing_left": self.missing_left.astype(int).tolist(),
                "left": self.left.tolist(), "right": self.right.tolist(), "leaf": self.leaf.astype(int).tolist(),
                "value": [float(v) for v in self.value], "baseline": self.baseline}


def from_json(data: dict, n_features: int) -> Trees:
    t = Trees(np.asarray(data["roots"], dtype=np.int64), np.asarray(data["feature"], dtype=np.int64),
              np.asarray(data["threshold"], dtype=np.float64), np.asarray(data["missing_left"], dtype=bool),
              np.asarray(data["left"], dtype=np.int64), np.asarray(data["right"], dtype=np.int64),
              np.asarray(data["leaf"], dtype=bool), np.asarray(data["value"], dtype=np.float64),
              float(data.get("baseline", 0.0)))
    n = len(t.feature)
    if any(len(a) != n for a in (t.threshold, t.missing_left, t.left, t.right, t.leaf, t.value)) \
            or (n and (t.feature[~t.leaf].max(initial=0) >= n_features or t.roots.max() >= n
                       or max(t.left[~t.leaf].max(initial=0), t.right[~t.leaf].max(initial=0)) >= n)):
        raise ValueError("Tệp mô hình xếp hạng câu trả lời hỏng: cây quyết định không khớp với các đặc trưng "
                         "(chạy lại scripts/train_answer_ranker.py)")
    return t


def from_sklearn(model, columns: list[int] | None = None) -> Trees:
    """The trees of a fitted binary HistGradientBoostingClassifier/Regressor (training only).
    `columns` maps the model's input columns to the ranker's feature columns (default: the same)."""
    roots, parts, offset = [], [], 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        roots.append(offset)
        parts.append((nodes, offset))
        offset += len(nodes)
    nodes = np.concatenate([n for n, _ in parts]) if parts else np.zeros(0, dtype=[("value", "f8")])
    shift = np.concatenate([np.full(len(n), o) for n, o in parts]) if parts else np.zeros(0, dtype=np.int64)
    feature = nodes["feature_idx"].astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
    if columns is not None and len(feature):
        feature = np.asarray(columns, dtype=np.int64)[feature]
    leaf = nodes["is_leaf"].astype(bool) if parts else np.zeros(0, dtype=bool)
    return Trees(np.asarray(roots, dtype=np.int64), np.where(leaf, 0, feature),
                 nodes["num_threshold"].astype(np.float64) if parts else np.zeros(0),
                 nodes["missing_go_to_left"].astype(bool) if parts else np.zeros(0, dtype=bool),
                 np.where(leaf, 0, nodes["left"].astype(np.int64) + shift) if parts else np.zeros(0, dtype=np.int64),
                 np.where(leaf, 0, nodes["right"].astype(np.int64) + shift) if parts else np.zeros(0, dtype=np.int64),
                 leaf, nodes["value"].astype(np.float64) if parts else np.zeros(0),
                 float(np.ravel(model._baseline_prediction)[0]))
