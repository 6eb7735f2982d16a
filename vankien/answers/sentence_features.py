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
from vankien.answers.answer_types import _CAP, _NAME
from vankien.answers.context_dense import COLUMNS as CONTEXT_COLUMNS
from vankien.answers.lexical import FOLDED_STOPWORDS, STOPWORDS, folded_terms, syllables
from vankien.answers.ranker import FEATURES
from vankien.answers.sentences import Sentence

_REASON_Q = re.compile(r"\b(?:vì sao|tại sao|vì lý do gì|lý do|nguyên nhân|vi sao|tai sao|ly do|nguyen nhan)\b")
_REASON = re.compile(r"\b(?:vì|bởi|do|nhờ|nên|để|nguyên nhân|lý do)\b", re.IGNORECASE)
_NAME_Q = re.compile(r"\b(?:tên (?:là )?gì|tên gọi|là ai|ai|ten (?:la )?gi|la ai)\b")
_ENUM = re.compile(r"[^,;]+,\s*[^,;]+(?:,\s*[^,;]+)*\s+(?:và|hoặc)\s+\S+|:\s*[^,;]+(?:[,;]\s*[^,;]+){2,}")
_CAPS = re.compile(rf"{_CAP}[\w-]*(?:\s+{_CAP}[\w-]*)*")
_NUMBER = re.compile(r"\d+(?:[/.,-]\d+)*")
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
    context: tuple[float, ...] = (0.0,) * len(CONTEXT_COLUMNS)  # context_dense.COLUMNS, rescaled; 0 = not encoded


def _content(words: Sequence[str]) -> set[str]:
    return {w for w in words if w not in FOLDED_STOPWORDS and not w.isdigit()}


def matrix(question: str, kind: str, strict: bool, missing: float, hits: Sequence[Any],
           cands: Sequence[Candidate]) -> np.ndarray:
    """(len(cands), len(FEATURES)) float matrix, columns in FEATURES order."""
    if not cands:
        return np.zeros((0, len(FEATURES)))
    q_syl = syllables(question)
    accents = fold_diacritics(question) != question  # typed with diacritics: compare with them
    q_exact = {w if accents else fold_diacritics(w) for w in q_syl if w not in STOPWORDS}
    q_folded = _content(folded_terms(question))
    q_seq = folded_terms(question)
    q_tri = {tuple(q_seq[k:k + 3]) for k in range(len(q_seq) - 2)}
    q_names = {" ".join(folded_terms(m.group(0))) for m in _CAPS.finditer(question.strip())
               if m.start() > 0 or " " in m.group(0)}  # the first word is capitalised anyway
    q_numbers = set(_NUMBER.findall(question))  # "đến 31/12/2024": the sentence about that date
    lower_q = question.lower()
    why = bool(_REASON_Q.search(lower_q) or _REASON_Q.search(fold_diacritics(lower_q)))
    wants_name = bool(_NAME_Q.search(lower_q))
    listing = kind == "list"
    lex_order = {j: k for k, j in enumerate(sorted(range(len(cands)), key=lambda j: -cands[j].lex))}
    dense_order = {j: k for k, j in enumerate(sorted(range(len(cands)), key=lambda j: -cands[j].dense))}
    best_lex = max(c.lex for c in cands)
    best_dense = max((c.dense for c in cands if c.encoded), default=0.0)
    top_score = float(getattr(hits[0], "score", 0.0) or 0.0) if hits else 0.0
    # most wrong answers of the public sets came from another article than the one the search put
    # first: where a passage's document stands among the retrieved ones
    docs = [getattr(h, "doc_id", "") for h in hits]
    doc_order = {d: k for k, d in enumerate(dict.fromkeys(docs))}
    evidence = passage_evidence(question, q_names, hits, cands)
    rows = []
    for j, c in enumerate(cands):
        s, hit = c.sentence, hits[c.hit_index]
        shown = s.shown
        words = folded_terms(shown)
        sent_content = _content(words)
        around = _content(folded_terms(s.context)) | sent_content
        sent_syl = set(syllables(shown)) if accents else set(words)
        exact = len(q_exact & sent_syl) / len(q_exact) if q_exact else 0.0
        folded_shown = " ".join(words)
        tri = {tuple(words[k:k + 3]) for k in range(len(words) - 2)}
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
            "names": sum(n in folded_shown for n in q_names) / len(q_names) if q_names else 0.0,
            "run": _longest_run(q_seq, words) / max(1, len(q_seq)),
            "trigrams": len(q_tri & tri) / len(q_tri) if q_tri else 0.0,
            "lex_rank": 1.0 / (1.0 + lex_order[j]), "dense_rank": 1.0 / (1.0 + dense_order[j]) if c.encoded else 0.0,
            "reason": float(why and bool(_REASON.search(shown))),
            "enumeration": float(listing and bool(_ENUM.search(shown))),
            "name_asked": float(wants_name and bool(_NAME.search(shown))),
            "same_doc": float(docs[c.hit_index] == docs[0]),
            "doc_rank_inv": 1.0 / (1.0 + doc_order[docs[c.hit_index]]),
            "doc_share": docs.count(docs[c.hit_index]) / len(docs),
            "numbers": len(q_numbers & set(_NUMBER.findall(s.context + " " + shown))) / len(q_numbers)
            if q_numbers else 0.0,
            **evidence[j],
            **dict(zip(CONTEXT_COLUMNS, c.context)),
        }
        rows.append([values[name] for name in FEATURES])
    return np.asarray(rows, dtype=np.float64)


