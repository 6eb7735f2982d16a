"""Dense, keyword and hybrid retrievers: one seam, `search(query, k) -> list[ScoredId]`.

Queries arrive normalised (vntext.normalize.normalize_query): the Library normalises once, at the door.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np

from index.base import ScoredId
from index.dense import DenseIndex
from index.fusion import rrf, zscore_fusion
from index.keyword import KeywordIndex
from index.settings import RetrievalSettings
from models.base import Encoder


_BESIDE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="keyword-side")  # threads start on first use


class DenseRetriever:
    def __init__(self, index: DenseIndex, encoder: Encoder):
        self.index = index
        self.encoder = encoder

    def __len__(self) -> int:
        return len(self.index)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        return self.search_vector(self.embed(query), k, allowed)

    def embed(self, query: str) -> np.ndarray | None:
        """The query's vector, None where there is nothing to search."""
        if not query.strip() or not len(self.index):
            return None
        return self.encoder.encode_query(query)

    def search_vector(self, vector: np.ndarray | None, k: int, allowed: np.ndarray | None = None) -> list[ScoredId]:
        if vector is None or k <= 0:
            return []
        return self.index.search(vector, k, allowed)


class HybridRetriever:
    """Fusion of the dense and keyword rankings, each `settings.depth` deep: z-scores of both
    sides' raw scores (`settings.fusion` "zscore", index/fusion.py) or reciprocal ranks ("rrf").

    `extra` ranked lists (e.g. the passages of a document the query names by number) join the
    fusion with weight 1.
    """

    def __init__(self, dense: DenseRetriever, keyword: KeywordIndex, settings: RetrievalSettings | None = None):
        self.dense = dense
        self.keyword = keyword
        self.settings = settings or RetrievalSettings()

    def __len__(self) -> int:
        return len(self.keyword)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None,
               extra: Sequence[Sequence[int]] = ()) -> list[ScoredId]:
        k = min(int(k), len(self))
        if k <= 0 or not query.strip():
            return []
        s = self.settings
        depth = max(s.depth, k)
        # the keyword scoring runs in a worker thread beside the dense search, which runs here (faiss
        # lets go of the GIL, so the worker runs meanwhile; issue 14). The other way round, the dense
        # thread first had to win the GIL from the keyword scoring: on a busy machine giving up the
        # CPU cost 3.4 ms p50 at 10^6 passages. The worker starts once the query is embedded: the
        # encoder runs on both cores, and a third thread beside it slowed it (seventh pass).
        vector = self.dense.embed(query)
        keyword_side = _BESIDE.submit(self.keyword.search, query, depth, allowed)
        dense = [(h.pid, h.score) for h in self.dense.search_vector(vector, depth, allowed)]
        keyword = [(h.pid, h.score) for h in keyword_side.result()]
        if s.fusion == "zscore":
            fused = zscore_fusion([dense, keyword, *([(p, 1.0) for p in e] for e in extra)],
                                  [s.z_dense_weight, 1.0 - s.z_dense_weight, *([1.0] * len(extra))],
                                  missing=s.z_missing, rank_weight=s.z_rank_weight, k=s.rrf_k)
        else:
            fused = rrf([[p for p, _ in dense], [p for p, _ in keyword], *extra], k=s.rrf_k,
                        weights=[s.dense_weight, s.keyword_weight, *([1.0] * len(extra))])
        return [ScoredId(pid, score) for pid, score in fused[:k]]
