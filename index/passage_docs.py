"""Which document each passage belongs to, as ranges of passage ids (issue 14).

A document's passages are written together, so their ids (AUTOINCREMENT) are consecutive: the map
is one range per document, [start, end), in sorted numpy arrays, instead of a Python dict of one
entry per passage. At 10^6 passages the dict took 1.3 s of every Library.open (a million rows
read out of SQLite) and ~100 MB; the ranges are read with two index seeks per document (~0.5 s at
10^5 documents) and take ~2 MB. A document whose ids are not consecutive gets one range per run.

Read-only once built (`patched` returns a new map): a search holding the old map keeps it whole.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np


class PassageDocs(Mapping):
    """pid -> doc_id. `starts` sorted, ranges disjoint; docs[i] owns the ids starts[i] <= pid < ends[i]."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, docs: np.ndarray):
        order = np.argsort(starts, kind="stable")
        self.starts = np.ascontiguousarray(starts[order], dtype=np.int64)
        self.ends = np.ascontiguousarray(ends[order], dtype=np.int64)
        self.docs = docs[order]

    @classmethod
    def from_runs(cls, runs: Iterable[tuple[str, int, int]]) -> "PassageDocs":
        """From (doc_id, first pid, last pid) of ranges that hold every id between them."""
        runs = list(runs)
        docs = np.empty(len(runs), dtype=object)
        docs[:] = [r[0] for r in runs]
        starts = np.fromiter((r[1] for r in runs), dtype=np.int64, count=len(runs))
        ends = np.fromiter((r[2] + 1 for r in runs), dtype=np.int64, count=len(runs))
        return cls(starts, ends, docs)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, str]]) -> "PassageDocs":
        """From (pid, doc_id) pairs, in any order."""
        return cls.from_runs(runs(pairs))

    def patched(self, drop_docs: set[str], pairs: Iterable[tuple[int, str]]) -> "PassageDocs":
        """This map without the documents in `drop_docs`, plus the (pid, doc_id) pairs."""
        keep = np.fromiter((d not in drop_docs for d in self.docs), dtype=bool, count=len(self.docs))
        extra = PassageDocs.from_pairs(pairs)
        return PassageDocs(np.concatenate([self.starts[keep], extra.starts]),
                           np.concatenate([self.ends[keep], extra.ends]),
                           np.concatenate([self.docs[keep], extra.docs]))

    def lookup(self, pids: Iterable[int]) -> dict[int, str]:
        """{pid: doc_id} for the pids that are in the map."""
        pids = np.fromiter(pids, dtype=np.int64)
        if not len(pids) or not len(self.starts):
            return {}
        at = np.searchsorted(self.starts, pids, side="right") - 1
        ok = (at >= 0) & (pids < self.ends[np.maximum(at, 0)])
        return dict(zip(pids[ok].tolist(), self.docs[at[ok]].tolist()))

    def __getitem__(self, pid: int) -> str:
        at = int(np.searchsorted(self.starts, pid, side="right")) - 1
        if at < 0 or pid >= self.ends[at]:
            raise KeyError(pid)
        return self.docs[at]

    def __contains__(self, pid: object) -> bool:
        try:
            self[pid]  # type: ignore[index]
        except (KeyError, TypeError):
            return False
        return True

    def __iter__(self) -> Iterator[int]:
        for a, b in zip(self.starts.tolist(), self.ends.tolist()):
            yield from range(a, b)

    def __len__(self) -> int:
        return int((self.ends - self.starts).sum())


def runs(pairs: Iterable[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(doc_id, first, last) of each run of consecutive ids of one document."""
    out: list[tuple[str, int, int]] = []
    for pid, doc_id in sorted(pairs):
        if out and out[-1][0] == doc_id and out[-1][2] == pid - 1:
            out[-1] = (doc_id, out[-1][1], pid)
        else:
            out.append((doc_id, pid, pid))
    return out