def passage_evidence(question: str, q_names: set[str], hits: Sequence[Any],
                     cands: Sequence[Candidate]) -> list[dict[str, float]]:
    """The passage-level columns of each candidate (ranker.FEATURES from "passage_cover" on): how much
    of the question its whole passage, the sentence alone and the passage's title and headings cover
    (each question syllable weighted by its rarity among the retrieved passages), and where the
    sentence sits relative to its passage's best-matching sentence."""
    q = _content(folded_terms(question))
    bags = [_content(folded_terms(getattr(h, "text", ""))) for h in hits]
    idf = {t: math.log(1.0 + len(bags) / (sum(t in b for b in bags) + 0.5)) for t in q}
    total = sum(idf.values())

    def cover(words: set[str]) -> float:
        return sum(idf[t] for t in q & words) / total if total else 0.0

    passage = [cover(b) for b in bags]
    by_cover = sorted(range(len(hits)), key=lambda i: -passage[i])
    cover_rank = {i: k for k, i in enumerate(by_cover)}
    heads = [" ".join([getattr(h, "title", "") or "", *getattr(h, "heading_path", ())]) for h in hits]
    head_words = [_content(folded_terms(t)) for t in heads]
    head_folded = [" ".join(folded_terms(t)) for t in heads]
    sent = [cover(_content(folded_terms(c.sentence.context + " " + c.sentence.shown))) for c in cands]
    place: dict[int, int] = {}  # candidate -> its order within its passage
    best: dict[int, int] = {}  # passage -> the order of its best-covering candidate
    for i in {c.hit_index for c in cands}:
        mine = sorted((j for j, c in enumerate(cands) if c.hit_index == i), key=lambda j: (cands[j].sentence.start, j))
        place.update({j: k for k, j in enumerate(mine)})
        best[i] = place[max(mine, key=lambda j: (sent[j], -place[j]))]
    out = []
    for j, c in enumerate(cands):
        i, whole = c.hit_index, passage[c.hit_index]
        d = place[j] - best[i]
        out.append({
            "passage_cover": whole, "sentence_cover": sent[j], "cover_share": sent[j] / whole if whole else 0.0,
            "cover_rank": 1.0 / (1.0 + cover_rank[i]),
            "heading_match": len(q & head_words[i]) / len(q) if q else 0.0,
            "heading_names": sum(n in head_folded[i] for n in q_names) / len(q_names) if q_names else 0.0,
            "best_in_passage": float(d == 0), "after_best": float(d == 1), "near_best": 1.0 / (1.0 + abs(d)),
        })
    return out


def _longest_run(query: Sequence[str], words: Sequence[str]) -> int:
    """Length of the longest stretch of `query` found word for word in `words`."""
    best, prev = 0, [0] * (len(words) + 1)
    for q in query:
        cur = [0] * (len(words) + 1)
        for k, w in enumerate(words, 1):
            if q == w:
                cur[k] = prev[k - 1] + 1
                best = max(best, cur[k])
        prev = cur
    return best
