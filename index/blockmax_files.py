"""Block maxima written beside a large keyword segment (issue 14), so a fresh process has them.

Why: index/blockmax.py computes a frequent term's block maxima the first time a query needs it.
A server that has just started, or the benchmark's single pass over distinct queries, pays that
for most of its first queries: ~30 % of the first pass at 10^6 passages (py-spy), and the p95 of
hybrid search stayed ~42-46 ms while warm searches had halved. So KeywordIndex.save writes them,
once per segment of LARGE passages or more, for every term with EXACT_BOUND_MIN postings or more,
at the segment's own average passage length (TermBlocks.scale keeps them upper bounds when the
index's average grows; a smaller average only loosens them). Later generations hard-link the files
with the segment. A segment without them (small, or written before) is computed lazily as before.

Files in the segment folder: bm_terms (sorted term hashes), bm_top, bm_shift, bm_mstart / bm_pstart
(each term's start in bm_maxima / bm_ptr, one past the end last), bm_maxima, bm_ptr, bm_at.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

import index.blockmax as blockmax
from index.blockmax import SAVED_FILES as FILES, term_blocks
from index.postings import Segment

LARGE = 50_000  # passages: below, the few frequent terms are cheap to compute on first use


def save(seg: Segment, target: Path, k1: float, b: float) -> None:
    """Into target/ (the segment's folder): linked from where the segment was loaded, else computed."""
    if len(seg) < LARGE or all((target / f"{f}.npy").exists() for f in FILES):
        return
    if seg.source is not None and all((seg.source / f"{f}.npy").exists() for f in FILES):
        for f in FILES:
            if not (target / f"{f}.npy").exists():
                _link(seg.source / f"{f}.npy", target / f"{f}.npy")
        return
    arrays = compute(seg, k1, b)
    for f in FILES:  # bm_terms last: a reader takes the files as present once it exists
        if f != "bm_terms":
            np.save(target / f"{f}.npy", arrays[f])
    np.save(target / "bm_terms.npy", arrays["bm_terms"])


def compute(seg: Segment, k1: float, b: float) -> dict[str, np.ndarray]:
    n = len(seg)
    dl = np.asarray(seg.dl, dtype=np.float64)
    avgdl = float(dl.mean()) if n else 1.0
    norm = (k1 * (1 - b + b * dl / (avgdl or 1.0))).astype(np.float32)  # as KeywordIndex._ready
    indptr = np.asarray(seg.indptr)
    big = np.flatnonzero(np.diff(indptr) >= blockmax.EXACT_BOUND_MIN)
    rows, tf = np.asarray(seg.rows), np.asarray(seg.tf)
    blocks = [term_blocks(rows[indptr[i]:indptr[i + 1]], tf[indptr[i]:indptr[i + 1]], norm, n, avgdl) for i in big]
    return {
        "bm_terms": np.asarray(seg.terms)[big].astype(np.uint64),
        "bm_top": np.asarray([t.top for t in blocks], dtype=np.float64),
        "bm_shift": np.asarray([t.shift for t in blocks], dtype=np.int64),
        "bm_mstart": np.concatenate([[0], np.cumsum([len(t.maxima) for t in blocks])]).astype(np.int64),
        "bm_pstart": np.concatenate([[0], np.cumsum([len(t.ptr) for t in blocks])]).astype(np.int64),
        "bm_maxima": np.concatenate([t.maxima for t in blocks]) if blocks else np.zeros(0, np.float32),
        "bm_ptr": np.concatenate([t.ptr for t in blocks]) if blocks else np.zeros(0, np.int64),
        "bm_at": np.asarray([avgdl], dtype=np.float64),
    }


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copyfile(src, dst)
