"""What Library.search does, step by step, over components built from ParsedDocuments.

Library.ingest takes file paths; the evaluation indexes ParsedDocuments from `ingest.parse_text`
directly, so this module repeats the Library's choices (which text is embedded and tokenised,
which tokeniser, how the two rankings are fused) by calling the same functions. Keep it in step
with index/library.py; tests/test_eval_app.py checks it against Library on a small corpus.
"""
from __future__ import annotations

import numpy as np

from vankien.evaluation.baselines import syllables


def passage_text(doc, passage, purpose: str, mode: str = "app") -> str:
    """Text of a passage as given to the encoder (purpose "embed") or the tokeniser ("keyword")."""
    if mode == "app":
        return passage.text
    if mode == "title" and doc.metadata.title:
        return f"{doc.metadata.title}\n{passage.text}"
    if mode == "title_heading":
        head = " > ".join(passage.heading_path)
        parts = [doc.metadata.title] if doc.metadata.title else []
        if head and not passage.text.startswith(passage.heading_path[-1]):
            parts.append(head)
        return "\n".join(parts + [passage.text])
    return passage.text


def passage_tokens(text: str, config) -> list[str]:
    if config.tokenizer == "syllables":
        return syllables(text)
    from index.tokenize import passage_tokens as app_tokens

    return app_tokens(text, word_segment=config.word_segment)


def keyword_search(keyword, query: str, depth: int, config) -> list[int]:
    if config.tokenizer == "syllables":
        ids = keyword._bm25.get_tokens_ids([t for t in syllables(query) if t in keyword._bm25.vocab_dict])
        if not ids:
            return []
        s = np.asarray(keyword._bm25.get_scores_from_ids(ids))
        top = np.argsort(-s, kind="stable")[:depth]
        return [int(keyword.pids[i]) for i in top if s[i] > 0]
    return [h.pid for h in keyword.search(query, depth)]


def hybrid(app, query: str, qvec: np.ndarray, depth: int) -> list[int]:
    from index.fusion import rrf

    st = app.settings
    kw = app.keyword_pids(query, depth)
    de = app.dense_pids(qvec, depth)
    fused = rrf([kw, de], k=st.rrf_k, weights=[st.keyword_weight, st.dense_weight])
    return [pid for pid, _ in fused]
