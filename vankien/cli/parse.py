"""`vankien parse FILE [--json]`: show what ingestion reads from one file, without indexing it."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vankien.cli.home import add_index_option

_FIELDS = [
    ("doc_type", "Loại văn bản"), ("number", "Số, ký hiệu"), ("issuer", "Cơ quan ban hành"),
    ("place", "Địa danh"), ("date", "Ngày"), ("subject", "Trích yếu"), ("title", "Tiêu đề"),
    ("signer", "Người ký"), ("signer_capacity", "Thẩm quyền ký"), ("author", "Tác giả"),
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "parse", help="đọc một tệp và in siêu dữ liệu, văn bản được trích dẫn và các đoạn",
        description="Đọc một tệp (PDF, DOCX, HTML, văn bản) và in những gì trích xuất được, không lập chỉ mục.",
    )
    parser.add_argument("file", type=Path, metavar="TỆP")
    parser.add_argument("--json", action="store_true", help="in toàn bộ kết quả dạng JSON")
    add_index_option(parser)
    from vankien.cli.index import add_limit_options

    add_limit_options(parser)
    parser.set_defaults(func=run)


def _summary(doc) -> str:
    m = doc.metadata
    out = [f"Tệp: {doc.source_path} ({doc.source_format}, mã {doc.doc_id})"]
    out += [f"  {label}: {getattr(m, name)}" for name, label in _FIELDS if getattr(m, name)]
    if doc.page_starts:
        out.append(f"  Số trang: {len(doc.page_starts)}")
    out.append(f"Văn bản được trích dẫn: {len(doc.references)}")
    for ref in doc.references:
        extra = ", ".join(x for x in (ref.date, ref.issuer) if x)
        out.append(f"  - {ref.doc_type or '?'} {ref.number}" + (f" ({extra})" if extra else ""))
    for note in getattr(doc, "notes", ()):
        out.append(f"  Chú ý: {note}")
    out.append(f"Đoạn: {len(doc.passages)}")
    for p in doc.passages:
        pages = f" tr. {', '.join(map(str, p.pages))}" if p.pages else ""
        if getattr(p, "scanned", False):
            pages += " (bản quét)"
        preview = " ".join(p.text.split())[:100]
        out.append(f"  [{p.ordinal}] {p.section or '(phần đầu)'}{pages} [{p.start}:{p.end}]\n      {preview}…")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from ingest.records import IngestError
    from vankien.cli.index import _parser

    if args.file.is_dir():
        print(f"LỖI: {args.file} là một thư mục; `vankien parse` đọc từng tệp (ví dụ "
              f"`vankien parse {args.file}/ten-tep.pdf`); để nạp cả thư mục dùng `vankien ingest {args.file}`.",
              file=sys.stderr)
        return 2
    if not args.file.exists():
        print(f"LỖI: không tìm thấy tệp {args.file}", file=sys.stderr)
        return 2
    try:
        doc = _parser(args).parse(args.file)  # in the worker: a hostile file is refused, not read whole
    except IngestError as exc:
        print(f"LỖI: {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    if args.json:
        data = doc.to_json()
        data.pop("text", None)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_summary(doc))
    return 0
