"""Cosines that read a candidate sentence in its context (ranker.FEATURES "dense_ctx" … "dense_sym").

    texts = context_texts(hits, cands)        # per candidate: (prev + sentence, heading + sentence, prev, next, "")
    cos = cosines(question_vec, texts, encoder.encode_passages)   # (n, 5) raw cosines, nan where no text

The public-set misses were sentences that share the question's words with the gold one, and a
sentence's own cosine cannot tell them apart: the gold sentence often reads as an answer only after
the sentence before it (which restates the question), or under its article's title. So the question
("query: …") is also compared with "passage: <previous sentence> <sentence>", with
"passage: <title / headings>. <sentence>", and with the neighbouring sentences alone (the one before
a candidate that repeats the question's words says the candidate follows up on it).

Measured on the tune questions (docs/quality.md, "every candidate encoded, and read in context"):
none of them picks the gold sentence more often, so the product computes none (qa.DENSE_CONTEXT).

Pure functions except `cosines`, which calls the encoder once for every distinct text (one batch).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from vankien.answers.sentences import Sentence, split_sentences

# dense_sym: the question encoded as a passage ("passage: <question>") against the sentence, a paraphrase
# score rather than an answer score (qa computes it from the sentence vectors: one encoding a question)
COLUMNS = ("dense_ctx", "dense_head", "dense_prev", "dense_next", "dense_sym")
SYM = COLUMNS.index("dense_sym")


def neighbour_texts(passage: str, parts: Sequence[Sentence], s: Sentence) -> tuple[str, str]:
    """(the sentence before `s`, the sentence after it) in its passage, "" at an edge. `parts` is
    split_sentences(passage); `s` may be one of them or two joined."""
    before = [p for p in parts if p.end <= s.start]
    after = [p for p in parts if p.start >= s.end]
    return ((before[-1].context + " " + before[-1].shown).strip() if before else "",
            (after[0].context + " " + after[0].shown).strip() if after else "")


def heading_of(hit: Any) -> str:
    """The passage's document title and headings, as one line ("" when it has none)."""
    parts = [getattr(hit, "title", "") or "", *getattr(hit, "heading_path", ())]
    seen: list[str] = []
    for p in (x.strip().rstrip(".:") for x in parts):
        if p and p not in seen:
            seen.append(p)
    return ". ".join(seen)


def context_texts(hits: Sequence[Any], cands: Sequence[tuple[int, Sentence]],
                  wanted: Sequence[str] = COLUMNS) -> list[tuple[str, ...]]:
    """For each candidate (hit index, sentence), the texts of COLUMNS in order; "" where a text does
    not exist (no sentence before, no title) or its column is not `wanted`: its cosine is left out."""
    keep = [c in wanted for c in COLUMNS]
    split: dict[int, list[Sentence]] = {}
    out = []
    for i, s in cands:
        text = hits[i].text
        parts = split.setdefault(i, split_sentences(text))
        prev, nxt = neighbour_texts(text, parts, s)
        own = (s.context + " " + s.shown).strip()
        head = heading_of(hits[i])
        texts = (f"{prev} {own}" if prev else "", f"{head}. {own}" if head else "", prev, nxt, "")
        out.append(tuple(t if k else "" for t, k in zip(texts, keep)))
    return out


def cosines(question_vec: np.ndarray, texts: Sequence[Sequence[str]],
            encode: Callable[[list[str]], np.ndarray], fold: Callable[[str], str] | None = None) -> np.ndarray:
    """(len(texts), len(COLUMNS)) cosines of the question with each text, nan for "". `fold` turns
    every text into the form the question was typed in (without diacritics) before encoding."""
    out = np.full((len(texts), len(COLUMNS)), np.nan, dtype=np.float32)
    distinct = list(dict.fromkeys(t for row in texts for t in row if t))
    if not distinct:
        return out
    vecs = encode([fold(t) for t in distinct] if fold else distinct)
    where = {t: k for k, t in enumerate(distinct)}
    sims = vecs @ np.asarray(question_vec, dtype=np.float32)
    for j, row in enumerate(texts):
        for c, t in enumerate(row):
            if t:
                out[j, c] = sims[where[t]]
    return out
