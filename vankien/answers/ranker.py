"""The learned answer-sentence ranker: a linear score over cheap, general features of a candidate
sentence and (listwise, MODEL_FEATURES) of how it compares with the other candidates of the same
question, squashed to the probability that it holds the answer.

    ranker = load()                       # vankien/answers/answer_ranker.json
    p = ranker.probability(matrix)        # (n, len(FEATURES)) -> (n,) in [0, 1]
    ranker.confidence(p, matrix) < ranker.threshold   # -> no answer

The coefficients are written by scripts/train_answer_ranker.py, trained on the TUNE halves of
vinewsqa and uit_regwiki (vankien/evaluation/splits) from the feature rows that
scripts/eval_answers.py --features dumps, and applied here with numpy: the product does not need
scikit-learn. One model for every set. The refusal threshold is fitted on tune too: false no-answers
≤ 0.10 on each set there, and every unanswerable question of our corpus/ set refused.

`features` names the columns the model reads, in its order (a subset of MODEL_FEATURES: a model
trained before FEATURES grew keeps working); a model file naming a column that does not exist, or
with a different number of coefficients, is refused (a stale file would silently weigh the wrong
columns). A model may add gradient-boosted trees (vankien/answers/trees.py) to its linear part.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from vankien.answers.trees import Trees
from vankien.answers.trees import from_json as trees_from_json

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
    "names",  # share of the question's capitalised names (people, places) found in the sentence
    "run",  # longest run of question syllables found in a row in the sentence, over the question's length
    "trigrams",  # share of the question's syllable triples found in the sentence
    "lex_rank",  # 1 / (1 + rank of the sentence by lex among the candidates)
    "dense_rank",  # 1 / (1 + rank by dense)
    "reason",  # a "vì sao / tại sao" question and a sentence with vì, do, bởi, nhờ, nên
    "enumeration",  # a list question and a sentence that enumerates ("a, b và c")
    "name_asked",  # the question asks for a name ("tên là gì", "ai") and the sentence holds one
    "same_doc",  # its passage is from the document of the top passage
    "doc_rank_inv",  # 1 / (1 + rank of its document, documents ordered by their best passage)
    "doc_share",  # share of the retrieved passages that come from its document
    "numbers",  # share of the question's numbers (dates, years, counts) found in the sentence or its context
    # passage-level evidence (sentence_features.passage_evidence): the misses were sentences of another
    # article that share the question's words, so how well the sentence's whole passage matches counts
    "passage_cover",  # rarity-weighted share of the question's content syllables found in the whole passage
    "sentence_cover",  # the same, the sentence alone (with its list lead-in)
    "cover_share",  # sentence_cover / passage_cover: the sentence carries its passage's match or not
    "cover_rank",  # 1 / (1 + rank of its passage by passage_cover among the retrieved ones)
    "heading_match",  # share of the question's content syllables in its passage's title and headings
    "heading_names",  # share of the question's capitalised names in its passage's title and headings
    "best_in_passage",  # 1 for the sentence of its passage that matches the question best (sentence_cover)
    "after_best",  # 1 for the sentence right after that one (answers follow the sentence restating the question)
    "near_best",  # 1 / (1 + sentences between it and that one)
    # the sentence read in context (vankien/answers/context_dense.py), rescaled like "dense"; 0 where not
    # encoded or where the text does not exist (first sentence, no title)
    "dense_ctx",  # cosine of the question with "<previous sentence> <sentence>"
    "dense_head",  # with "<title / headings>. <sentence>"
    "dense_prev",  # with the sentence before alone (it restates the question: this one follows up)
    "dense_next",  # with the sentence after alone
    "dense_sym",  # "passage: <question>" with the sentence: how much it paraphrases the question
)


# Listwise columns: each of these features of a sentence against the best and the worst candidate of
# the same question ("<f>-max" = x - max, "<f>-min" = x - min). A sentence's absolute scores say
# little across questions (a 0.4 overlap wins one and loses another); its distance to the best
# candidate is what decides the top one. Computed here from the FEATURES matrix of one question, so
# the feature dumps of scripts/eval_answers.py need no new columns.
LISTWISE = ("lex", "lex_sentence", "exact", "dense", "unit", "nofocus", "words_missed", "names", "run", "trigrams",
            "typed", "passage_score", "restates", "new_words", "enumeration", "name_asked", "reason", "digits",
            "doc_share", "numbers", "passage_cover", "sentence_cover", "heading_match", "dense_ctx", "dense_head",
            "dense_sym")
# Every column a model may use; a model file names the ones it uses (an older model uses fewer).
MODEL_FEATURES = FEATURES + tuple(f"{f}-max" for f in LISTWISE) + tuple(f"{f}-min" for f in LISTWISE)
_INDEX = {name: k for k, name in enumerate(MODEL_FEATURES)}
_LIST_COLS = [FEATURES.index(f) for f in LISTWISE]


def with_listwise(matrix: np.ndarray) -> np.ndarray:
    """The FEATURES matrix of one question's candidates, with the LISTWISE columns appended."""
    x = np.asarray(matrix, dtype=np.float64).reshape(-1, len(FEATURES))
    if not len(x):
        return np.zeros((0, len(MODEL_FEATURES)))
    cols = x[:, _LIST_COLS]
    return np.hstack([x, cols - cols.max(axis=0), cols - cols.min(axis=0)])


