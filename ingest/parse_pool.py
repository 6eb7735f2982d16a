"""Parsing in several isolated workers at once (issue 14 item 3): parsing beside embedding.

    parser = parse_pool(2)          # path -> ParsedDocument; .workers == 2
    doc = parser(path)              # any free worker; threads call it at once

Each worker is an ingest.isolated.ParseWorker (its own process, memory and time limits, a fresh
one after a file that hit a limit). The pool hands a call the first idle worker, so N threads
parse N files at once (Library.ingest keeps `workers` files parsing ahead of the one it embeds).
Workers run at nice +10, like the bulk encoder: a search in the server comes first.

VANKIEN_PARSE_WORKERS sets the default number (1: one worker, the file after the current one
parsed beside its embedding); scripts/bench_parse_pool.py measures the speed-up.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
from pathlib import Path

from ingest.isolated import ParseWorker, isolated_parser
from ingest.limits import Limits
from ingest.ocr import PageProgress
from ingest.records import ParsedDocument

NICE = 10


def workers_from_env() -> int:
    try:
        return max(1, int(os.environ.get("VANKIEN_PARSE_WORKERS", "1")))
    except ValueError:
        return 1


class ParsePool:
    def __init__(self, workers: int, limits: Limits | None = None):
        if workers < 1:
            raise ValueError(f"số tiến trình đọc tệp phải ≥ 1, nhận {workers}")
        self.workers, self.limits = workers, limits or Limits.from_env()
        self._idle: queue.SimpleQueue[ParseWorker] = queue.SimpleQueue()
        for _ in range(workers):
            self._idle.put(ParseWorker(self.limits))
        self._niced: set[int] = set()
        self._lock = threading.Lock()
        self._starting = threading.Lock()  # ParseWorker._start sets and restores os.environ: one at a time

    def parse(self, path: Path, progress: PageProgress | None = None) -> ParsedDocument:
        worker = self._idle.get()
        try:
            with self._starting:
                worker.start()
            self._lower_priority(worker.pid)
            return worker.parse(path, progress)
        finally:
            self._idle.put(worker)

    __call__ = parse

    def _lower_priority(self, pid: int | None) -> None:
        with self._lock:
            if pid is None or pid in self._niced:
                return
            self._niced.add(pid)
        try:
            os.setpriority(os.PRIO_PROCESS, pid, max(NICE, os.getpriority(os.PRIO_PROCESS, pid)))
        except OSError:  # gone already, or not ours to change: it still parses
            pass

    def pids(self) -> set[int]:
        """The live worker processes that have parsed (for tests and the benchmark)."""
        with self._lock:
            return {p for p in self._niced if os.path.exists(f"/proc/{p}")}

    def close(self) -> None:
        for _ in range(self.workers):
            self._idle.get().close()


_pools: dict[tuple[int, Limits], ParsePool] = {}
_pools_lock = threading.Lock()


def parse_pool(workers: int | None = None, limits: Limits | None = None):
    """The process-wide parser for `workers` workers (default VANKIEN_PARSE_WORKERS): with one, the
    shared isolated worker (ingest/isolated.py) as before."""
    workers = workers or workers_from_env()
    limits = limits or Limits.from_env()
    if workers == 1 or mp.current_process().daemon:  # a daemon (a Dask worker) starts no children
        return isolated_parser(limits)
    with _pools_lock:
        if (workers, limits) not in _pools:
            _pools[(workers, limits)] = ParsePool(workers, limits)
        return _pools[(workers, limits)]
