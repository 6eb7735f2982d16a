"""The columns of vankien.answers.ranker.FEATURES for the candidate sentences of one question.

Pure functions over plain values: vankien.answers.qa gathers the scores it already computes
(lexical overlap, cosine, answer type, unit, focus) and this module adds the cheap rest (position,
length, how much of the question a sentence misses or merely restates) and lays them out as a
matrix in FEATURES order. The same matrix is what scripts/eval_answers.py dumps for training, so
training and the product can never compute a feature two ways.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from vntext.normalize import fold_diacritics
from vankien.answers.lexical import FOLDED_STOPWORDS, STOPWORDS, folded_terms, syllables
from vankien.answers.ranker import FEATURES
from vankien.answers.sentences import Sentence

_ASKS = re.compile(r"\?|\b(?:ai|gì|đâu|bao nhiêu|bao giờ|bao lâu|thế nào|tại sao|vì sao)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """What qa.score_sentences knows of one candidate sentence."""

    hit_index: int
    sentence: Sentence
    lex: float
    lex_sentence: float
    lex_neighbours: float
    dense: float  # rescaled cosine in [0, 1]
    encoded: bool
    typed: bool
    unit: float
    focus: float
    joined: bool


def _content(words: Sequence[str]) -> set[str]:
    return {w for w in words if w not in FOLDED_STOPWORDS and not w.isdigit()}


def matrix(question: str, strict: bool, missing: float, hits: Sequence[Any],
           cands: Sequence[Candidate]) -> np.ndarray:
    """(len(cands), len(FEATURES)) float matrix, columns in FEATURES order."""
    if not cands:
        return np.zeros((0, len(FEATURES)))
    q_exact = {w for w in syllables(question) if w not in STOPWORDS}
    q_folded = _content(folded_terms(question))
    best_lex = max(c.lex for c in cands)
    best_dense = max((c.dense for c in cands if c.encoded), default=0.0)
    top_score = float(getattr(hits[0], "score", 0.0) or 0.0) if hits else 0.0
    rows = []
    for c in cands:
        s, hit = c.sentence, hits[c.hit_index]
        shown = s.shown
        words = folded_terms(shown)
        sent_content = _content(words)
        around = _content(folded_terms(s.context)) | sent_content
        exact = len(q_exact & set(syllables(shown))) / len(q_exact) if q_exact else 0.0
        passage_len = max(1, len(hit.text))
        score = float(getattr(hit, "score", 0.0) or 0.0)
        values = {
            "lex": c.lex, "lex_sentence": c.lex_sentence, "lex_gap": c.lex - best_lex,
            "lex_neighbours": c.lex_neighbours, "exact": exact,
            "dense": c.dense, "dense_gap": (c.dense - best_dense) if c.encoded else -1.0, "encoded": float(c.encoded),
            "rank_inv": 1.0 / (1.0 + c.hit_index), "top_passage": float(c.hit_index == 0),
            "passage_score": score / top_score if top_score > 0 else 0.0,
            "first_sentence": float(s.start == 0 or not hit.text[:s.start].strip()),
            "position": s.start / passage_len,
            "log_len": math.log1p(len(shown)) / 6.0, "long": float(len(shown) > 300),
            "typed": float(c.typed), "untyped": float(strict and not c.typed), "unit": c.unit,
            "nofocus": 1.0 - c.focus, "missing": missing,
            "words_missed": len(q_folded - around) / len(q_folded) if q_folded else 0.0,
            "restates": len(sent_content & q_folded) / len(sent_content) if sent_content else 1.0,
            "new_words": math.log1p(len(sent_content - q_folded)) / 4.0,
            "asks": float(bool(_ASKS.search(shown))),
            "digits": float(any(ch.isdigit() for ch in shown)),
            "joined": float(c.joined), "list_item": float(bool(s.context) and not s.display),
            "table_row": float(bool(s.display)),
        }
        rows.append([values[name] for name in FEATURES])
    return np.asarray(rows, dtype=np.float64)


def folded(text: str) -> str:
    return fold_diacritics(text.lower())
