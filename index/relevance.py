"""How close a query is to passages in meaning, on a scale that holds across queries.

Fused scores are reciprocal ranks: the best hit of any query scores alike, relevant or not. The
cosine of the query and a passage (the dense side's own score) is comparable across queries, so
the relevance floor (RetrievalSettings.relevance_floor, vankien/services/honest.py) is set on it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from index.dense import DenseIndex


def passage_cosines(dense: DenseIndex, pids: Sequence[int], query_vector: np.ndarray) -> list[float]:
    """Cosine of `query_vector` (normalised) and each passage's stored vector; 0.0 for an id the
    dense index does not hold."""
    found = dense.vectors_of(pids)
    q = np.asarray(query_vector, dtype=np.float32)
    return [float(found[p] @ q) if p in found else 0.0 for p in pids]
