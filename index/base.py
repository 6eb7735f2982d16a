"""The seams of the index: the retriever (dense, keyword, hybrid) and the life cycle the two
passage indexes share."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence


@dataclass(frozen=True)
class ScoredId:
    """One ranked passage id with the retriever's own score (scales differ between retrievers)."""

    pid: int  # integer passage row id in the store
    score: float


class Retriever(Protocol):
    def search(self, query: str, k: int) -> list[ScoredId]:
        """Best first; at most min(k, len(self)) results; k <= 0 gives []."""

    def __len__(self) -> int: ...


class PassageIndex(Protocol):
    """The verbs DenseIndex and KeywordIndex share (txtai's ann/base.py): `data` is one row per id,
    vectors for the dense index and token lists for the keyword index. Changes apply to the next
    search; `save` writes into a folder and `load` reads it back."""

    def index(self, ids: Iterable[int], data: Any) -> None:
        """Replace the whole content with these passages."""

    def append(self, ids: Iterable[int], data: Any) -> None: ...

    def delete(self, ids: Iterable[int]) -> None:
        """Drop these passage ids (unknown ids are ignored)."""

    def search(self, query: Any, k: int, allowed: Any = None) -> list[ScoredId]:
        """Best first; `allowed` (passage ids) restricts the search exactly to those passages."""

    def count(self) -> int: ...

    def save(self, folder: Path) -> None: ...

    @classmethod
    def load(cls, folder: Path) -> "PassageIndex": ...
