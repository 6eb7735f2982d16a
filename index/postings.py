"""One immutable keyword segment: term frequencies of a batch of passages, term-major (CSC).

A segment holds raw term frequencies, not BM25 scores: BM25's statistics (number of passages,
document frequencies, average length) are those of the whole index, which changes with every
commit, so index/keyword.py computes them across segments at query time (as Lucene does) and a
commit only writes the passages it adds. Terms are 64-bit hashes (blake2b) in a sorted array
looked up with searchsorted: no per-segment vocabulary dict (bm25s's dict was ~255 MiB at 86k
passages) and no global vocabulary to merge when a segment arrives.

Files (all .npy, memory-mapped on load): pids, dl (tokens per passage), terms (sorted uint64),
indptr (int64, len(terms)+1), rows (int32 passage row per posting), tf (float32); optional
twin_prefix (uint64 per passage: index/twins.py prefix_hash of its stored text, written by commits
and merges, so twins are found without reading texts; a segment without it, written before or
rebuilt from tokens, has `prefix` None and the Library reads texts for it as before).
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

FILES = ("pids", "dl", "terms", "indptr", "rows", "tf")
PREFIX_FILE = "twin_prefix"


def term_hashes(terms: Sequence[str]) -> np.ndarray:
    """Stable 64-bit hashes (the same in every process, unlike hash())."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
                        for t in terms), dtype=np.uint64, count=len(terms))


