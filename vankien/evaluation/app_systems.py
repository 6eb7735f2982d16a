"""The app's own retrieval (keyword-only, dense-only, hybrid) over a throwaway passage index.

Every corpus document is parsed and chunked by the app's ingestion (`ingest.parse_text`, title
given), its passages are tokenised, embedded and indexed with the index's own components
(index.tokenize, index.keyword.KeywordIndex, index.dense.DenseIndex, index.fusion.rrf,
index.settings.RetrievalSettings), and a document is ranked by its best passage: documents in
order of first appearance in the passage ranking (`depth` passages, enough to fill 10 documents).

The knobs in AppConfig exist for experiments (scripts/eval_experiments.py); their defaults are
what the app does.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from vankien.evaluation.beir import Document


@dataclass(frozen=True)
class AppConfig:
    retrieval: object = None  # index.settings.RetrievalSettings; None = the app's defaults
    depth: int = 100  # passages fetched per retriever (and fused) to fill 10 documents
    chunk: dict = field(default_factory=dict)  # extra keyword arguments for chunking (experiments)
    word_segment: bool = True  # underthesea words in passage tokens (index.tokenize default)
    embed_context: str = "app"  # "app": what the Library embeds; "none": passage text; "title": title + passage
    keyword_context: str = "app"  # same choices for the keyword tokens
    tokenizer: str = "app"  # "app": index.tokenize; "syllables": plain lowercased syllables


def _retrieval_defaults():
    from index.settings import RetrievalSettings

    return RetrievalSettings()


def parse_corpus(corpus: Sequence[Document], chunk: dict | None = None) -> list:
    """ParsedDocument per corpus document, with the app's ingestion (title given)."""
    from ingest import parse_text

    out = []
    for d in corpus:
        out.append(parse_text(d.text, d.id, source_format="text", title=d.title, **(chunk or {})))
    return out


class AppIndex:
    """Passages of a corpus with keyword and dense indexes; built once, queried by three systems."""

    def __init__(self, encoder, config: AppConfig | None = None,
                 log: Callable[[str], None] | None = None):
        self.encoder = encoder
        self.config = config or AppConfig()
        self.settings = self.config.retrieval or _retrieval_defaults()
        self.log = log or (lambda s: None)
        self.timings: dict[str, float] = {}

    def build(self, corpus: Sequence[Document]) -> None:
        from index.dense import DenseIndex
        from index.keyword import KeywordIndex
        from vankien.evaluation import app_wiring

        t0 = time.perf_counter()
        docs = parse_corpus(corpus, self.config.chunk)
        self.timings["chunk_s"] = time.perf_counter() - t0
        self.pid_doc: list[str] = []
        embed_texts, kw_texts = [], []
        for doc, src in zip(docs, corpus):
            for p in doc.passages:
                self.pid_doc.append(src.id)
                embed_texts.append(app_wiring.passage_text(doc, p, "embed", self.config.embed_context))
                kw_texts.append(app_wiring.passage_text(doc, p, "keyword", self.config.keyword_context))
        self.n_passages = len(self.pid_doc)
        self.log(f"{len(corpus)} văn bản -> {self.n_passages} đoạn ({self.timings['chunk_s']:.1f}s)")

        t0 = time.perf_counter()
        tokens = [app_wiring.passage_tokens(t, self.config) for t in kw_texts]
        self.keyword = KeywordIndex()
        self.keyword.build(range(self.n_passages), tokens)
        self.timings["keyword_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        vecs = self.encoder.encode_passages(embed_texts)
        self.dense = DenseIndex(self.encoder.dim)
        self.dense.add(range(self.n_passages), vecs)
        len(self.dense)
        self.timings["dense_s"] = time.perf_counter() - t0

    # passage rankings --------------------------------------------------------
    def keyword_pids(self, query: str, depth: int) -> list[int]:
        from vankien.evaluation import app_wiring

        return app_wiring.keyword_search(self.keyword, query, depth, self.config)

    def dense_pids(self, qvec: np.ndarray, depth: int) -> list[int]:
        return [h.pid for h in self.dense.search(qvec, depth)]

    def hybrid_pids(self, query: str, qvec: np.ndarray, depth: int) -> list[int]:
        from vankien.evaluation import app_wiring

        return app_wiring.hybrid(self, query, qvec, depth)

    def docs_of(self, pids: Sequence[int], k: int) -> list[str]:
        out: list[str] = []
        seen = set()
        for pid in pids:
            d = self.pid_doc[pid]
            if d not in seen:
                seen.add(d)
                out.append(d)
                if len(out) == k:
                    break
        return out


class _AppSystem:
    needs_query_vectors = False

    def __init__(self, app: AppIndex, key: str, name: str):
        self.app, self.key, self.name = app, key, name
        self.qvecs: dict[str, np.ndarray] = {}

    def index(self, corpus: Sequence[Document]) -> None:
        if not hasattr(self.app, "pid_doc"):
            self.app.build(corpus)

    def search(self, query: str, k: int) -> list[str]:
        depth = max(self.app.config.depth, k)
        if self.key == "keyword":
            pids = self.app.keyword_pids(query, depth)
        elif self.key == "dense":
            pids = self.app.dense_pids(self.qvecs[query], depth)
        else:
            pids = self.app.hybrid_pids(query, self.qvecs[query], depth)
        return self.app.docs_of(pids, k)


def app_systems(encoder, config: AppConfig | None = None, keys: Sequence[str] = ("keyword", "dense", "hybrid"),
                log: Callable[[str], None] | None = None) -> list[_AppSystem]:
    app = AppIndex(encoder, config, log)
    names = {"keyword": "ứng dụng: chỉ từ khóa", "dense": "ứng dụng: chỉ vector", "hybrid": "ứng dụng: lai (hybrid)"}
    systems = []
    for key in keys:
        s = _AppSystem(app, key, names[key])
        s.needs_query_vectors = key in ("dense", "hybrid")
        systems.append(s)
    return systems
