"""Evaluating the topic labeller against passages labelled by hand (tests/data/topics_labelled.json).

Pure functions over a score matrix (index/topics.py topic_scores) and a gold matrix of booleans
(passages x topics): precision and recall per topic and overall (micro), per-topic thresholds
fitted to a precision target, and a repeated two-fold estimate of how those thresholds hold on
passages they were not fitted on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.topics import DEFAULT_THRESHOLD, TopicList, assign

MIN_POSITIVES = 3  # fewer labelled passages than this: no threshold is fitted below the negatives


@dataclass(frozen=True)
class LabelledPassage:
    id: str
    source: str
    topics: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class PR:
    """Precision and recall of one topic (or of all, micro-averaged)."""

    key: str
    predicted: int
    gold: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else float("nan")

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else float("nan")


def load_labelled(path: Path) -> list[LabelledPassage]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [LabelledPassage(p["id"], p["source"], tuple(p["topics"]), p["text"]) for p in data["passages"]]


def gold_matrix(passages: list[LabelledPassage], keys: tuple[str, ...]) -> np.ndarray:
    unknown = {t for p in passages for t in p.topics} - set(keys)
    if unknown:
        raise ValueError(f"nhãn không có trong danh sách chủ đề: {', '.join(sorted(unknown))}")
    return np.asarray([[k in p.topics for k in keys] for p in passages], dtype=bool).reshape(len(passages), len(keys))


def predictions(scores: np.ndarray, thresholds: np.ndarray, margin: float) -> np.ndarray:
    pred = np.zeros(scores.shape, dtype=bool)
    for i, cols in enumerate(assign(scores, thresholds, margin)):
        pred[i, list(cols)] = True
    return pred


def precision_recall(pred: np.ndarray, gold: np.ndarray, keys: tuple[str, ...]) -> tuple[list[PR], PR]:
    """Per topic, and over all (micro: every passage-topic pair counts once)."""
    per = [PR(k, int(pred[:, j].sum()), int(gold[:, j].sum()), int((pred[:, j] & gold[:, j]).sum()))
           for j, k in enumerate(keys)]
    total = PR("tổng", int(pred.sum()), int(gold.sum()), int((pred & gold).sum()))
    return per, total


def fit_thresholds(scores: np.ndarray, gold: np.ndarray, target: float,
                   default: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """Per topic, the lowest threshold whose passages at or above it are at least `target` correct
    (at least 2 of them). A topic with fewer than MIN_POSITIVES labelled passages gets the default
    or, when higher, just above its best-scoring negative, so it never fires on a labelled negative."""
    out = np.full(scores.shape[1], default, dtype=np.float32)
    for j in range(scores.shape[1]):
        col, pos = scores[:, j], gold[:, j]
        if pos.sum() < MIN_POSITIVES:
            out[j] = max(default, float(col[~pos].max()) + 1e-4) if (~pos).any() else default
            continue
        out[j] = float(col.max()) + 1e-4  # none qualifies: the topic stays silent here
        for t in np.unique(col):  # ascending: the first that reaches the target keeps most recall
            above = col >= t
            if above.sum() >= 2 and gold[above, j].mean() >= target:
                out[j] = t
                break
    return out


def cross_validated(scores: np.ndarray, gold: np.ndarray, target: float, margin: float,
                    repeats: int = 10, seed: int = 0) -> tuple[float, float]:
    """Mean (precision, recall) on the half of the passages the thresholds were not fitted on."""
    rng = np.random.default_rng(seed)
    ps, rs = [], []
    for _ in range(repeats):
        order = rng.permutation(len(scores))
        halves = (order[: len(order) // 2], order[len(order) // 2:])
        for fit_on, test_on in (halves, halves[::-1]):
            t = fit_thresholds(scores[fit_on], gold[fit_on], target)
            _, total = precision_recall(predictions(scores[test_on], t, margin), gold[test_on], ())
            ps.append(total.precision)
            rs.append(total.recall)
    return float(np.nanmean(ps)), float(np.nanmean(rs))


def with_thresholds(topics: TopicList, thresholds: np.ndarray) -> dict:
    """The topics file's JSON with these thresholds (rounded) written in."""
    return {"default_threshold": topics.default_threshold, "margin": topics.margin, "topics": [
        {"key": t.key, "label": t.label, "description": list(t.description), "threshold": round(float(th), 5)}
        for t, th in zip(topics.topics, thresholds)]}
