"""The app's own retrieval (keyword-only, dense-only, hybrid) over a throwaway Library.

Every corpus document goes through the app's ingestion (`ingest.parse_text`, title given), into a
real `index.library.Library` in a temporary folder (`Library.add_documents`: the app's tokens,
embeddings, keyword and dense indexes, store). Then:

- hybrid  = `Library.search(query, k=depth)`: exactly what the app runs (z-score fusion, named documents first, caps,
  verbatim twins as one hit: the twins a hit names come right after it, as its card shows them);
- keyword = the Library's own `keyword.search(query, depth)` (BM25 over index.tokenize tokens);
- dense   = the Library's own `dense.search(encode_query(normalize_query(query)), depth)`.

A document is ranked by its best passage: documents in order of first appearance in the passage
ranking, `depth` passages deep (100 by default, enough to fill 10 documents).

The Library is given the evaluation's cached encoder (`Library.open(..., encoder=...)`), so the
shared embedding cache is used, not one inside the temporary folder.
"""
from __future__ import annotations

import hashlib
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from index.recipe import document_texts
from vankien.evaluation.beir import Document

APP_KEYS = ("keyword", "dense", "hybrid")
NAMES = {"keyword": "ứng dụng: chỉ từ khóa", "dense": "ứng dụng: chỉ vector", "hybrid": "ứng dụng: lai (hybrid)"}


@dataclass(frozen=True)
class AppConfig:
    """Harness knobs for experiments; the defaults are exactly what the app does."""

    retrieval: object = None  # index.settings.RetrievalSettings for the Library; None = app default
    depth: int = 100  # passages fetched to fill 10 documents
    chunk: dict = field(default_factory=dict)  # keyword arguments for parse_text (max_tokens, ...)
    passage_transform: Callable | None = None  # (ParsedDocument) -> ParsedDocument, experiments only


def _ingest_fingerprint() -> str:
    """Hash of the ingestion code, so that cached parses go stale when ingest/ changes."""
    import ingest

    h = hashlib.sha256()
    for f in sorted(Path(ingest.__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def parse_corpus(corpus: Sequence[Document], chunk: dict | None = None, cache_dir: Path | None = None,
                 log: Callable[[str], None] | None = None) -> list:
    """ParsedDocument per corpus document (empty documents skipped), cached by content + ingest code."""
    from ingest import parse_text

    key = hashlib.sha256()
    key.update(_ingest_fingerprint().encode())
    key.update(repr(sorted((chunk or {}).items())).encode())
    for d in corpus:
        key.update(f"{d.id}\x00{d.title}\x00{d.text}\x01".encode())
    path = (cache_dir / f"parsed-{key.hexdigest()[:24]}.pkl") if cache_dir else None
    if path and path.exists():
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a broken cache file only costs time
            pass
    docs = []
    for i, d in enumerate(corpus):
        if not d.text.strip():
            continue
        doc = parse_text(d.text, d.id, source_format="text", title=d.title, **(chunk or {}))
        docs.append(doc)
        if log and (i + 1) % 500 == 0:
            log(f"  phân tích {i + 1:,}/{len(corpus):,} văn bản")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(docs))
        tmp.replace(path)
    return docs


class AppIndex:
    """A throwaway Library over a corpus; built once, queried by the three app systems."""

    def __init__(self, encoder, config: AppConfig | None = None, log: Callable[[str], None] | None = None,
                 parse_cache: Path | None = None):
        self.encoder = encoder
        self.config = config or AppConfig()
        self.log = log or (lambda s: None)
        self.parse_cache = parse_cache
        self.timings: dict[str, float] = {}
        self.lib = None
        self._home: Path | None = None

    def build(self, corpus: Sequence[Document]) -> None:
        from index.library import Library

        t0 = time.perf_counter()
        docs = parse_corpus(corpus, self.config.chunk, self.parse_cache, self.log)
        if self.config.passage_transform:
            docs = [self.config.passage_transform(d) for d in docs]
        self.timings["parse_s"] = time.perf_counter() - t0
        self.n_passages = sum(len(d.passages) for d in docs)
        self.log(f"  {len(docs):,} văn bản -> {self.n_passages:,} đoạn ({self.timings['parse_s']:.1f}s)")
        self._home = Path(tempfile.mkdtemp(prefix="vankien-eval-"))
        self.lib = Library.open(self._home / "index", retrieval=self.config.retrieval, encoder=self.encoder)
        t0 = time.perf_counter()
        # One batched pass over every passage first (progress, full batches); the Library's own
        # per-document encode_passages calls then hit the cache. Same text as Library._put embeds.
        recipe = getattr(self.lib.retrieval, "embed_recipe", "passage")
        self.encoder.encode_passages([t for d in docs for t in document_texts(d, recipe)])
        self.timings["embed_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = self.lib.add_documents(docs)
        self.timings["index_s"] = time.perf_counter() - t0
        skipped = [o for o in report.outcomes if o.status not in ("added", "updated")]
        if skipped:
            self.log(f"  cảnh báo: {len(skipped)} văn bản không được thêm vào chỉ mục")
        self._doc_cache: dict[int, str] = {}

    def close(self) -> None:
        if self.lib is not None:
            self.lib.close()
            self.lib = None
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    # passage rankings, best first
    def keyword_pids(self, query: str, depth: int) -> list[int]:
        return [h.pid for h in self.lib.keyword_search(query, depth)]

    def dense_pids(self, query: str, depth: int) -> list[int]:
        return [h.pid for h in self.lib.dense_search(query, depth)]

    def docs_of_pids(self, pids: Sequence[int], k: int) -> list[str]:
        missing = [p for p in pids if p not in self._doc_cache]
        if missing:
            self._doc_cache.update(self.lib.doc_of(missing))
        return _first_docs((self._doc_cache[p] for p in pids), k)

    def hybrid_docs(self, query: str, depth: int, k: int) -> list[str]:
        # a hit names the other documents holding its passage word for word ("cũng có trong …",
        # index/twins.py): they are on the same card, so they count right after it
        return _first_docs((d for h in self.lib.search(query, k=depth) for d in (h.doc_id, *h.also_in)), k)


def _first_docs(doc_ids, k: int) -> list[str]:
    out: list[str] = []
    for d in doc_ids:
        if d not in out:
            out.append(d)
            if len(out) == k:
                break
    return out


class AppSystem:
    def __init__(self, app: AppIndex, key: str):
        self.app, self.key, self.name = app, key, NAMES[key]

    def index(self, corpus: Sequence[Document]) -> None:
        if self.app.lib is None:
            self.app.build(corpus)

    def search(self, query: str, k: int) -> list[str]:
        depth = max(self.app.config.depth, k)
        if self.key == "keyword":
            return self.app.docs_of_pids(self.app.keyword_pids(query, depth), k)
        if self.key == "dense":
            return self.app.docs_of_pids(self.app.dense_pids(query, depth), k)
        return self.app.hybrid_docs(query, depth, k)


def app_systems(encoder, config: AppConfig | None = None, keys: Sequence[str] = APP_KEYS,
                log: Callable[[str], None] | None = None, parse_cache: Path | None = None) -> list[AppSystem]:
    app = AppIndex(encoder, config, log, parse_cache)
    return [AppSystem(app, key) for key in keys]
