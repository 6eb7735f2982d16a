"""Merging keyword segments straight into files, a slice of the term space at a time.

postings.merge sorts every posting of the merged segments at once: at 10^6 passages (~3·10^8
postings) its arrays need ~10 GB. Term hashes are uniform 64-bit values, so cutting the hash space
into equal ranges cuts every segment's postings into contiguous slices of about equal size; each
range is merged alone (a stable sort by term keeps rows ascending) and appended to the output files.
Inputs are read with read(), not through their memory maps, and outputs written with write(), so
the pages go through the page cache and not into this process's resident memory: peak memory is
one range (~RANGE_POSTINGS postings) plus the merged term list.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from index.postings import PREFIX_FILE, Segment

RANGE_POSTINGS = 8_000_000  # postings per range: ~200 MB of temporary arrays


def read_rows(arr: np.ndarray, a: int, b: int) -> np.ndarray:
    """arr[a:b]; from a memory-mapped file through read() (its pages stay out of our RSS)."""
    if isinstance(arr, np.memmap) and arr.filename and arr.flags.c_contiguous:
        width = int(np.prod(arr.shape[1:], dtype=np.int64))
        with open(arr.filename, "rb") as f:
            f.seek(arr.offset + a * width * arr.dtype.itemsize)
            return np.fromfile(f, dtype=arr.dtype, count=(b - a) * width).reshape((b - a,) + arr.shape[1:])
    return np.asarray(arr[a:b])


def _open_npy(path: Path, dtype: str, n: int):
    f = open(path, "wb")
    np.lib.format.write_array_header_1_0(f, {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": (n,)})
    return f


def _live_postings(seg: Segment, dead_rows: np.ndarray) -> int:
    if not len(dead_rows):
        return len(seg.rows)
    dead = np.zeros(len(seg), dtype=bool)
    dead[dead_rows] = True
    return sum(int(np.count_nonzero(~dead[read_rows(seg.rows, a, min(a + RANGE_POSTINGS, len(seg.rows)))]))
               for a in range(0, len(seg.rows), RANGE_POSTINGS))


def merge_to_folder(segments: Sequence[Segment], dead: Sequence[np.ndarray], name: str, folder: Path) -> Segment:
    """postings.merge(segments, dead, name), written into folder/<name>/ and loaded from there."""
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    keeps, offsets, total = [], [], 0
    for seg, d in zip(segments, dead):
        keep = np.ones(len(seg), dtype=bool)
        keep[d] = False
        keeps.append(keep)
        offsets.append(total)
        total += int(keep.sum())
    pids = np.concatenate([np.asarray(s.pids)[k] for s, k in zip(segments, keeps)])
    dl = np.concatenate([np.asarray(s.dl)[k] for s, k in zip(segments, keeps)])
    nnz = sum(_live_postings(s, d) for s, d in zip(segments, dead))
    n_ranges = max(1, math.ceil(sum(len(s.rows) for s in segments) / RANGE_POSTINGS))
    bounds = [2 ** 64 * i // n_ranges for i in range(n_ranges + 1)]
    terms_out, counts_out = [], []
    with _open_npy(target / "rows.npy", "<i4", nnz) as rows_f, _open_npy(target / "tf.npy", "<f4", nnz) as tf_f:
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            parts_t, parts_r, parts_f = [], [], []
            for seg, keep, off in zip(segments, keeps, offsets):
                terms = np.asarray(seg.terms)
                a = int(np.searchsorted(terms, np.uint64(lo)))
                b = len(terms) if hi >= 2 ** 64 else int(np.searchsorted(terms, np.uint64(hi)))
                if b <= a:
                    continue
                indptr = np.asarray(seg.indptr[a:b + 1])
                rows = read_rows(seg.rows, int(indptr[0]), int(indptr[-1]))
                tf = read_rows(seg.tf, int(indptr[0]), int(indptr[-1]))
                term_of = np.repeat(terms[a:b], np.diff(indptr))
                alive = keep[rows]
                new_row = np.cumsum(keep, dtype=np.int64) - 1 + off
                parts_t.append(term_of[alive])
                parts_r.append(new_row[rows[alive]].astype(np.int32))
                parts_f.append(tf[alive])
                del rows, tf, term_of, alive
            if not parts_t:
                continue
            term_of = np.concatenate(parts_t)
            order = np.argsort(term_of, kind="stable")  # segments in order, rows ascending in each
            term_of = term_of[order]
            np.concatenate(parts_r)[order].tofile(rows_f)
            np.concatenate(parts_f)[order].astype(np.float32).tofile(tf_f)
            uniq, counts = np.unique(term_of, return_counts=True)
            terms_out.append(uniq)
            counts_out.append(counts)
            del term_of, order, parts_t, parts_r, parts_f
    terms = np.concatenate(terms_out) if terms_out else np.zeros(0, np.uint64)
    counts = np.concatenate(counts_out) if counts_out else np.zeros(0, np.int64)
    if all(s.prefix is not None for s in segments):  # else texts are read for these passages, as before
        np.save(target / f"{PREFIX_FILE}.npy",
                np.concatenate([np.asarray(s.prefix)[k] for s, k in zip(segments, keeps)]).astype(np.uint64))
    np.save(target / "pids.npy", pids.astype(np.int64))
    np.save(target / "dl.npy", dl.astype(np.float32))
    np.save(target / "terms.npy", terms.astype(np.uint64))
    np.save(target / "indptr.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    return Segment.load(target)
