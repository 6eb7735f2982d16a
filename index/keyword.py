"""Keyword index: BM25 (bm25s) over Vietnamese tokens from index.tokenize, with stable passage ids.

bm25s is given our own token lists (its stock tokenizer drops one-letter syllables and uses
English stopwords). Its stock top-k runs argpartition over every document; here the top k is taken
over the documents that score above zero only, which is what makes it fast at 1M passages.

Verbs as index.base.PassageIndex. BM25 statistics are corpus-wide, so `append` and `delete`
rebuild from the token lists this index was given; a loaded index keeps no token lists (the
Library rebuilds it from the store's tokens with `index` at every commit).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Sequence

import bm25s
import numpy as np

from index.base import ScoredId
from index.tokenize import query_tokens

logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    def __init__(self) -> None:
        self.pids = np.zeros(0, dtype=np.int64)
        self._bm25: bm25s.BM25 | None = None
        self._tokens: list[list[str]] | None = []  # per pid, for append/delete; None after load

    def __len__(self) -> int:
        return len(self.pids)

    def count(self) -> int:
        return len(self)

    def index(self, pids: Iterable[int], tokens: Sequence[list[str]]) -> None:
        """(Re)build from every passage's tokens; BM25 statistics are corpus-wide anyway."""
        self.pids = np.asarray(list(pids), dtype=np.int64)
        self._tokens = [list(t) for t in tokens]
        if not len(self.pids):
            self._bm25 = None
            return
        bm25 = bm25s.BM25()
        bm25.index(self._tokens, show_progress=False)
        self._bm25 = bm25

    def append(self, pids: Iterable[int], tokens: Sequence[list[str]]) -> None:
        pids = list(pids)
        self.index([*self.pids.tolist(), *pids], [*self._known_tokens(), *tokens])

    def delete(self, pids: Iterable[int]) -> None:
        gone = set(int(p) for p in pids)
        keep = [i for i, p in enumerate(self.pids.tolist()) if p not in gone]
        tokens = self._known_tokens()
        self.index(self.pids[keep].tolist(), [tokens[i] for i in keep])

    def _known_tokens(self) -> list[list[str]]:
        if self._tokens is None:
            raise ValueError("chỉ mục từ khóa đã nạp từ đĩa không giữ danh sách từ của các đoạn; "
                             "hãy dựng lại bằng index(pids, tokens) với mọi đoạn")
        return self._tokens

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (row order of self.pids); zeros when nothing matches."""
        out = np.zeros(len(self.pids), dtype=np.float32)
        if self._bm25 is None:
            return out
        ids = self._bm25.get_tokens_ids(query_tokens(query))
        if not ids:
            return out
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        """Best first, only passages that match at least one token; ties keep passage order."""
        k = min(int(k), len(self.pids))
        if k <= 0:
            return []
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(np.isin(self.pids, allowed), scores, 0)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [ScoredId(int(self.pids[i]), float(scores[i])) for i in hits]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "keyword_pids.npy", self.pids)
        if self._bm25 is not None:
            self._bm25.save(str(folder / "bm25"))

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        index = cls()
        index._tokens = None
        if (folder / "keyword_pids.npy").exists():
            index.pids = np.load(folder / "keyword_pids.npy")
        if (folder / "bm25").exists() and len(index.pids):
            index._bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True)
        return index