# Whether the question is answered at all: features of the best sentence and of the question
# (a second logistic regression, trained on answerable vs unanswerable tune questions).
QUESTION_FEATURES = ("top_logit", "gap", "missing", "words_missed", "lex", "dense", "exact", "trigrams", "typed",
                     "untyped")
_FROM_TOP = ("missing", "words_missed", "lex", "dense", "exact", "trigrams", "typed", "untyped")


def question_features(probs: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """QUESTION_FEATURES of one question from its sentences' probabilities and feature rows."""
    order = np.argsort(-probs)
    top = float(np.clip(probs[order[0]], 1e-6, 1 - 1e-6))
    second = float(probs[order[1]]) if len(order) > 1 else 0.0
    row = np.asarray(matrix)[order[0]]
    return np.asarray([np.log(top / (1 - top)), top - second] + [row[FEATURES.index(n)] for n in _FROM_TOP])


@dataclass(frozen=True)
class Linear:
    """Standardised logistic regression: sigmoid(((x - mean) / scale) @ coef + intercept)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        x = (np.asarray(matrix, dtype=np.float64).reshape(-1, len(self.coef)) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept}


def _linear(data: dict, n: int) -> Linear:
    arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
    if any(a.shape != (n,) for a in arrays):
        raise ValueError("Tệp mô hình xếp hạng câu trả lời hỏng: số hệ số khác số đặc trưng "
                         "(chạy lại scripts/train_answer_ranker.py)")
    mean, scale, coef = arrays
    return Linear(mean, np.where(scale > 0, scale, 1.0), coef, float(data["intercept"]))


def columns(names: tuple[str, ...]) -> list[int]:
    """Where each of `names` sits in MODEL_FEATURES."""
    return [_INDEX[n] for n in names]


@dataclass(frozen=True)
class Ranker:
    """A sentence's logit = linear part over `features` (+ the trees' raw score, when fitted), squashed."""

    features: tuple[str, ...]  # the MODEL_FEATURES columns the model reads, in its order
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # below this confidence the answer is "not found"
    answered: Linear | None = None  # confidence that the question is answered (None: the top probability)
    refusal: Linear | None = None  # or: the best sentence's score under this per-sentence model (FEATURES)
    trees: Trees | None = None  # gradient-boosted trees over the same `features` columns

    def model_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """The `features` columns of one question's FEATURES matrix (listwise columns computed)."""
        x = np.asarray(matrix, dtype=np.float64).reshape(-1, len(FEATURES))
        return with_listwise(x)[:, columns(self.features)]

    def logit(self, matrix: np.ndarray) -> np.ndarray:
        x = self.model_matrix(matrix)
        z = (x - self.mean) / self.scale @ self.coef + self.intercept
        return z + self.trees.raw(x) if self.trees is not None else z

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """Per candidate; `matrix` holds FEATURES columns for all the candidates of ONE question
        (the listwise columns compare each with the others)."""
        return 1.0 / (1.0 + np.exp(-self.logit(matrix)))

    def confidence(self, probs: np.ndarray, matrix: np.ndarray) -> float:
        """How sure the best sentence answers the question at all, compared with `threshold`."""
        probs = np.asarray(probs, dtype=np.float64)
        if not len(probs):
            return 0.0
        if self.refusal is not None:
            return float(self.refusal.probability(np.asarray(matrix).reshape(-1, len(FEATURES))).max())
        if self.answered is None:
            return float(probs.max())
        return float(self.answered.probability(question_features(probs, matrix))[0])

    def to_json(self) -> dict:
        out = {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
               "coef": self.coef.tolist(), "intercept": self.intercept, "threshold": self.threshold}
        if self.answered is not None:
            out["answered"] = {"features": list(QUESTION_FEATURES), **self.answered.to_json()}
        if self.refusal is not None:
            out["refusal"] = {"features": list(FEATURES), **self.refusal.to_json()}
        if self.trees is not None:
            out["trees"] = self.trees.to_json()
        return out


def _refusal(data: dict) -> Linear:
    """The per-sentence refusal model over FEATURES; one written before FEATURES grew reads zeros
    for the columns it did not know (their coefficients are 0)."""
    names = tuple(data["features"])
    if names != FEATURES[:len(names)]:
        raise ValueError("Tệp mô hình xếp hạng câu trả lời không khớp với các đặc trưng hiện tại: "
                         "chạy lại scripts/train_answer_ranker.py")
    pad = len(FEATURES) - len(names)
    padded = {k: list(data[k]) + [v] * pad for k, v in (("mean", 0.0), ("scale", 1.0), ("coef", 0.0))}
    return _linear({**padded, "intercept": data["intercept"]}, len(FEATURES))


def from_json(data: dict) -> Ranker:
    names = tuple(data["features"])
    answered = data.get("answered")
    refusal = data.get("refusal")
    if any(n not in _INDEX for n in names) or (answered and tuple(answered["features"]) != QUESTION_FEATURES):
        raise ValueError("Tệp mô hình xếp hạng câu trả lời không khớp với các đặc trưng hiện tại: "
                         "chạy lại scripts/train_answer_ranker.py")
    sentence = _linear(data, len(names))
    return Ranker(names, sentence.mean, sentence.scale, sentence.coef, sentence.intercept, float(data["threshold"]),
                  _linear(answered, len(QUESTION_FEATURES)) if answered else None,
                  _refusal(refusal) if refusal else None,
                  trees_from_json(data["trees"], len(names)) if data.get("trees") else None)


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Ranker:
    return from_json(json.loads(Path(path).read_text(encoding="utf-8")))
