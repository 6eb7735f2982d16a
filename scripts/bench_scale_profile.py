"""Where a hybrid search's time goes (issue 14): open a benchmark index (scripts/bench_scale.py)
with the precomputed query vectors and time each part of Library.search for the benchmark's
queries: keyword top 100, dense top 100 (per segment), fusion, store reads (rows and headers),
named-document look-up. Read-only.

    VANKIEN_BENCH_CACHE=... .venv/bin/python scripts/bench_scale_profile.py CACHE/scale-300000
    ... bench_scale_profile.py CACHE/scale-300000 --overlap   # dense side beside / before keyword

--overlap: the whole search with the worker thread's side (the keyword scoring) beside the caller's
(the dense side), as index/hybrid.py does, and with it run before, alternated query by query,
p50/p95 of each.
--rest [passes]: the whole search timed part by part (each part wrapped with a timer, ~1 us each),
`passes` times over the queries: keyword scoring ("keyword"; "keyword_thread" is the same work timed
in the worker thread, "keyword_wait" the caller's wait for it after its own dense side), and every
step around them; "non_keyword" = total - keyword (what the search costs beyond the keyword
scoring), "rest" = non_keyword - the wait for the keyword side, "other" = what no timer covers
(mostly the dense search in the caller's thread). "first" is the first pass
(each query new to this process, as the benchmark's measure child and a user see it), "later"
the passes after (what the Library keeps per generation is warm).
(Before the fourth pass of issue 14 the worker ran the dense side, and these two were called
"dense_thread" / "dense_wait".)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import QueryTable  # noqa: E402
from bench_scale_inputs import CACHE  # noqa: E402


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - t) * 1000


def _timer(fn, into: list[float]):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            into.append((time.perf_counter() - t) * 1000)
    return wrapper


def run(home: Path) -> dict:
    import index.hybrid as hybrid
    from index import keyword_ranges

    keyword_ranges.kernels(wait=True)  # the compiled keyword loops, as a server has them after its first seconds
    import index.library as library
    from index.library import Library
    from vntext.normalize import normalize_query

    queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
    qvecs = np.load(CACHE / "scale-queries.npy")
    lib = Library.open(home, encoder=QueryTable(queries, qvecs))
    lib.search(queries[0], 10)
    parts: dict[str, list[float]] = {k: [] for k in ("total", "keyword", "dense", "fusion_and_rest", "store_rows",
                                                     "named_docs", "fusion", "doc_of")}
    wrapped = {"named_docs": (library, "named_docs"), "fusion": (hybrid, "zscore_fusion"),
               "doc_of": (lib, "doc_of")}
    for key, (owner, name) in wrapped.items():
        setattr(owner, name, _timer(getattr(owner, name), parts[key]))
    seg_times: dict[int, list[float]] = {}
    for q in queries:
        _, total = timed(lib.search, q, 10)
        for key in wrapped:  # one call each per search; a query with none counts 0
            if len(parts[key]) < len(parts["total"]) + 1:
                parts[key].append(0.0)
        nq = normalize_query(q)
        kw, t_kw = timed(lib._keyword.search, nq, 100, None)
        v = lib.encoder.encode_query(nq)
        dn, t_dn = timed(lib._dense.search, v, 100, None)
        for i, seg in enumerate(lib._dense._segments):
            if lib._dense._approximate(seg):
                _, t = timed(lib._dense._ann_search, seg, v, 100)
            else:
                t0 = time.perf_counter()
                s = np.asarray(seg.vectors) @ v
                t = (time.perf_counter() - t0) * 1000
            seg_times.setdefault(i, []).append(t)
        pids = [h.pid for h in kw[:10]]
        _, t_rows = timed(lib._hits, pids, {p: 0.0 for p in pids})
        parts["total"].append(total)
        parts["keyword"].append(t_kw)
        parts["dense"].append(t_dn)
        parts["store_rows"].append(t_rows)
        parts["fusion_and_rest"].append(total - t_kw - t_dn - t_rows - parts["named_docs"][-1]
                                        - parts["fusion"][-1] - parts["doc_of"][-1])
    out = {k: (round(float(np.percentile(v, 50)), 1), round(float(np.percentile(v, 95)), 1))
           for k, v in parts.items()}
    out["dense_per_segment"] = {f"{i} ({len(lib._dense._segments[i])} vectors)":
                                (round(float(np.percentile(v, 50)), 1), round(float(np.percentile(v, 95)), 1))
                                for i, v in seg_times.items()}
    slow = np.argsort(parts["total"])[-10:]
    out["slowest_10"] = [{"q": queries[i], "total": round(parts["total"][i], 1), "keyword": round(parts["keyword"][i], 1),
                          "dense": round(parts["dense"][i], 1)} for i in slow]
    return out


def overlap(home: Path) -> dict:
    from concurrent.futures import Future

    import index.hybrid as hybrid
    from index.library import Library

    class Before:  # the dense side run in the caller's thread, before the keyword side
        def submit(self, fn, *args):
            done = Future()
            done.set_result(fn(*args))
            return done

    queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
    lib = Library.open(home, encoder=QueryTable(queries, np.load(CACHE / "scale-queries.npy")))
    for q in queries:
        lib.search(q, 10)
    pool, out = hybrid._BESIDE, {"beside": [], "before": []}
    for i, q in enumerate(queries):
        for mode in (("beside", "before") if i % 2 else ("before", "beside")):
            hybrid._BESIDE = pool if mode == "beside" else Before()
            _, ms = timed(lib.search, q, 10)
            out[mode].append(ms)
    hybrid._BESIDE = pool
    return {m: (round(float(np.percentile(v, 50)), 1), round(float(np.percentile(v, 95)), 1)) for m, v in out.items()}


def rest(home: Path, passes: int = 2) -> dict:
    import index.hybrid as hybrid
    import index.library as library
    from index.library import Library

    queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    lib = Library.open(home, encoder=QueryTable(queries, np.load(CACHE / "scale-queries.npy")))
    opened = (time.perf_counter() - t0) * 1000
    lib.search(queries[0], 10)
    parts: dict[str, list[float]] = {"keyword_thread": [], "keyword_wait": []}

    def wrap(owner, name, key):
        into = parts.setdefault(key, [])
        setattr(owner, name, _timer(getattr(owner, name), into))

    class Timed:  # the worker pool (the keyword side): time the work in its thread and the caller's wait
        def __init__(self, pool):
            self.pool = pool

        def submit(self, fn, *args):
            future = self.pool.submit(_timer(fn, parts.setdefault("keyword_thread", [])), *args)
            result = future.result
            future.result = _timer(result, parts.setdefault("keyword_wait", []))
            return future

    wrap(lib, "refresh", "refresh")
    wrap(library, "allowed_docs_of", "filters")
    wrap(library, "named_docs", "named_docs")
    wrap(lib._keyword, "search", "keyword")
    wrap(hybrid, "zscore_fusion", "fusion")
    wrap(hybrid, "rrf", "fusion")
    wrap(lib, "doc_of", "doc_of")
    wrap(lib, "_collapse_twins", "twins")
    wrap(library, "cap_per_group", "cap")
    wrap(lib, "_hits", "hits")
    pool = hybrid._BESIDE
    hybrid._BESIDE = Timed(pool)
    totals: list[float] = []
    try:
        for _ in range(passes):
            for q in queries:
                n = {key: len(v) for key, v in parts.items()}
                _, ms = timed(lib.search, q, 10)
                totals.append(ms)
                for key, v in parts.items():  # one entry per search: a part called twice is summed
                    v[n[key]:] = [sum(v[n[key]:])]
    finally:
        hybrid._BESIDE = pool
    out: dict = {"open_ms": round(opened)}
    for name, part in (("first", slice(0, len(queries))), ("later", slice(len(queries), None))):
        total = np.asarray(totals[part])
        if not len(total):
            continue
        series = {key: np.asarray(v[part]) for key, v in parts.items()}
        series["non_keyword"] = total - series["keyword"]
        series["rest"] = series["non_keyword"] - series["keyword_wait"]
        series["other"] = total - sum(series[k] for k in parts if k != "keyword_thread")
        out[name] = {"searches": len(total), "total": _p(total), **{key: _p(v) for key, v in series.items()}}
    return out


def _p(v) -> tuple[float, float]:
    return round(float(np.percentile(v, 50)), 2), round(float(np.percentile(v, 95)), 2)


if __name__ == "__main__":
    if "--rest" in sys.argv:
        at = sys.argv.index("--rest")
        more = sys.argv[at + 1:at + 2]
        print(json.dumps(rest(Path(sys.argv[1]), int(more[0]) if more and more[0].isdigit() else 2)))
    elif "--overlap" in sys.argv:
        print(json.dumps(overlap(Path(sys.argv[1]))))
    else:
        print(json.dumps(run(Path(sys.argv[1])), ensure_ascii=False, indent=1))
