"""Extractive answers: the sentence(s) of the retrieved passages that answer a question, cited.

    answer = answer_question(library, "Chi bộ sinh hoạt vào ngày nào hằng tháng?")
    answer.text            # the answer sentence, or NO_ANSWER
    answer.citations[0]    # Citation: [1], doc_id, ordinal, citation line, passage, answer span

Steps: a question about a named document's own facts (who signed it, when, what it implements) is
answered from the stored metadata and references (vankien/answers/docfacts.py); a question naming its
source document ("Hướng dẫn 05 yêu cầu …") answers from that document only. Otherwise retrieve
passages (Library.search), split them into sentences keeping char offsets (sentences.py), prefer the
sentences that hold the kind of answer the question asks for (answer_types.py: a date for "ngày
nào", a name for "ai", …; required only for the kinds in HARD), score each sentence against the question (score_sentences: rarity-weighted
overlap of diacritic-folded syllables and syllable pairs, cosine between encode_query(question)
and encode_passages(sentences), position, length, answer kind, … combined by a learned ranker:
vankien/answers/ranker.py), keep the best. When the ranker is not sure anything answers, the answer
is NO_ANSWER rather than the nearest noise (figures in scripts/eval_answers.py). The answer reads
the sentence trimmed to about 300 characters around what answers; a person named by the given name
alone reads with the sentence before it, which names them in full (answer_items.with_antecedent).

Everything except answer_question is a pure function over plain values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from index.records import SearchHit
from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers import answer_items, context_dense, docfacts, ranker, sentence_features
from vankien.answers.answer_types import (STRICT, answer_spans, asked_unit, expected_type, focus_words,  # noqa: F401
                                          needs_answer, synonym_units, type_match, unit_share,
                                          without_question_phrase)
from vankien.answers.citation import format_citation
from vankien.answers.reaccent import reaccent
from vankien.answers.lexical import (_WORD, FOLDED_STOPWORDS, STOPWORDS, W_FOCUS, _units, folded_terms,  # noqa: F401
                                     join_restating, lexical_score, missing_share, neighbours, question_terms,
                                     NEIGHBOURS, rarity, restates, syllables)
from vankien.answers.sentences import Sentence, split_sentences, strip_marker, trim_around  # noqa: F401

if TYPE_CHECKING:
    from index.library import Library
    from models.base import Encoder

NO_ANSWER = "Không tìm thấy nội dung trả lời trong các văn bản đã có"

# The sentence score is the learned ranker's probability (vankien/answers/ranker.py, trained by
# scripts/train_answer_ranker.py on the tune halves of vinewsqa and uit_regwiki), and the no-answer
# threshold is the ranker's. The hand-set weights below survive only as the cheap pre-score that
# chooses which sentences are worth encoding (DENSE_BUDGET), and as ranker features (unit, focus).
W_LEXICAL = 0.3
W_DENSE = 0.7
W_RANK = 0.1
DENSE_FLOOR = 0.75  # E5 cosines live in ~[0.7, 0.95]: rescale (cos - floor) / (1 - floor)
# A sentence without the kind of answer asked for loses W_UNTYPED rather than being dropped, for a
# person (often named without a title), a date ("khi nào" is answered by an event: "phẫu thuật lần
# ba") and a list: dropping them lost public-set answers. Kinds in HARD are still required: an
# address for "trang nào", a number for "bao nhiêu"/"bao lâu", a place for "ở đâu" (now any proper
# name after a preposition, "trên tạp chí Saint-Petersburg Panorama", not only "tại/ở …").
W_UNTYPED = 0.05
HARD = frozenset({"url", "place", "number", "duration"})
W_UNIT = 0.2  # bonus when a count comes with the unit asked for ("bao nhiêu chi bộ" -> "3.870 chi bộ")
W_MISSING = 0.3  # times the share of the question's word pairs found in no retrieved passage at all
W_NOFOCUS = 0.2  # times the share of those words missing: a sentence without them answers another question
SUPPORT_MARGIN = 0.1  # other sentences within this margin of the best one are cited too
MAX_SUPPORT = 2
PASSAGES = 15  # passages retrieved per question (the search caps passages per document on its
# first page, so a small k can miss the one passage that holds the answer)
DENSE_BUDGET = 10  # sentences encoded per question (the best on the cheap features; each costs ~0.1 s on a CPU)
DENSE_PASSAGES = 3  # ... besides every sentence of the best passages: on the public sets a fifth of the
# answers sat in a top passage's sentence that the cheap features had not picked, so it never won
DENSE_CONTEXT: tuple[str, ...] = ()  # context_dense.COLUMNS also computed for the encoded sentences (all four:
# ~3x the encodings; "dense_prev"/"dense_next" alone: only the neighbours not encoded already)

_HEADING = re.compile(r"^(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+\s*[.:]?[^.;:]{0,80}$")


@dataclass(frozen=True)
class Citation(SearchHit):
    """The search hit an answer cites, with its [n] marker, citation line and the cited span."""

    n: int  # the [n] marker, 1-based
    citation: str  # formatted line: "Kế hoạch số 95-KH/TU ngày 28/4/2023 của ... — mục II.2"
    span_start: int  # the cited sentence within the passage
    span_end: int
    quote: str = ""  # the cited sentence as it reads (a table row as text); "" = the span itself

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
            "span": [self.span_start, self.span_end], "sentence": self.sentence, "quote": self.quote or self.sentence,
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
    note: str = ""  # why there is no answer, when known ("Chưa có văn bản 50-CT/TW trong chỉ mục")

    def to_json(self) -> dict:
        return {
            "question": self.question, "answer": self.text, "found": self.found, "note": self.note,
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
    unit: float = 0.0  # share of the units asked for that a count in the sentence carries (W_UNIT)
    focus: float = 1.0  # share of the words next to the question word found (W_NOFOCUS off at 0)
    missing: float = 0.0  # share of the question's content pairs in none of the passages (W_MISSING)
    typed: bool = False  # holds an answer of the kind asked for (else W_UNTYPED off)
    features: tuple[float, ...] = ()  # the ranker's inputs, in ranker.FEATURES order


def rescale_dense(cos: np.ndarray | float) -> np.ndarray:
    return np.clip((np.asarray(cos, dtype=np.float32) - DENSE_FLOOR) / (1.0 - DENSE_FLOOR), 0.0, 1.0)


def combine(lexical: float, dense_cos: float, rank: int) -> float:
    return W_LEXICAL * lexical + W_DENSE * float(rescale_dense(dense_cos)) + W_RANK / (1.0 + rank)


def candidate_sentences(hits: Sequence[Any], min_chars: int = 12) -> list[tuple[int, Sentence]]:
    """(hit index, sentence) for every sentence of every retrieved passage worth answering with."""
    out = []
    for i, hit in enumerate(hits):
        headings = {h.strip().rstrip("…") for h in hit.heading_path}
        for s in split_sentences(hit.text):
            if len(s.text) < min_chars or not any(ch.isalpha() for ch in s.text) or _HEADING.match(s.text) \
                    or s.text.isupper() or any(h and s.text.startswith(h) and len(s.text) <= len(h) + 1
                                               for h in headings):
                continue  # a heading names a topic, it does not answer
            out.append((i, s))
    return out


def typed_spans(kind: str, sentence: Sentence, q_words: set[str]) -> list[tuple[int, int]]:
    """Spans of the sentence's shown text that answer `kind` with something the question does not
    already say ("1 năm" in "sơ kết 1 năm … bao nhiêu" is not an answer to it)."""
    text = sentence.shown
    spans = answer_spans(kind, text, sentence.context)
    if kind not in STRICT:
        return spans
    return [(a, b) for a, b in spans if set(folded_terms(text[a:b])) - q_words]


def clause_of(text: str, span: tuple[int, int]) -> str:
    """The clause of `text` (between semicolons) that holds `span`."""
    left = text.rfind(";", 0, span[0]) + 1
    right = text.find(";", span[1])
    return text[left:right if right >= 0 else len(text)]


def answer_span(kind: str, sentence: Sentence, q_words: set[str]) -> tuple[int, int]:
    """The part of the shown text that answers: the typed span nearest the question's words."""
    text = sentence.shown
    spans = typed_spans(kind, sentence, q_words) if kind in STRICT else []
    if not spans:
        return 0, len(text)
    hits = [m.start() for m in _WORD.finditer(text) if fold_diacritics(m.group(0).lower()) in q_words]
    return min(spans, key=lambda sp: min((abs(sp[0] - h) for h in hits), default=sp[0]))


