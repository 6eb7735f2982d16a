"""Keyword top 100 as KeywordIndex.search gives it (the compiled loops of index/keyword_ranges.py,
loaded before timing; "search") and by the numpy MaxScore (index/keyword_topk.py; "numpy_maxscore")
against scoring every posting, on a benchmark index (scripts/bench_scale.py), for the benchmark's
200 queries, alternated query by query: p50/p95 (wall and CPU time of this thread: the machine is
shared, CPU time is less hurt by the others' load) and how many queries differ from scoring every
posting (0 expected). Read-only.

    VANKIEN_BENCH_CACHE=... .venv/bin/python scripts/bench_keyword_topk.py CACHE/scale3-1000000
    ... bench_keyword_topk.py CACHE/scale3-1000000 --against 2df7592 --rounds 2

--against COMMIT: that commit's index/keyword_topk.py beside this tree's, alternated query by
query in one process on the same index (needs the git history).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale_inputs import CACHE  # noqa: E402


def _older(commit: str):
    """index/keyword_topk.py as it was at `commit`, as a module."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keyword_topk_then.py"
        path.write_text(subprocess.run(["git", "show", f"{commit}:index/keyword_topk.py"], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("keyword_topk_then", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("home", type=Path)
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--against", help="a commit whose keyword_topk.py runs beside this tree's")
    args = ap.parse_args()
    from index import keyword_ranges, keyword_topk
    from index.keyword import KeywordIndex
    from index.keyword_rows import best_k
    from vntext.normalize import normalize_query

    home, k = args.home, args.k
    kw = KeywordIndex.load(home / (home / "CURRENT").read_text().strip())
    queries = [normalize_query(q) for q in json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))]

    def listed(rows, scores):
        return [(int(kw.pids[rows[i]]), float(scores[i])) for i in best_k(rows, scores, kw.pids, k)]

    def full(q):
        s = kw.scores(q)
        rows = np.flatnonzero(s > 0)
        return listed(rows, s[rows])

    t0 = time.perf_counter()
    compiled = keyword_ranges.kernels(wait=True) is not None
    loaded_s = round(time.perf_counter() - t0, 2)

    def numpy_maxscore(q):
        terms = kw._query_terms(q)
        if terms is None:
            return []
        return listed(*keyword_topk.top_rows(kw._segments, kw._offsets, kw._dead_mask, kw._norm, terms, k,
                                             kw._bounds, kw._avgdl))
    modes = {"search": lambda q: [(h.pid, h.score) for h in kw.search(q, k)], "numpy_maxscore": numpy_maxscore}
    if args.against:
        then = _older(args.against)
        bounds = then.Bounds()

        def older(q):
            terms = kw._query_terms(q)
            if terms is None:
                return []
            return listed(*then.top_rows(kw._segments, kw._offsets, kw._dead_mask, kw._norm, terms, k, bounds,
                                         kw._avgdl))
        modes[f"at {args.against}"] = older
    for q in queries:  # first use: blocks and bounds computed and cached, pages mapped
        for run in modes.values():
            run(q)
    wall: dict[str, list[float]] = {m: [] for m in ["full", *modes]}
    cpu: dict[str, list[float]] = {m: [] for m in wall}
    differ = dict.fromkeys(modes, 0)
    for r in range(args.rounds):
        for i, q in enumerate(queries):  # alternated, so load on the machine weighs on all alike
            names = list(modes) if (i + r) % 2 else list(modes)[::-1]
            if r == 0:
                t, c = time.perf_counter(), time.thread_time()
                want = full(q)
                wall["full"].append(time.perf_counter() - t)
                cpu["full"].append(time.thread_time() - c)
            for name in names:
                t, c = time.perf_counter(), time.thread_time()
                got = modes[name](q)
                wall[name].append(time.perf_counter() - t)
                cpu[name].append(time.thread_time() - c)
                if r == 0:
                    differ[name] += got != want

    def p(v):
        return [round(float(np.percentile(v, x)) * 1000, 1) for x in (50, 95)]

    print(json.dumps({"passages": len(kw), "segments": kw.segments, "queries": len(queries), "k": k,
                      "rounds": args.rounds, "search_compiled": compiled, "compiled_loaded_s": loaded_s,
                      "compiled_error": keyword_ranges.load_error(),
                      "wall_ms_p50_p95": {m: p(v) for m, v in wall.items()},
                      "cpu_ms_p50_p95": {m: p(v) for m, v in cpu.items()},
                      "queries_differing_from_full": differ}, ensure_ascii=False))


if __name__ == "__main__":
    main()
