"""What the twin rule (index/twins.py) costs a search: the same Library, the same queries, the rule
off and on in turns (k 30 = one page of the search tab; k 100 = the eval's depth).

    python scripts/bench_twins.py ../shared/eval/alqac
"""
from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from vankien.evaluation.app_systems import AppIndex
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder


def main(folder: str) -> None:
    ds = load_beir(Path(folder))
    app = AppIndex(EvalEncoder())
    app.build(ds.corpus)
    lib = app.lib
    queries = [q.text for q in ds.queries[:200]]
    for q in queries:  # warm: query vectors, SQLite pages
        lib.search(q, k=30)
    try:
        for k in (30, 100):
            times: dict[bool, list[float]] = {False: [], True: []}
            for q in queries:
                for on in (False, True):
                    lib.retrieval = replace(lib.retrieval, twins=on)
                    t0 = time.perf_counter()
                    lib.search(q, k=k)
                    times[on].append((time.perf_counter() - t0) * 1000)
            print(f"k {k}: median ms without the rule {statistics.median(times[False]):.2f}, "
                  f"with {statistics.median(times[True]):.2f} ({len(queries)} queries)", flush=True)
    finally:
        app.close()


if __name__ == "__main__":
    main(sys.argv[1])