def score_sentences(question: str, hits: Sequence[Any], encoder: Any | None,
                    dense_budget: int = DENSE_BUDGET, model: ranker.Ranker | None = None,
                    dense_passages: int | None = None,
                    context: tuple[str, ...] | None = None) -> list[ScoredSentence]:
    """The candidate sentences, scored by the learned ranker (vankien/answers/ranker.py: the
    probability that a sentence holds the answer), best first. Where the question asks for a kind
    in HARD, only sentences holding that kind are candidates.

    Only the `dense_budget` sentences best on the cheap features (lexical, rank), plus every
    sentence of the DENSE_PASSAGES best passages, are encoded; the rest keep a dense score of zero.
    The encoded ones are also compared in context for the DENSE_CONTEXT (or `context`) columns of
    context_dense.COLUMNS; the other columns stay 0."""
    dense_passages = DENSE_PASSAGES if dense_passages is None else dense_passages
    context = DENSE_CONTEXT if context is None else context
    kind = expected_type(question)
    q_words = set(folded_terms(question))
    q_terms, q_pairs = question_terms(question)
    missing = missing_share(q_pairs, hits)
    first = candidate_sentences(hits)
    cands = join_restating(first, hits, set(q_terms))
    joined = [j >= len(first) for j in range(len(cands))]
    typed = kind in STRICT
    spans = [typed_spans(kind, s, q_words) if typed else [] for _, s in cands]
    if needs_answer(question, HARD):  # only where a sentence without it cannot answer
        keep = [j for j, sp in enumerate(spans) if sp]
        cands, spans, joined = [cands[j] for j in keep], [spans[j] for j in keep], [joined[j] for j in keep]
    if not cands:
        return []
    sent_units = [_units(s.shown) for _, s in cands]
    ctx_units = [_units(s.context + " " + " ".join(hits[i].heading_path)) for i, s in cands]
    # list items and table rows are facts of their own: their context is their lead-in, not their neighbours
    around = [set() if s.context or s.display else _units(neighbours(hits[i].text, s)) for i, s in cands]
    near_units = [cu | au if NEIGHBOURS else cu for cu, au in zip(ctx_units, around)]
    idf = rarity(sent_units)
    default_idf = math.log(1.0 + (len(cands) + 1) / 0.5)
    focus = focus_words(question)
    lex = [lexical_score(q_terms, q_pairs, su, cu, idf, default_idf, focus)
           for su, cu in zip(sent_units, near_units)]
    lex_alone = [lexical_score(q_terms, q_pairs, su, set(), idf, default_idf, focus) for su in sent_units]
    lex_around = [lexical_score(q_terms, q_pairs, au, set(), idf, default_idf, focus) for au in around]
    unit = asked_unit(question) if kind == "number" else ()
    unit_hit = [unit_share(unit, [s.shown[a:b] for a, b in sp]) for (_, s), sp in zip(cands, spans)]
    noun = answer_items.list_noun(question) if kind != "number" else ""
    if noun:  # "những tháng nào" (typed a date): the sentence that lists months ("tháng 3, 6, 9 và 12")
        unit_hit = [float(answer_items.enumerates(noun, s.context + " " + s.shown)) for _, s in cands]
    bonus = [W_UNIT * u - (W_UNTYPED if typed and not sp else 0.0) for u, sp in zip(unit_hit, spans)]
    if typed:  # half the lexical score from the clause that holds the answer: facts sit near their words
        near = [max((lexical_score(q_terms, q_pairs, _units(clause_of(s.shown, sp)), cu, idf, default_idf, focus)
                     for sp in sps), default=a) for (_, s), sps, cu, a in zip(cands, spans, near_units, lex)]
        lex = [(a + b) / 2 for a, b in zip(lex, near)]
    shares = [len(focus & (su | cu)) / len(focus) if focus else 1.0 for su, cu in zip(sent_units, ctx_units)]
    bonus = [b - W_NOFOCUS * (1.0 - share) - W_MISSING * missing for b, share in zip(bonus, shares)]
    dense = np.full(len(cands), DENSE_FLOOR, dtype=np.float32)
    encoded = np.zeros(len(cands), dtype=bool)
    ctx = np.full((len(cands), len(context_dense.COLUMNS)), DENSE_FLOOR, dtype=np.float32)
    if encoder is not None:
        cheap = [combine(lex[j], DENSE_FLOOR, i) + bonus[j] for j, (i, _) in enumerate(cands)]
        chosen = set(sorted(range(len(cands)), key=lambda j: -cheap[j])[:dense_budget])
        chosen |= {j for j, (i, _) in enumerate(cands) if i < dense_passages}
        order = sorted(chosen)
        texts = [(cands[j][1].context + " " + cands[j][1].shown).strip() for j in order]
        asked = reaccent(question, [h.text for h in hits])  # typed without diacritics: spelt as the passages do
        folded = fold_diacritics(asked) == asked  # nothing to spell it from: compare like with like
        if folded:
            texts = [fold_diacritics(t) for t in texts]
        qv = encoder.encode_query(normalize_query(asked))
        vecs = encoder.encode_passages(texts)
        dense[order] = vecs @ qv
        encoded[order] = True
        if context:
            around = context_dense.context_texts(hits, [cands[j] for j in order], context)
            ctx[order] = context_dense.cosines(qv, around, encoder.encode_passages, fold_diacritics if folded else None)
        if "dense_sym" in context:
            ctx[order, context_dense.SYM] = vecs @ encoder.encode_passages([normalize_query(asked)])[0]
    rescaled = rescale_dense(dense)
    ctx_scaled = rescale_dense(np.nan_to_num(ctx, nan=DENSE_FLOOR))
    x = sentence_features.matrix(question, kind, typed, missing, hits, [
        sentence_features.Candidate(i, s, lex[j], lex_alone[j], lex_around[j], float(rescaled[j]), bool(encoded[j]),
                                    bool(spans[j]), unit_hit[j], shares[j], joined[j],
                                    tuple(float(v) for v in ctx_scaled[j]))
        for j, (i, s) in enumerate(cands)])
    prob = (model or ranker.load()).probability(x)
    scored = [ScoredSentence(i, s, lex[j], float(dense[j]), float(prob[j]), unit_hit[j], shares[j], missing,
                             bool(spans[j]), tuple(float(v) for v in x[j]))
              for j, (i, s) in enumerate(cands)]
    scored.sort(key=lambda x: -x.score)
    return scored


