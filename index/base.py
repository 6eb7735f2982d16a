"""The retriever seam shared by the dense, keyword and hybrid retrievers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence


@dataclass(frozen=True)
class ScoredId:
    """One ranked passage id with the retriever's own score (scales differ between retrievers)."""

    pid: int  # integer passage row id in the store
    score: float


class Retriever(Protocol):
    def search(self, query: str, k: int) -> list[ScoredId]:
        """Best first; at most min(k, len(self)) results; k <= 0 gives []."""

    def __len__(self) -> int: ...
