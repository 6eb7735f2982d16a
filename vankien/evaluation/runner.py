"""Run systems over a BEIR data set: index, search every query, score, time."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from vankien.evaluation.beir import Dataset
from vankien.evaluation.metrics import METRICS, mean_scores, score_query

ALL_SYSTEMS = ("bm25", "e5", "keyword", "dense", "hybrid")


@dataclass
class SystemResult:
    key: str
    name: str
    metrics: dict[str, float]
    latency_ms: dict[str, float]  # median, p95 of search time per query
    index_seconds: float
    rankings: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict:
        return {"key": self.key, "name": self.name,
                "metrics": {m: round(v, 4) for m, v in self.metrics.items()},
                "latency_ms": {m: round(v, 2) for m, v in self.latency_ms.items()},
                "index_seconds": round(self.index_seconds, 2)}


@dataclass
class Report:
    dataset: str
    n_queries: int
    skipped_queries: int
    n_docs: int
    n_passages: int
    systems: list[SystemResult]
    total_seconds: float
    embed_seconds: float
    query_encode_ms: float  # median time to embed one query, measured uncached on a few queries
    cache_hits: int
    cache_misses: int
    encoder: str

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset, "queries": self.n_queries, "skipped_queries": self.skipped_queries,
            "documents": self.n_docs, "passages": self.n_passages, "encoder": self.encoder,
            "systems": [s.to_json() for s in self.systems],
            "timing": {"total_seconds": round(self.total_seconds, 2), "embed_seconds": round(self.embed_seconds, 2),
                       "embed_share": round(self.embed_seconds / self.total_seconds, 3) if self.total_seconds else 0.0,
                       "query_encode_ms": round(self.query_encode_ms, 1),
                       "cache_hits": self.cache_hits, "cache_misses": self.cache_misses},
        }


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else 0.0


def build_systems(keys: Sequence[str], encoder, app_config=None, log=None, parse_cache=None) -> list:
    from vankien.evaluation.baselines import BM25Syllables, E5WholeDoc

    systems = []
    for key in keys:
        if key == "bm25":
            systems.append(BM25Syllables())
        elif key == "e5":
            systems.append(E5WholeDoc(encoder))
    app_keys = [k for k in keys if k in ("keyword", "dense", "hybrid")]
    if app_keys:
        from vankien.evaluation.app_systems import app_systems

        systems += app_systems(encoder, app_config, app_keys, log, parse_cache)
    order = {k: i for i, k in enumerate(keys)}
    return sorted(systems, key=lambda s: order[s.key])


def evaluate(ds: Dataset, systems: list, encoder=None, k: int = 10,
             log: Callable[[str], None] | None = None) -> Report:
    log = log or (lambda s: None)
    t_start = time.perf_counter()
    qvecs: dict[str, np.ndarray] = {}
    query_encode_ms = 0.0
    if encoder is not None and any(s.key in ("e5", "dense", "hybrid") for s in systems):
        from vntext.normalize import normalize_query

        texts = list(dict.fromkeys(q.text for q in ds.queries))
        if any(s.key in ("dense", "hybrid") for s in systems):  # the app embeds the normalised query
            texts += list(dict.fromkeys(t for t in map(normalize_query, texts) if t))
        log(f"mã hóa {len(texts):,} câu hỏi (bộ nhớ đệm)")
        qvecs = dict(zip(texts, encoder.encode_queries(texts)))
        query_encode_ms = _single_query_ms(encoder, texts[:3])
    results = []
    for system in systems:
        t0 = time.perf_counter()
        log(f"lập chỉ mục: {system.name}")
        system.index(ds.corpus)
        index_s = time.perf_counter() - t0
        if system.key == "e5":
            system.encoder_query = qvecs
        times, per_query, rankings = [], [], {}
        for q in ds.queries:
            t1 = time.perf_counter()
            ranking = system.search(q.text, k)
            times.append((time.perf_counter() - t1) * 1000)
            rankings[q.id] = ranking
            per_query.append(score_query(ranking, ds.qrels[q.id]))
        results.append(SystemResult(system.key, system.name, mean_scores(per_query),
                                    {"median": statistics.median(times) if times else 0.0, "p95": _p95(times)},
                                    index_s, rankings))
        log(f"  {system.name}: nDCG@10 {results[-1].metrics['nDCG@10']:.3f} ({index_s:.1f}s lập chỉ mục)")
    n_passages = next((s.app.n_passages for s in systems if hasattr(s, "app") and hasattr(s.app, "n_passages")), 0)
    for app in {id(s.app): s.app for s in systems if hasattr(s, "app")}.values():
        app.close()
    return Report(ds.name, len(ds.queries), ds.skipped_queries, len(ds.corpus), n_passages, results,
                  time.perf_counter() - t_start,
                  getattr(encoder, "encode_seconds", 0.0) if encoder is not None else 0.0,
                  query_encode_ms,
                  getattr(encoder, "hits", 0), getattr(encoder, "misses", 0),
                  getattr(encoder, "name", ""))


def _single_query_ms(encoder, texts: list[str]) -> float:
    """What one query costs to embed when it is not cached (as in the app): median over a few."""
    inner = getattr(encoder, "inner", None)
    if inner is None or not texts:
        return 0.0
    inner.encode_query(texts[0])  # model load
    times = []
    for t in texts:
        t0 = time.perf_counter()
        inner.encode_query(t)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def format_report(r: Report) -> str:
    lines = [
        f"Đánh giá truy hồi: {r.dataset} — {r.n_queries:,} câu hỏi"
        + (f" (bỏ qua {r.skipped_queries:,} câu không có qrels)" if r.skipped_queries else "")
        + f", {r.n_docs:,} văn bản" + (f" → {r.n_passages:,} đoạn" if r.n_passages else ""),
        "",
    ]
    name_w = max([len("hệ thống")] + [len(s.name) for s in r.systems])
    head = f"{'hệ thống':<{name_w}}  " + "  ".join(f"{m:>9}" for m in METRICS) + f"  {'p50 ms':>7}  {'p95 ms':>7}  {'chỉ mục s':>9}"
    lines += [head, "-" * len(head)]
    for s in r.systems:
        lines.append(f"{s.name:<{name_w}}  " + "  ".join(f"{s.metrics[m]:>9.3f}" for m in METRICS)
                     + f"  {s.latency_ms['median']:>7.1f}  {s.latency_ms['p95']:>7.1f}  {s.index_seconds:>9.1f}")
    share = 100 * r.embed_seconds / r.total_seconds if r.total_seconds else 0.0
    lines += [
        "",
        f"Tổng thời gian {r.total_seconds:.1f}s, trong đó mã hóa (embedding) {r.embed_seconds:.1f}s ({share:.0f}%); "
        f"bộ nhớ đệm: {r.cache_hits:,} có sẵn, {r.cache_misses:,} mới mã hóa. Bộ mã hóa: {r.encoder}.",
        f"Độ trễ = thời gian tìm mỗi câu hỏi, vector câu hỏi lấy từ bộ nhớ đệm; mã hóa một câu hỏi mới "
        f"thêm khoảng {r.query_encode_ms:.0f} ms." if r.query_encode_ms else
        "Độ trễ = thời gian tìm mỗi câu hỏi.",
    ]
    return "\n".join(lines)
