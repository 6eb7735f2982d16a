"""The HNSW graphs of large dense segments (index/dense.py): how one is made, how an older one is
given cheaper storage, and how its pages are brought in.

Why fp16 storage (issue 14, fifth pass): at 10^6 vectors an HNSW search (efSearch 603) reads ~10^4
vectors scattered over 1.5 GB; half-precision codes halve those reads. Same graph, same 200 real
queries, alternated in one process: flat 8.97 / 11.67 ms p50 / p95, fp16 7.14 / 10.31 ms, recall@10
0.959 both; 8-bit codes (QT_8bit) 8.16 / 10.72 ms (decoding costs what the smaller reads save).
Hybrid search at 10^6 (`scripts/bench_scale.py child measure`, alternated, idle, docs/quality.md "Fifth
pass"): p95 27.3-31.0 ms before, 23.2-29.9 fp16; serving memory 2,733 -> 2,000 MiB. The
float vectors stay in vectors.npy (exact scans, merges, twins); the graph no longer touches them.
"""
from __future__ import annotations

import faiss
import numpy as np

from index.settings import DenseSettings


def new_hnsw(d: int, n: int, settings: DenseSettings):
    """An empty HNSW over ids, with the settings' graph degree, storage and efSearch for n vectors."""
    if settings.hnsw_storage == "fp16":
        inner = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_fp16, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    else:
        inner = faiss.IndexHNSWFlat(d, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efSearch = settings.ef_search(n)
    return faiss.IndexIDMap2(inner)


def is_flat_hnsw(ann) -> bool:
    inner = _inner(ann)
    return hasattr(inner, "hnsw") and isinstance(faiss.downcast_index(inner.storage), faiss.IndexFlat)


def flat_to_fp16(ann):
    """The same graph and ids over fp16 codes of the same vectors: no graph is built again (at 10^6
    12.4 s, against ~10 min for a new graph). `ann` is an IndexIDMap2 over an IndexHNSWFlat."""
    inner = _inner(ann)
    flat = faiss.downcast_index(inner.storage)
    d, n = flat.d, flat.ntotal
    graph = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_fp16, inner.hnsw.nb_neighbors(1), flat.metric_type)
    codes = faiss.downcast_index(graph.storage)
    xb = faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(-1, d) if n else np.zeros((0, d), np.float32)
    for a in range(0, n, 100_000):  # the codes alone: the graph is not touched
        codes.add(np.ascontiguousarray(xb[a:a + 100_000]))
    graph.hnsw = inner.hnsw  # a copy of the graph: levels, offsets, neighbours, entry point
    out = faiss.IndexIDMap2(graph)  # wrapped while empty, as faiss requires
    graph.ntotal = n
    faiss.copy_array_to_vector(faiss.vector_to_array(ann.id_map), out.id_map)
    out.ntotal = n
    out.construct_rev_map()
    return out


def prefault(ann) -> None:
    """Touch one value per 4 KiB page of a memory-mapped HNSW's vectors or codes: the page faults
    happen here at once (0.3 s at 10^6) instead of inside the first few hundred searches (untouched,
    their p50 doubled at 10^6). IVF lists are read whole, nothing to touch."""
    inner = _inner(ann)
    storage = faiss.downcast_index(inner.storage) if getattr(inner, "storage", None) is not None else None
    if storage is None or not storage.ntotal:
        return
    if hasattr(storage, "get_xb"):
        float(faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * storage.d)[::1024].sum())
    elif hasattr(storage, "codes"):
        int(faiss.rev_swig_ptr(storage.codes.data(), storage.ntotal * storage.code_size)[::4096].sum())


def _inner(ann):
    return faiss.downcast_index(ann.index) if isinstance(ann, faiss.IndexIDMap) else ann
