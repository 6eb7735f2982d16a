"""Extractive answers: the sentence(s) of the retrieved passages that answer a question, cited.

    answer = answer_question(library, "Chi bộ sinh hoạt vào ngày nào hằng tháng?")
    answer.text            # the answer sentence, or NO_ANSWER
    answer.citations[0]    # Citation: [1], doc_id, ordinal, citation line, passage, answer span

Steps: retrieve passages (Library.search), split them into sentences keeping char offsets
(split_sentences), score each sentence against the question (score_sentences: rarity-weighted
overlap of diacritic-folded syllables and syllable pairs, plus cosine between encode_query(question)
and encode_passages(sentences)), keep the best. When the best score is under the calibrated
threshold the answer is NO_ANSWER rather than the nearest noise (figures in scripts/eval_answers.py).

Everything except answer_question is a pure function over plain values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from index.records import SearchHit
from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers.citation import format_citation

if TYPE_CHECKING:
    from index.library import Library
    from models.base import Encoder

NO_ANSWER = "Không tìm thấy nội dung trả lời trong các văn bản đã có"

# Weights of the sentence score and the no-answer threshold, calibrated on the dev sets
# (vinewsqa + uit_regwiki qa.jsonl) with scripts/eval_answers.py --calibrate.
W_LEXICAL = 0.6
W_DENSE = 0.4
W_RANK = 0.1
DENSE_FLOOR = 0.75  # E5 cosines live in ~[0.7, 0.95]: rescale (cos - floor) / (1 - floor)
THRESHOLD = 0.42  # balanced accuracy 0.81 on 80+80 dev questions (scripts/eval_answers.py, seed 13)
W_TYPE = 0.1  # bonus when the sentence holds what the question asks for (a number, a date)
SUPPORT_MARGIN = 0.1  # other sentences within this margin of the best one are cited too
MAX_SUPPORT = 2
PASSAGES = 15  # passages retrieved per question (the search caps passages per document on its
# first page, so a small k can miss the one passage that holds the answer)
DENSE_BUDGET = 24  # sentences encoded per question

# Question words and function words: dropped from the question's terms (compared before folding,
# so "thể" in "tập thể" is not mistaken for "thế"). Kept short on purpose; rarity does the rest.
STOPWORDS = frozenset("""
nào gì bao nhiêu mấy ai đâu sao thế như là có không được của và các những một trong cho với thì
mà ở vào đến từ khi hay hoặc đó này hãy nêu gồm bị do về theo tại cũng đã sẽ đang rằng nên vậy
bởi để phải chỉ ra cái chiếc điều
""".split()) - {"điều"}

_WORD = re.compile(r"\w+")
# What a question asks for, by its question words (folded), and what such an answer looks like.
_ASKS_WHEN = re.compile(r"\b(khi nào|bao giờ|lúc nào|ngày nào|tháng nào|năm nào|thời gian|thời hạn|"
                        r"thời điểm|hạn chót|trước ngày|đến ngày|ngày bao nhiêu)\b")
_ASKS_COUNT = re.compile(r"\b(bao nhiêu|mấy|số lượng)\b|^số\b")
_HAS_DATE = re.compile(r"\b(ngay|thang|nam|quy)\s+\d|\d{1,2}/\d{1,2}(/\d{2,4})?|\d{1,2}/\d{4}\b")
_HAS_NUMBER = re.compile(r"\d")
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-+•*–]|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s*")


@dataclass(frozen=True)
class Sentence:
    start: int  # char offsets in the passage text
    end: int
    text: str
    context: str = ""  # the list's lead-in line ("- Cấp huyện và tương đương:") for list items


@dataclass(frozen=True)
class Citation(SearchHit):
    """The search hit an answer cites, with its [n] marker, citation line and the cited span."""

    n: int  # the [n] marker, 1-based
    citation: str  # formatted line: "Kế hoạch số 95-KH/TU ngày 28/4/2023 của ... — mục II.2"
    span_start: int  # the cited sentence within the passage
    span_end: int

    @property
    def passage(self) -> str:
        """The whole passage text."""
        return self.text

    @property
    def sentence(self) -> str:
        return self.passage[self.span_start:self.span_end]

    def to_json(self) -> dict:
        return {
            "n": self.n, "doc_id": self.doc_id, "ordinal": self.ordinal, "title": self.title,
            "doc_type": self.doc_type, "number": self.number, "issuer": self.issuer, "date": self.date,
            "heading_path": list(self.heading_path), "pages": list(self.pages),
            "citation": self.citation, "passage": self.passage,
            "span": [self.span_start, self.span_end], "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # the answer (sentence(s) with [n] markers stripped), or NO_ANSWER
    found: bool
    citations: tuple[Citation, ...] = ()
    score: float = 0.0
    generated: bool = False  # composed by the configured language model (vankien/answers/generate.py)
    passages: tuple[Any, ...] = field(default=(), compare=False, repr=False)  # SearchHits used

    def to_json(self) -> dict:
        return {
            "question": self.question, "answer": self.text, "found": self.found,
            "score": round(float(self.score), 4), "generated": self.generated,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True)
class ScoredSentence:
    hit_index: int  # which retrieved passage
    sentence: Sentence
    lexical: float
    dense: float
    score: float


# ---------------------------------------------------------------- sentences


def _sent_tokenize(line: str) -> list[str]:
    from underthesea import sent_tokenize  # heavy import, first use only

    return sent_tokenize(line)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a passage with char offsets into it.

    Lines are split first (list items and headings are lines in these documents), then each line
    by underthesea's sent_tokenize. A lone enumerator ("II.", "1.") is glued to what follows, and
    a list item gets the nearest earlier lead-in line ending in ":" as its context.
    """
    out: list[Sentence] = []
    lead_ins: list[tuple[str, str]] = []  # (list marker of the lead-in line, its text)
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        pieces = _sent_tokenize(line) if len(line) > 40 else [line]
        spans: list[tuple[int, int]] = []
        cursor = 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            at = line.find(piece, cursor)
            if at < 0:  # the tokenizer changed whitespace: fall back to the rest of the line
                spans.append((cursor, len(line)))
                cursor = len(line)
                break
            spans.append((at, at + len(piece)))
            cursor = at + len(piece)
        if cursor < len(line) and line[cursor:].strip():
            spans.append((cursor, len(line)))
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and _ENUMERATOR.match(line[merged[-1][0]:merged[-1][1]]):
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        marker = _marker(line)
        if marker:
            while lead_ins and lead_ins[-1][0] == marker:  # a sibling's lead-in is not ours
                lead_ins.pop()
        context = lead_ins[-1][1] if marker and lead_ins else ""
        for s, e in merged:
            while s < e and line[s].isspace():
                s += 1
            while e > s and line[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(Sentence(line_start + s, line_start + e, line[s:e], context))
        stripped = line.strip()
        if stripped.endswith(":"):
            lead_ins.append((marker, _LIST_ITEM.sub("", stripped)))
        elif not marker:
            lead_ins.clear()
    return out


def _marker(line: str) -> str:
    """The kind of list marker a line starts with ("-", "+", "1.", "a)"), "" for none."""
    m = _LIST_ITEM.match(line)
    if not m:
        return ""
    mark = m.group(0).strip()
    if mark[0].isdigit():
        return "1."
    if mark[0].isalpha():
        return "a)"
    return mark


# ---------------------------------------------------------------- lexical scoring


def syllables(text: str) -> list[str]:
    """Lowercase NFC syllables ("Chi bộ" -> ["chi", "bộ"])."""
    return _WORD.findall(normalize_query(text).lower())


def folded_terms(text: str, drop_stopwords: bool = False) -> list[str]:
    words = syllables(text)
    if drop_stopwords:
        kept = [w for w in words if w not in STOPWORDS]
        words = kept or words
    return [fold_diacritics(w) for w in words]


def _pairs(words: Sequence[str]) -> set[str]:
    return {a + "_" + b for a, b in zip(words, words[1:])}


def question_terms(question: str) -> tuple[list[str], list[str]]:
    """(content syllables, syllable pairs) of a question, folded. Pairs come from the question as
    typed (stopwords included) minus pairs made only of stopwords."""
    words = syllables(question)
    content = list(dict.fromkeys(fold_diacritics(w) for w in words if w not in STOPWORDS))
    if not content:
        content = list(dict.fromkeys(fold_diacritics(w) for w in words))
    pairs = [fold_diacritics(a) + "_" + fold_diacritics(b) for a, b in zip(words, words[1:])
             if not (a in STOPWORDS and b in STOPWORDS)]
    return content, list(dict.fromkeys(pairs))


def rarity(units: Sequence[set[str]]) -> dict[str, float]:
    """Inverse frequency of each term over the candidate sentences: rare terms weigh more."""
    df: dict[str, int] = {}
    for u in units:
        for t in u:
            df[t] = df.get(t, 0) + 1
    n = len(units)
    return {t: math.log(1.0 + (n + 1) / (c + 0.5)) for t, c in df.items()}


def lexical_score(q_terms: Sequence[str], q_pairs: Sequence[str], sent_units: set[str],
                  context_units: set[str], idf: dict[str, float], default_idf: float) -> float:
    """Weighted share of the question's syllables and pairs found in the sentence (context words
    count half). In [0, 1]."""
    total = got = 0.0
    for t in list(q_terms) + list(q_pairs):
        w = idf.get(t, default_idf) * (1.0 if "_" not in t else 1.5)
        total += w
        if t in sent_units:
            got += w
        elif t in context_units:
            got += 0.5 * w
    return got / total if total else 0.0


def _units(text: str) -> set[str]:
    words = folded_terms(text)
    return set(words) | _pairs(words)


def rescale_dense(cos: np.ndarray | float) -> np.ndarray:
    return np.clip((np.asarray(cos, dtype=np.float32) - DENSE_FLOOR) / (1.0 - DENSE_FLOOR), 0.0, 1.0)


def expected_type(question: str) -> str:
    """"date", "count" or "" from the question words."""
    lower = normalize_query(question).lower()
    if _ASKS_WHEN.search(lower):
        return "date"
    if _ASKS_COUNT.search(lower):
        return "count"
    return ""


def type_match(kind: str, sentence: str) -> bool:
    if kind == "date":
        return bool(_HAS_DATE.search(fold_diacritics(sentence.lower())))
    if kind == "count":
        return bool(_HAS_NUMBER.search(sentence))
    return False


def combine(lexical: float, dense_cos: float, rank: int, typed: bool = False) -> float:
    return (W_LEXICAL * lexical + W_DENSE * float(rescale_dense(dense_cos))
            + W_RANK / (1.0 + rank) + (W_TYPE if typed else 0.0))


def candidate_sentences(hits: Sequence[Any], min_chars: int = 12) -> list[tuple[int, Sentence]]:
    """(hit index, sentence) for every sentence of every retrieved passage worth answering with."""
    out = []
    for i, hit in enumerate(hits):
        for s in split_sentences(hit.text):
            if len(s.text) >= min_chars and any(ch.isalpha() for ch in s.text):
                out.append((i, s))
    return out


def score_sentences(question: str, hits: Sequence[Any], encoder: Any | None,
                    dense_budget: int = DENSE_BUDGET) -> list[ScoredSentence]:
    """Every candidate sentence scored, best first.

    Only the `dense_budget` sentences best on the cheap features (lexical, rank, answer type), plus
    every sentence of the top two passages, are encoded; the rest keep a dense score of zero."""
    cands = candidate_sentences(hits)
    if not cands:
        return []
    q_terms, q_pairs = question_terms(question)
    sent_units = [_units(s.text) for _, s in cands]
    ctx_units = [_units(s.context + " " + " ".join(hits[i].heading_path)) for i, s in cands]
    idf = rarity(sent_units)
    default_idf = math.log(1.0 + (len(cands) + 1) / 0.5)
    lex = [lexical_score(q_terms, q_pairs, su, cu, idf, default_idf)
           for su, cu in zip(sent_units, ctx_units)]
    kind = expected_type(question)
    typed = [type_match(kind, s.text) for _, s in cands]
    dense = np.full(len(cands), DENSE_FLOOR, dtype=np.float32)
    if encoder is not None:
        cheap = [combine(lex[j], DENSE_FLOOR, i, typed[j]) for j, (i, _) in enumerate(cands)]
        chosen = set(sorted(range(len(cands)), key=lambda j: -cheap[j])[:dense_budget])
        chosen |= {j for j, (i, _) in enumerate(cands) if i < 2}
        order = sorted(chosen)
        qv = encoder.encode_query(normalize_query(question))
        texts = [(cands[j][1].context + " " + cands[j][1].text).strip() for j in order]
        dense[order] = encoder.encode_passages(texts) @ qv
    scored = [ScoredSentence(i, s, lex[j], float(dense[j]), combine(lex[j], float(dense[j]), i, typed[j]))
              for j, (i, s) in enumerate(cands)]
    scored.sort(key=lambda x: -x.score)
    return scored


# ---------------------------------------------------------------- citations and the answer


def citation_for(n: int, hit: SearchHit, span: tuple[int, int]) -> Citation:
    line = format_citation(hit.header, tuple(hit.heading_path), tuple(hit.pages))
    return Citation(**{f.name: getattr(hit, f.name) for f in fields(SearchHit)},
                    n=n, citation=line, span_start=span[0], span_end=span[1])


def select_answer(question: str, hits: Sequence[Any], scored: Sequence[ScoredSentence],
                  threshold: float = THRESHOLD) -> Answer:
    """The best sentence (and up to MAX_SUPPORT close ones from other passages), or NO_ANSWER."""
    if not scored or scored[0].score < threshold:
        return Answer(question, NO_ANSWER, False, score=scored[0].score if scored else 0.0,
                      passages=tuple(hits))
    best = scored[0]
    chosen = [best]
    for s in scored[1:]:
        if len(chosen) > MAX_SUPPORT or s.score < best.score - SUPPORT_MARGIN:
            break
        if all(s.hit_index != c.hit_index for c in chosen) and s.score >= threshold:
            chosen.append(s)
    citations = tuple(citation_for(n, hits[s.hit_index], (s.sentence.start, s.sentence.end))
                      for n, s in enumerate(chosen, 1))
    text = _LIST_ITEM.sub("", best.sentence.text, count=1) or best.sentence.text
    if best.sentence.context:  # a list item reads with its lead-in: "Cấp huyện ...: Thời gian: ..."
        text = f"{best.sentence.context} {text}"
    return Answer(question, text, True, citations, best.score, passages=tuple(hits))


def answer_question(library: Library, question: str, k: int = PASSAGES, threshold: float = THRESHOLD,
                    encoder: Encoder | None = None) -> Answer:
    """Retrieve k passages and answer from their sentences (see the module docstring)."""
    question = normalize_query(question or "")
    if not question:
        return Answer(question, NO_ANSWER, False)
    hits = library.search(question, k=max(1, k))
    scored = score_sentences(question, hits, encoder if encoder is not None else library.encoder)
    return select_answer(question, hits, scored, threshold)
