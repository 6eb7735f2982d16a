"""Any sentence-transformers model (local folder or hub name) with per-model settings.

This is the one module that imports torch / sentence-transformers, and only on first encode.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from models.cpu import BulkThread
from models.settings import EncoderSettings

INSTALL_HINT = (
    "backend sentence-transformers cần torch và sentence-transformers; cài bằng: "
    "pip install torch==2.13.0 sentence-transformers"
)


class SentenceTransformerEncoder:
    def __init__(self, settings: EncoderSettings):
        if settings.backend != "sentence-transformers":
            raise ValueError(f"cần backend sentence-transformers, nhận {settings.backend!r}")
        self.settings = settings
        self.name = settings.name
        self._model = None
        self._dim: int | None = None
        self._lock = threading.Lock()
        self._bulk = BulkThread()  # passage batches at low priority (models/cpu.py)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        return self._dim

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ImportError(INSTALL_HINT) from exc
                model = SentenceTransformer(self.settings.model, device=self.settings.device)
                if self.settings.max_seq_length:
                    model.max_seq_length = self.settings.max_seq_length
                dim_fn = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
                self._dim = int(dim_fn())
                self._model = model
        return self._model

    def _prepare(self, texts: Sequence[str], prefix: str) -> list[str]:
        if self.settings.word_segment:
            from underthesea import word_tokenize

            texts = [word_tokenize(t, format="text") for t in texts]
        return [prefix + t for t in texts]

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        vecs = model.encode(texts, batch_size=self.settings.batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)
        return np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._bulk.run(lambda: self._encode(self._prepare(texts, self.settings.passage_prefix)))

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode(self._prepare([text], self.settings.query_prefix))[0]
