"""A first-come, first-served limit on how many calls run at once.

Fifty readers searching at once arrive on Gradio's thread pool as fifty threads. A search is mostly
Python (the GIL), so fifty of them run interleaved and each one ends only when nearly all have:
the slowest reader waits for the whole crowd. Letting a few run at a time, in arrival order, ends
each search as soon as its turn is done, which is what the 95th percentile sees.
"""
from __future__ import annotations

import itertools
import threading
from contextlib import contextmanager
from typing import Iterator


class FairGate:
    """At most `width` holders at a time; waiting threads get in strictly in the order they came
    (threading.Semaphore and Lock promise no order)."""

    def __init__(self, width: int = 2):
        if width < 1:
            raise ValueError("width must be at least 1")
        self.width = width
        self._tickets = itertools.count()
        self._serving = width  # tickets below this number may enter
        self._done = threading.Condition()

    @contextmanager
    def enter(self) -> Iterator[None]:
        with self._done:
            ticket = next(self._tickets)
            self._done.wait_for(lambda: ticket < self._serving)
        try:
            yield
        finally:
            with self._done:
                self._serving += 1
                self._done.notify_all()
