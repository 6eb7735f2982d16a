"""The encoder seam: one small interface, one fixed return type."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    name: str  # identifies model + settings; recorded in the index and the embedding cache key
    dim: int

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dim), each row L2-normalised."""

    def encode_query(self, text: str) -> np.ndarray:
        """float32 array (dim,), L2-normalised."""
