"""The learned answer-sentence ranker: a logistic regression over cheap, general features of a
candidate sentence, giving the probability that it holds the answer.

    ranker = load()                       # vankien/answers/answer_ranker.json
    p = ranker.probability(matrix)        # (n, len(FEATURES)) -> (n,) in [0, 1]
    p.max() < ranker.threshold            # -> no answer

The coefficients are written by scripts/train_answer_ranker.py, trained on the TUNE halves of
vinewsqa and uit_regwiki (vankien/evaluation/splits) from the feature rows that
scripts/eval_answers.py --features dumps, and applied here with numpy: the product does not need
scikit-learn. One model for every set. The refusal threshold is fitted on tune too: false no-answers
≤ 0.10 on each set there, and every unanswerable question of our corpus/ set refused.

`features` names the columns in order; a model file whose names differ from FEATURES is refused
(a stale file would silently weigh the wrong columns).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("answer_ranker.json")

# Each column is described where it is computed (vankien/answers/qa.py sentence_features).
FEATURES = (
    "lex",  # rarity-weighted overlap of question syllables/pairs with the sentence (+ half its context)
    "lex_sentence",  # the same, the sentence alone
    "lex_gap",  # lex minus the best lex among the candidates
    "lex_neighbours",  # overlap of the question with the text around the sentence
    "exact",  # share of the question's syllables found with their diacritics
    "dense",  # question-sentence cosine, rescaled to [0, 1]
    "dense_gap",  # dense minus the best dense among the candidates
    "encoded",  # 1 when the sentence was encoded (else dense is the floor)
    "rank_inv",  # 1 / (1 + retrieval rank of its passage)
    "top_passage",  # 1 for the first passage
    "passage_score",  # retrieval score of its passage over the top passage's
    "first_sentence",  # 1 for the passage's first sentence
    "position",  # start of the sentence / passage length
    "log_len",  # log(1 + characters) / 6
    "long",  # 1 over 300 characters
    "typed",  # holds an answer of the kind asked for
    "untyped",  # the question asks for a kind and the sentence holds none
    "unit",  # share of the units asked for that a count in the sentence carries
    "nofocus",  # share of the words next to the question word missing from sentence and context
    "missing",  # share of the question's content pairs in no retrieved passage (same for a question)
    "words_missed",  # share of the question's content syllables in neither sentence nor context
    "restates",  # share of the sentence's content syllables already in the question
    "new_words",  # log(1 + content syllables not in the question) / 4
    "asks",  # the sentence is itself a question ("?" or a question word)
    "digits",  # the sentence holds a digit
    "joined",  # a restating sentence read together with the next one
    "list_item",  # a list item read with its lead-in
    "table_row",  # a table row
)


@dataclass(frozen=True)
class Ranker:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # below this top probability the answer is "not found"

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        x = (np.asarray(matrix, dtype=np.float64).reshape(-1, len(self.features)) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold}


def from_json(data: dict) -> Ranker:
    names = tuple(data["features"])
    if names != FEATURES:
        raise ValueError("Tệp mô hình xếp hạng câu trả lời không khớp với các đặc trưng hiện tại: "
                         "chạy lại scripts/train_answer_ranker.py")
    arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
    if any(a.shape != (len(names),) for a in arrays):
        raise ValueError("Tệp mô hình xếp hạng câu trả lời hỏng: số hệ số khác số đặc trưng")
    mean, scale, coef = arrays
    return Ranker(names, mean, np.where(scale > 0, scale, 1.0), coef, float(data["intercept"]),
                  float(data["threshold"]))


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Ranker:
    return from_json(json.loads(Path(path).read_text(encoding="utf-8")))
