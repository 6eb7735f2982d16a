"""`vankien eval DIR`: retrieval quality of the baselines and the app's configurations on a BEIR folder."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from vankien.evaluation.runner import ALL_SYSTEMS


def register(sub) -> None:
    p = sub.add_parser(
        "eval", help="đo chất lượng truy hồi trên một bộ dữ liệu BEIR (corpus.jsonl, queries.jsonl, qrels.tsv)",
        description="Lập chỉ mục tạm của kho văn bản, chạy mọi câu hỏi và in Recall@1/5/10, MRR@10, nDCG@10 "
                    "cho hai hệ thống tham chiếu (BM25 âm tiết, e5 cả văn bản) và ba cấu hình của ứng dụng.")
    p.add_argument("dir", type=Path, metavar="DIR", help="thư mục theo bố cục BEIR")
    p.add_argument("--queries", type=Path, default=None, help="tệp câu hỏi khác (mặc định DIR/queries.jsonl)")
    p.add_argument("--qrels", type=Path, default=None, help="tệp qrels khác (mặc định DIR/qrels.tsv)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="chỉ dùng N câu hỏi đầu (chạy nhanh)")
    p.add_argument("--split", choices=("tune", "check"), default=None,
                   help="chỉ dùng phần «tune» (để chỉnh thiết lập) hoặc «check» (để báo cáo) của bộ dữ liệu, "
                        "theo phép chia cố định trong vankien/evaluation/splits/")
    p.add_argument("--systems", nargs="+", default=list(ALL_SYSTEMS), metavar="HỆ",
                   help=f"hệ thống cần đo, trong: {' '.join(ALL_SYSTEMS)} (mặc định: tất cả)")
    p.add_argument("--quiet", action="store_true", help="không in tiến trình ra stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vankien.evaluation.beir import DatasetError, load_beir
    from vankien.evaluation.runner import build_systems, evaluate, format_report

    keys = [k for part in args.systems for k in part.split(",") if k]
    unknown = [k for k in keys if k not in ALL_SYSTEMS]
    if unknown:
        print(f"Hệ thống không có: {', '.join(unknown)}. Chọn trong: {' '.join(ALL_SYSTEMS)}.", file=sys.stderr)
        return 2
    try:
        ds = load_beir(args.dir, args.queries, args.qrels)
    except DatasetError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if args.split:
        from vankien.evaluation.splits import load_split, restrict

        try:
            ds = restrict(ds, load_split(ds.name).part(args.split))
        except DatasetError as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 2
    if args.limit and args.limit > 0:
        kept = ds.queries[: args.limit]
        ds = replace(ds, queries=kept, qrels={q.id: ds.qrels[q.id] for q in kept})

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    from vankien.evaluation.encoders import EvalEncoder, NullEncoder, default_cache_path

    encoder = None
    if any(k in ("e5", "dense", "hybrid") for k in keys):
        encoder = EvalEncoder(progress=_progress(log))
    elif "keyword" in keys:  # keyword-only: the throwaway Library gets zero vectors, nothing is embedded
        encoder = NullEncoder()
    parse_cache = default_cache_path().parent.parent / "parsed"
    systems = build_systems(keys, encoder, log=log, parse_cache=parse_cache)
    report = evaluate(ds, systems, encoder, log=log)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def _progress(log):
    last = {"n": -1}

    def show(done: int, total: int) -> None:
        if total < 64:
            return
        step = max(1, total // 20)
        if done == total or done // step != last["n"]:
            last["n"] = done // step
            log(f"  mã hóa {done:,}/{total:,}")

    return show
