"""Keyword top 100 by MaxScore (index/keyword_topk.py) against scoring every posting, on a
benchmark index (scripts/bench_scale.py), for the benchmark's 200 queries: p50/p95 of each and how
many queries differ (0 expected). Read-only.

    VANKIEN_BENCH_CACHE=... .venv/bin/python scripts/bench_keyword_topk.py CACHE/scale-300000
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale_inputs import CACHE  # noqa: E402


def main(home: Path, k: int = 100) -> None:
    from index.keyword import KeywordIndex
    from index.keyword_topk import best_k
    from vntext.normalize import normalize_query

    kw = KeywordIndex.load(home / (home / "CURRENT").read_text().strip())
    queries = [normalize_query(q) for q in json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))]

    def full(q):
        s = kw.scores(q)
        rows = np.flatnonzero(s > 0)
        return [(int(kw.pids[rows[i]]), float(s[rows[i]])) for i in best_k(rows, s[rows], kw.pids, k)]

    t_full, t_pruned, differ = [], [], 0
    for q in queries:  # alternated, so load on the machine weighs on both alike
        t = time.perf_counter()
        want = full(q)
        t_full.append(time.perf_counter() - t)
        t = time.perf_counter()
        got = [(h.pid, h.score) for h in kw.search(q, k)]
        t_pruned.append(time.perf_counter() - t)
        differ += got != want

    def p(v):
        return [round(float(np.percentile(v, x)) * 1000, 1) for x in (50, 95)]

    print(json.dumps({"passages": len(kw), "segments": kw.segments, "queries": len(queries), "k": k,
                      "full_ms_p50_p95": p(t_full), "maxscore_ms_p50_p95": p(t_pruned), "queries_differing": differ}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
