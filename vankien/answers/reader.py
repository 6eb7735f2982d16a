"""The answer reader: re-orders the ranker's best few sentences by a cross-encoder that reads the
question and each sentence together (models/cross_reader.py, trained by
scripts/train_answer_reader.py; figures in docs/quality.md).

    scored = rerank(question, scored)      # the ranker's top RERANK_K, re-ordered; the rest as they were

Only the order changes: every sentence keeps the ranker's probability as its `score`, so the
refusal (the ranker's confidence against its threshold) is exactly what it was without the reader.
Without torch/transformers or without the artifact (answer_reader.npz beside this file) `rerank`
returns the list unchanged: the answer path is today's ranker, and `status()` says why.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

READER_FILE = Path(__file__).with_name("answer_reader.npz")
RERANK_K = 10  # the ranker's top K are read; its top 10 hold a gold sentence for ~0.89 of tune questions
ENV = "VANKIEN_ANSWER_READER"  # "1" turns the reader on, "0" off; unset: READER_DEFAULT
READER_DEFAULT = False


def enabled() -> bool:
    value = os.environ.get(ENV, "").strip()
    return value == "1" if value in ("0", "1") else READER_DEFAULT


@lru_cache(maxsize=2)
def _load(path: str):
    """(reader, None) or (None, why not): loaded once per process."""
    from models.cross_reader import ReaderUnavailable, load_reader

    try:
        return load_reader(Path(path), threads=None), ""
    except ReaderUnavailable as exc:
        return None, str(exc)


def status(path: Path = READER_FILE) -> str:
    """'' when the reader is usable, else why not (in Vietnamese)."""
    return _load(str(path))[1]


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-5), 1 - 1e-5)
    return math.log(p / (1 - p))


def rerank(question: str, scored: Sequence, k: int = RERANK_K, path: Path = READER_FILE,
           force: bool = False) -> list:
    """`scored` (ScoredSentence, best first by the ranker) with its first k re-ordered by the reader.
    Unchanged when the reader is off (enabled(), unless `force`) or unavailable."""
    scored = list(scored)
    if len(scored) < 2 or not (force or enabled()):
        return scored
    reader, _ = _load(str(path))
    if reader is None:
        return scored
    head = scored[:k]
    values = reader.scores(question, [s.sentence.shown for s in head], [_logit(s.score) for s in head])
    order = sorted(range(len(head)), key=lambda j: -values[j])
    return [head[j] for j in order] + scored[k:]
