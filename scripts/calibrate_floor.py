"""Calibrate the relevance floor (index.settings.RetrievalSettings.relevance_floor) on the eval sets.

For every query of each BEIR set, the app's own search (Library.search_scored over the app's
ingestion, as `vankien eval` builds it) gives the relevance of its results: the best cosine of the
query and a returned passage. The same is measured for off-topic queries that no set answers
(gibberish, other domains). The floor is the highest value that keeps at least --keep (99 %) of the
answerable queries of every set; the script prints it and what it rejects.

    .venv/bin/python scripts/calibrate_floor.py ../shared/eval/uit_regwiki ../shared/eval/vinewsqa ../shared/eval/alqac
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Questions no Party, legal or news corpus here answers: gibberish, shopping, recipes, games, weather.
OFF_TOPIC = [
    "xyz qwerty blockchain", "asdf ghjk zxcv", "lorem ipsum dolor sit amet", "qwertyuiop 12345",
    "công thức nấu phở bò ngon", "cách làm bánh flan bằng nồi cơm điện", "mẹo giặt áo trắng bị ố vàng",
    "cách chơi game liên quân mobile", "mua iphone 15 pro max trả góp", "review son môi màu đỏ cam",
    "cách trồng hoa hồng leo trong chậu", "nuôi mèo anh lông ngắn ăn gì", "tải nhạc mp3 miễn phí",
    "cách buộc dây giày kiểu mới", "mã giảm giá shopee hôm nay", "lịch chiếu phim rạp cgv",
    "kiểu tóc nam đẹp 2024", "cách sửa máy giặt không vắt", "bitcoin ethereum dogecoin", "pizza hải sản phô mai",
    "hướng dẫn cài win 11 không cần usb", "công thức pha trà sữa trân châu", "cách câu cá chép bằng mồi cám",
    "tiếng kêu của cá heo", "how to bake sourdough bread", "best gaming laptop under 1000 dollars",
]


def top_relevance(lib, query: str, k: int) -> float:
    hits, relevance = lib.search_scored(query, k)
    return max(relevance) if relevance else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path, help="BEIR folders (../shared/eval/uit_regwiki ...)")
    ap.add_argument("--keep", type=float, default=0.99, help="share of answerable queries to keep (0.99)")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--limit", type=int, default=0, help="only the first N queries of each set")
    ap.add_argument("--max-docs", type=int, default=0,
                    help="index only the documents judged for those queries, plus others up to N (a quick, "
                         "conservative estimate: more documents can only raise a query's best cosine)")
    args = ap.parse_args()

    from vankien.evaluation.app_systems import AppIndex
    from vankien.evaluation.beir import load_beir
    from vankien.evaluation.encoders import EvalEncoder, default_cache_path
    from vntext.normalize import normalize_query

    encoder = EvalEncoder()
    rows = []
    for folder in args.sets:
        ds = load_beir(folder)
        queries = ds.queries[: args.limit] if args.limit else ds.queries
        app = AppIndex(encoder, log=lambda m: print(m, file=sys.stderr, flush=True),
                       parse_cache=default_cache_path().parent.parent / "parsed")
        corpus = ds.corpus
        if args.max_docs:
            judged = {d for q in queries for d in ds.qrels[q.id]}
            others = [d for d in ds.corpus if d.id not in judged][: max(0, args.max_docs - len(judged))]
            corpus = [d for d in ds.corpus if d.id in judged] + others
        app.build(corpus)
        # one batched pass fills the cache with the (normalised) query vectors the searches embed
        encoder.encode_queries(list(dict.fromkeys(normalize_query(t) for t in [q.text for q in queries] + OFF_TOPIC)))
        answerable = np.array([top_relevance(app.lib, q.text, args.k) for q in queries])
        off = np.array([top_relevance(app.lib, q, args.k) for q in OFF_TOPIC])
        app.close()
        floor = float(np.quantile(answerable, 1 - args.keep, method="lower"))
        rows.append((ds.name, answerable, off, floor))
        print(f"{ds.name} ({len(corpus)} văn bản): {len(answerable)} câu hỏi có đáp án — độ liên quan cao nhất: p1 {floor:.3f}, "
              f"p5 {np.quantile(answerable, 0.05):.3f}, trung vị {np.median(answerable):.3f}; "
              f"{len(off)} câu lạc đề: trung vị {np.median(off):.3f}, max {off.max():.3f}", flush=True)
    floor = min(r[3] for r in rows)
    print(f"\nNgưỡng liên quan (giữ ≥ {args.keep:.0%} câu hỏi có đáp án của mọi bộ): {floor:.3f}")
    for name, answerable, off, _ in rows:
        print(f"  {name}: giữ {np.mean(answerable >= floor):.1%} câu có đáp án, "
              f"loại {np.mean(off < floor):.0%} câu lạc đề")
    return 0


if __name__ == "__main__":
    sys.exit(main())
