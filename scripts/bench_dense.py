"""The dense index choice for scripts/bench_search.py: recall@10 against exact search, and latency,
of the exact and IVF indexes (and the automatic choice) on the benchmark's vectors."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from bench_inputs import pct
from index.dense import DenseIndex
from index.settings import DenseSettings


def dense_choices(ids: np.ndarray, vecs: np.ndarray, q_vecs: np.ndarray, settings: DenseSettings, depth: int,
                  timed: Callable) -> tuple[dict, float]:
    """({label: recall10, p50, p95, build_s}, recall@10 of the automatic choice)."""
    exact = [set(ids[np.argsort(-(vecs @ v))[:10]].tolist()) for v in q_vecs]
    auto = DenseIndex(vecs.shape[1], settings)  # what the Library builds at this size
    auto.index(ids, vecs)
    auto_recall = float(np.mean([len({h.pid for h in auto.search(v, 10)} & e) / 10 for v, e in zip(q_vecs, exact)]))
    del auto
    built = {}
    for kind in ("ivf", "flat"):
        d = DenseIndex(vecs.shape[1], DenseSettings(kind=kind))
        d.index(ids, vecs)
        tb = time.perf_counter()
        d.search(q_vecs[0], 1)  # trains and fills the FAISS index, timed apart from the searches
        built[kind] = (d, time.perf_counter() - tb)
    (ivf, ivf_build), (flat, flat_build) = built["ivf"], built["flat"]
    choices = {}
    # HNSW is left out here: scripts/bench_ann.py measured its recall on these vectors (0.21 at
    # faiss defaults on 100k perturbed copies) and building it takes minutes on 2 busy cores
    for label, d, build_s, nprobe in [("flat (exact)", flat, flat_build, None)] + [
            (f"ivf nlist={getattr(ivf._segments[0].ann, 'nlist', 0)} nprobe={p}", ivf, ivf_build, p)
            for p in (32, 64, 128, 256)]:
        ann = d._segments[0].ann  # one segment: the whole index
        if nprobe and hasattr(ann, "nprobe"):
            ann.nprobe = nprobe
        got = [{h.pid for h in d.search(v, 10)} for v in q_vecs]
        lat = timed(lambda v: d.search(v, depth), q_vecs)
        choices[label] = {"recall10": float(np.mean([len(g & e) / 10 for g, e in zip(got, exact)])),
                          "p50": pct(lat, 50), "p95": pct(lat, 95), "build_s": build_s}
    return choices, auto_recall