# ---------------------------------------------------------------- citations and the answer


def citation_for(n: int, hit: SearchHit, span: tuple[int, int], quote: str = "") -> Citation:
    line = format_citation(hit.header, tuple(hit.heading_path), tuple(hit.pages), hit.scanned)
    return Citation(**{f.name: getattr(hit, f.name) for f in fields(SearchHit)},
                    n=n, citation=line, span_start=span[0], span_end=span[1], quote=quote)


def answer_text(question: str, sentence: Sentence) -> str:
    """The sentence as the answer reads: list marker dropped, lead-in first, at most about
    MAX_ANSWER_CHARS around what answers, "…" where cut."""
    kind = expected_type(question)
    start, end = answer_span(kind, sentence, set(folded_terms(question)))
    shown = sentence.shown
    body = strip_marker(shown)
    cut = len(shown) - len(body)
    start, end = max(0, start - cut), max(0, end - cut)
    if sentence.context and not sentence.display:  # a list item reads with its lead-in (a table row
        # already names its columns): "Cấp huyện ...: Thời gian: ..."
        lead = sentence.context + " "
        body, start, end = lead + body, start + len(lead), end + len(lead)
    return trim_around(body, start, end)


def select_answer(question: str, hits: Sequence[Any], scored: Sequence[ScoredSentence],
                  threshold: float | None = None) -> Answer:
    """The best sentence (and up to MAX_SUPPORT close ones from other passages), or NO_ANSWER when
    the best is under `threshold` (default: the ranker's calibrated threshold)."""
    model = ranker.load()
    threshold = model.threshold if threshold is None else threshold
    event = answer_items.event_words(question) if expected_type(question) == "date" else ()
    if event:  # the date of another event does not answer (public sets: no change, docs/quality.md)
        scored = [s for s in scored if answer_items.tells_of(event, s.sentence.context + " " + s.sentence.shown)]
    sure = model.confidence(np.asarray([s.score for s in scored]), np.asarray([s.features for s in scored])) \
        if scored and scored[0].features else (scored[0].score if scored else 0.0)
    if not scored or sure < threshold:
        return Answer(question, NO_ANSWER, False, score=sure, passages=tuple(hits))
    best = scored[0]
    if expected_type(question) == "person":  # "Mai đã …": read with the sentence that names her in full
        best = replace(best, sentence=answer_items.with_antecedent(hits[best.hit_index].text, best.sentence))
    chosen = [best]
    for s in scored[1:]:
        if len(chosen) > MAX_SUPPORT or s.score < best.score - SUPPORT_MARGIN:
            break
        if all(s.hit_index != c.hit_index for c in chosen) and s.score >= threshold:
            chosen.append(s)
    citations = tuple(citation_for(n, hits[s.hit_index], (s.sentence.start, s.sentence.end), s.sentence.display)
                      for n, s in enumerate(chosen, 1))
    return Answer(question, answer_text(question, best.sentence), True, citations, sure, passages=tuple(hits))


