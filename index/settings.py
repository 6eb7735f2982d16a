"""Retrieval knobs in frozen settings objects, so evaluation can tune them and an index records them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class DenseSettings:
    """kind: "auto" (exact up to `exact_max` vectors, then IVF), "flat", "ivf" or "hnsw".

    Measured by scripts/bench_ann.py (nlist = 4*sqrt(n)): on 2,000 real multilingual-e5 vectors IVF
    recall@10 is 0.81 at nprobe 32 and 0.93 at nprobe 64, HNSW at faiss defaults (efSearch 16) 0.88;
    on 100k perturbed copies IVF nprobe 64 gives 0.87 and default HNSW 0.21. So "auto" goes to
    IVF with nprobe 64; rerun the script on more real vectors before trusting it above 100k.
    """

    kind: str = "auto"
    exact_max: int = 50_000
    nlist: int = 0  # 0: 4 * sqrt(n)
    nprobe: int = 64
    hnsw_m: int = 32
    hnsw_ef_search: int = 128

    def __post_init__(self) -> None:
        if self.kind not in ("auto", "flat", "ivf", "hnsw"):
            raise ValueError(f"kind {self.kind!r} không hỗ trợ; chọn auto, flat, ivf hoặc hnsw")


@dataclass(frozen=True)
class RetrievalSettings:
    depth: int = 100  # candidates taken from each retriever before fusion
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    number_boost: float = 0.05  # added to the fused score of passages of a document the query names
    per_doc_cap: int = 3  # at most this many passages of one document on the first page
    page_size: int = 10
    max_k: int = 1000

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "RetrievalSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