@dataclass(frozen=True)
class Segment:
    name: str
    pids: np.ndarray  # int64 (n,)
    dl: np.ndarray  # float32 (n,)
    terms: np.ndarray  # uint64 (V,) sorted
    indptr: np.ndarray  # int64 (V+1,)
    rows: np.ndarray  # int32 (nnz,)
    tf: np.ndarray  # float32 (nnz,)
    source: Path | None = None  # folder it was loaded from: saving hard-links instead of writing
    prefix: np.ndarray | None = None  # uint64 (n,) twins.prefix_hash per passage; None: not known

    def __len__(self) -> int:
        return len(self.pids)

    @classmethod
    def build(cls, name: str, pids: Sequence[int], tokens: Sequence[Sequence[str]]) -> "Segment":
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        rows: list[int] = []
        counts: list[int] = []
        for row, toks in enumerate(tokens):
            seen: dict[int, int] = {}
            for t in toks:
                tid = vocab.setdefault(t, len(vocab))
                seen[tid] = seen.get(tid, 0) + 1
            term_ids.extend(seen)
            counts.extend(seen.values())
            rows.extend([row] * len(seen))
        hashes = term_hashes(list(vocab))
        h = hashes[np.asarray(term_ids, dtype=np.int64)] if term_ids else np.zeros(0, np.uint64)
        return cls.from_postings(name, np.asarray(list(pids), dtype=np.int64),
                                 np.asarray([len(t) for t in tokens], dtype=np.float32),
                                 h, np.asarray(rows, dtype=np.int32), np.asarray(counts, dtype=np.float32))

    @classmethod
    def from_counts(cls, name: str, pids: Sequence[int], counts: Sequence[tuple[np.ndarray, np.ndarray, int]],
                    hashes: np.ndarray, prefix: np.ndarray | None = None) -> "Segment":
        """From per-passage (term ids, term counts, token count); term id i has hash hashes[i]."""
        lens = np.fromiter((len(c[0]) for c in counts), dtype=np.int64, count=len(counts))
        ids = np.concatenate([c[0] for c in counts]) if counts else np.zeros(0, np.int64)
        tf = np.concatenate([c[1] for c in counts]) if counts else np.zeros(0, np.float32)
        rows = np.repeat(np.arange(len(counts), dtype=np.int32), lens)
        return cls.from_postings(name, np.asarray(list(pids), dtype=np.int64),
                                 np.fromiter((c[2] for c in counts), dtype=np.float32, count=len(counts)),
                                 hashes[ids] if len(ids) else np.zeros(0, np.uint64), rows, tf, prefix)

    @classmethod
    def from_postings(cls, name: str, pids: np.ndarray, dl: np.ndarray, term_of: np.ndarray,
                      rows: np.ndarray, tf: np.ndarray, prefix: np.ndarray | None = None) -> "Segment":
        """From one (term hash, row, tf) triple per posting, in any order."""
        order = np.lexsort((rows, term_of))
        term_of, rows, tf = term_of[order], rows[order], tf[order]
        terms, starts = np.unique(term_of, return_index=True)
        indptr = np.append(starts, len(term_of)).astype(np.int64)
        return cls(name, pids, dl, terms.astype(np.uint64), indptr, rows.astype(np.int32), tf.astype(np.float32),
                   prefix=None if prefix is None else np.asarray(prefix, dtype=np.uint64))

    def postings(self, h: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        """(rows, tf) of one term hash; empty arrays when the segment lacks it."""
        i = int(np.searchsorted(self.terms, h))
        if i >= len(self.terms) or self.terms[i] != h:
            return _EMPTY_ROWS, _EMPTY_TF
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.rows[a:b], self.tf[a:b]

    def live(self, dead_rows: np.ndarray, name: str) -> "Segment":
        """This segment without `dead_rows`, rows renumbered (for merging)."""
        keep = np.ones(len(self.pids), dtype=bool)
        keep[dead_rows] = False
        new_row = np.cumsum(keep, dtype=np.int64) - 1
        term_of = np.repeat(self.terms, np.diff(self.indptr))
        alive = keep[self.rows]
        prefix = None if self.prefix is None else np.asarray(self.prefix)[keep]
        return Segment(name, np.asarray(self.pids)[keep], np.asarray(self.dl)[keep], self.terms,
                       np.asarray(self.indptr), np.asarray(new_row[self.rows[alive]], dtype=np.int32),
                       np.asarray(self.tf)[alive], prefix=prefix) if alive.all() else \
            Segment.from_postings(name, np.asarray(self.pids)[keep], np.asarray(self.dl)[keep],
                                  term_of[alive], new_row[self.rows[alive]], np.asarray(self.tf)[alive], prefix)

    def save(self, folder: Path) -> None:
        """Into folder/<name>/: hard links to the files it was loaded from (immutable), else written."""
        target = folder / self.name
        target.mkdir(parents=True, exist_ok=True)
        for f in FILES + (PREFIX_FILE,):
            dst = target / f"{f}.npy"
            if dst.exists():  # saved here before (immutable: same content)
                continue
            if f == PREFIX_FILE and self.prefix is None:
                continue
            if self.source is not None and (f != PREFIX_FILE or (self.source / f"{f}.npy").exists()):
                try:
                    os.link(self.source / f"{f}.npy", dst)
                    continue
                except OSError:  # another file system: copy
                    shutil.copyfile(self.source / f"{f}.npy", dst)
                    continue
            np.save(dst, self.prefix if f == PREFIX_FILE else getattr(self, f))

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        arrays = {f: np.load(folder / f"{f}.npy", mmap_mode="r") for f in FILES}
        return cls(folder.name, source=folder, prefix=load_prefix(folder, len(arrays["pids"])), **arrays)


def load_prefix(folder: Path, n: int) -> np.ndarray | None:
    """The segment's saved twin prefixes, or None (not written, or unreadable: texts are read instead)."""
    path = folder / f"{PREFIX_FILE}.npy"
    if not path.exists():
        return None
    try:
        got = np.load(path, mmap_mode="r")
    except (OSError, ValueError):  # a backfill killed mid-write
        return None
    return got if got.shape == (n,) and got.dtype == np.uint64 else None


def merge(segments: Sequence[Segment], dead: Sequence[np.ndarray], name: str) -> Segment:
    """One segment holding the live passages of `segments` (dead[i]: dead rows of segment i)."""
    parts = [s.live(d, name) for s, d in zip(segments, dead)]
    offsets = np.cumsum([0] + [len(p) for p in parts])
    term_of = np.concatenate([np.repeat(p.terms, np.diff(p.indptr)) for p in parts])
    rows = np.concatenate([np.asarray(p.rows, dtype=np.int64) + off for p, off in zip(parts, offsets)])
    return Segment.from_postings(name, np.concatenate([p.pids for p in parts]),
                                 np.concatenate([p.dl for p in parts]), term_of, rows,
                                 np.concatenate([p.tf for p in parts]), merged_prefix(parts))


def merged_prefix(parts: Sequence[Segment]) -> np.ndarray | None:
    """The parts' twin prefixes end to end; None when one part lacks them (texts are read for all)."""
    if any(p.prefix is None for p in parts):
        return None
    return np.concatenate([np.asarray(p.prefix) for p in parts]) if parts else np.zeros(0, np.uint64)


_EMPTY_ROWS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0, dtype=np.float32)