def retrieve(library: Library, question: str, k: int, doc_id: str = "") -> list[SearchHit]:
    """k passages for the question; with doc_id, only that document's (searched deeper, since the
    search spreads its first page over documents)."""
    if not doc_id:
        return library.search(question, k=max(1, k))
    return [h for h in library.search(question, k=max(60, 4 * k)) if h.doc_id == doc_id][:k]


def retrieve_spelt(library: Library, question: str, k: int, doc_id: str = "") -> list[SearchHit]:
    """retrieve(); a question typed without diacritics is searched again as its passages spell it
    (reaccent.py): the vector side matches accented text far better, the keyword side folds both."""
    hits = retrieve(library, question, k, doc_id)
    asked = reaccent(question, [h.text for h in hits])
    return retrieve(library, asked, k, doc_id) if asked != question else hits


def answer_question(library: Library, question: str, k: int = PASSAGES, threshold: float | None = None,
                    encoder: Encoder | None = None) -> Answer:
    """Answer from metadata, from the named document, or from the k best passages (see the
    module docstring)."""
    question = normalize_query(question or "")
    if not question:
        return Answer(question, NO_ANSWER, False)
    about = docfacts.asks_about_document(question)
    name, info = docfacts.named_document(library, question, about_document=about)
    if name is not None and info is None:  # names a document that is not indexed: say so
        return Answer(question, NO_ANSWER, False, note=f"Chưa có văn bản {name.label} trong chỉ mục")
    if info is not None and about:
        fact = docfacts.fact_answer(library, info, question)
        if fact is not None:
            return Answer(question, fact.text, True, (citation_for(1, fact.hit, fact.span),), 1.0,
                          passages=(fact.hit,))
    hits = retrieve_spelt(library, question, k, info.doc_id if info is not None else "")
    scored = score_sentences(question, hits, encoder if encoder is not None else library.encoder)
    return select_answer(question, hits, scored, threshold)
