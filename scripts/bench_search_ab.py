"""This checkout's search path against another's (issue 14), in ONE process, query by query: on a
shared machine, runs minutes apart differ more than the change being measured.

    git archive <commit> | tar -x -C /tmp/base
    VANKIEN_BENCH_CACHE=... .venv/bin/python scripts/bench_search_ab.py /tmp/base CACHE/scale-300000 [passes]

The other checkout's search modules (index/generations, fusion, twins, dense, hybrid, library) are
loaded under other names beside this one's; both Libraries share the open store and the keyword
index, each reads its own FAISS graphs (memory: the dense side twice) and keeps its own
per-generation caches. Every query runs on both, alternately first (the second to read a passage finds its page
in the OS cache). Prints p50/p95 of the whole search, of its non-keyword part (total minus the
keyword scoring) and of the rest (minus the wait for the dense side as well; "rest_cpu": the
search's thread's CPU time less the keyword scoring's, which a busy machine does not inflate), the
first pass (queries new to the process) apart from the later ones, and how
many queries gave different hits (document, ordinal, score to 1e-9, other copies): 0 is expected.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import QueryTable  # noqa: E402
from bench_scale_inputs import CACHE  # noqa: E402

SWAPPED = ("generations", "fusion", "twins", "store", "dense", "hybrid", "library")


def other_library(base: Path):
    """The Library class of the checkout in `base`, its modules loaded beside this checkout's."""
    kept = {name: sys.modules[f"index.{name}"] for name in SWAPPED if f"index.{name}" in sys.modules}
    loaded = {}
    try:
        for name in SWAPPED:  # each sees the other checkout's modules loaded before it
            spec = importlib.util.spec_from_file_location(f"base_index_{name}", base / "index" / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[f"index.{name}"] = sys.modules[spec.name] = module  # dataclasses look it up
            spec.loader.exec_module(module)
            loaded[name] = module
    finally:
        for name in SWAPPED:
            sys.modules.pop(f"index.{name}", None)
        sys.modules.update({f"index.{name}": m for name, m in kept.items()})
    return loaded


def twin_of(lib, modules):
    """A Library of the other checkout over `lib`'s open store and indexes, with its own caches."""
    import threading

    other = object.__new__(modules["library"].Library)
    other.__dict__.update({k: v for k, v in lib.__dict__.items() if k != "_watch"})
    other._lock, other._twins, other._citable, other._listing = threading.RLock(), {}, {}, None
    if hasattr(modules["generations"], "PointerWatch"):
        other._watch = modules["generations"].PointerWatch(lib.home)
    dense = object.__new__(modules["dense"].DenseIndex)
    dense.__dict__.update(lib._dense.__dict__)
    # its own segment objects: it reads (or maps) the FAISS graphs its own way
    dense._segments = [modules["dense"]._Segment(s.name, s.ids, s.vectors, s.dead.copy(), source=s.source)
                       for s in lib._dense._segments]
    other._dense = dense
    return other


def same(a, b) -> bool:
    key = lambda hits: [(h.doc_id, h.ordinal, round(h.score, 9), h.also_in) for h in hits]  # noqa: E731
    return key(a) == key(b)


def main() -> None:
    base, home = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    from index.library import Library  # this checkout's modules first: the shared ones bind to them

    modules = other_library(base)

    queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
    lib = Library.open(home, encoder=QueryTable(queries, np.load(CACHE / "scale-queries.npy")))
    libs = {"base": twin_of(lib, modules), "new": lib}
    keyword_ms: list[float] = []
    search = lib._keyword.search

    keyword_cpu: list[float] = []

    def timed_keyword(*args, **kwargs):
        t, c = time.perf_counter(), time.thread_time()
        try:
            return search(*args, **kwargs)
        finally:
            keyword_ms.append((time.perf_counter() - t) * 1000)
            keyword_cpu.append((time.thread_time() - c) * 1000)

    lib._keyword.search = timed_keyword
    wait_ms: list[float] = []

    class Timed:  # the pool for the side run beside (since issue 14 pass 4 the keyword side): waits timed
        def __init__(self, pool):
            self.pool = pool

        def submit(self, fn, *args):
            future = self.pool.submit(fn, *args)
            result = future.result

            def waited(*a, **kw):
                t = time.perf_counter()
                try:
                    return result(*a, **kw)
                finally:
                    wait_ms.append((time.perf_counter() - t) * 1000)
            future.result = waited
            return future

    for hybrid in (modules["hybrid"], sys.modules["index.hybrid"]):
        hybrid._BESIDE = Timed(hybrid._BESIDE)
    times = {name: {"total": [], "non_keyword": [], "rest": [], "rest_cpu": []} for name in libs}
    differ = 0
    for name in libs:  # the HNSW graph read, the pools started: not what is compared
        libs[name].search(queries[0], 10)
    for p in range(passes):
        for i, q in enumerate(queries):
            got = {}
            for name in (("base", "new") if (i + p) % 2 else ("new", "base")):
                keyword_ms.clear()
                keyword_cpu.clear()
                wait_ms.clear()
                t, c = time.perf_counter(), time.thread_time()
                got[name] = libs[name].search(q, 10)
                ms = (time.perf_counter() - t) * 1000
                times[name]["rest_cpu"].append((time.thread_time() - c) * 1000 - sum(keyword_cpu))
                times[name]["total"].append(ms)
                times[name]["non_keyword"].append(ms - sum(keyword_ms))
                times[name]["rest"].append(ms - sum(keyword_ms) - sum(wait_ms))
            differ += not same(got["base"], got["new"])
    n = len(queries)
    out: dict = {"queries": n, "passes": passes, "queries_with_different_hits": differ}
    for name, series in times.items():
        for part, v in series.items():
            out[f"{name}_{part}_first"] = _p(v[:n])
            if passes > 1:
                out[f"{name}_{part}_later"] = _p(v[n:])
    print(json.dumps(out))


def _p(v) -> tuple[float, float]:
    return round(float(np.percentile(v, 50)), 2), round(float(np.percentile(v, 95)), 2)


if __name__ == "__main__":
    main()
