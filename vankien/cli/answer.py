"""Sub-commands ask, pack, refs, coverage, similar: thin over vankien.services.answers."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vankien.answers.citation import format_date
from vankien.cli.home import add_index_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="hỏi một câu, trả lời kèm trích dẫn nguồn")
    p.add_argument("question", metavar="CÂU_HỎI")
    p.add_argument("-k", type=int, default=15, help="số đoạn văn bản dùng để trả lời (mặc định 15)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--no-llm", action="store_true",
                   help="không gọi mô hình ngôn ngữ kể cả khi đã cấu hình VANKIEN_LLM_URL")
    add_index_option(p)
    p.set_defaults(func=run_ask)

    p = sub.add_parser("pack", help="chuẩn bị tài liệu sinh hoạt chuyên đề (DOCX, Markdown)")
    p.add_argument("theme", metavar="CHỦ_ĐỀ")
    p.add_argument("-k", type=int, default=20, help="số đoạn ứng viên (mặc định 20)")
    p.add_argument("--out", type=Path, metavar="TỆP.docx", help="ghi tài liệu DOCX")
    p.add_argument("--md", type=Path, metavar="TỆP.md", help="ghi tài liệu Markdown")
    p.add_argument("--pdf", type=Path, metavar="TỆP.pdf", help="ghi tài liệu PDF (cần LibreOffice)")
    p.add_argument("--dang-bo", default=None, metavar="TÊN",
                   help="đảng bộ cấp trên ở đầu tài liệu (lưu lại cho các lần sau), ví dụ \"Đảng bộ xã Hòa An\"")
    p.add_argument("--chi-bo", default=None, metavar="TÊN",
                   help="tên chi bộ ở đầu tài liệu (lưu lại cho các lần sau), ví dụ \"Chi bộ thôn 3\"")
    p.add_argument("--dia-danh", default=None, metavar="TÊN",
                   help="địa danh ở dòng ngày tháng (lưu lại cho các lần sau), ví dụ \"Hòa An\"")
    p.add_argument("--note", default="", help="ghi chú đưa vào đầu tài liệu")
    p.add_argument("--keep", default="", metavar="SỐ,SỐ",
                   help="chỉ giữ các đoạn có số thứ tự này, theo thứ tự này (ví dụ 3,1,2)")
    p.add_argument("--json", action="store_true")
    add_index_option(p)
    p.set_defaults(func=run_pack)

    p = sub.add_parser("refs", help="văn bản căn cứ và văn bản triển khai, nhắc đến một văn bản")
    p.add_argument("doc", metavar="VĂN_BẢN", help="mã văn bản, số hiệu (45-CT/TW) hoặc một phần tiêu đề")
    p.add_argument("--json", action="store_true")
    add_index_option(p)
    p.set_defaults(func=run_refs)

    p = sub.add_parser("coverage", help="Đã đưa tin chưa? Bản tin, tin bài đã đưa về một văn bản/chủ đề")
    p.add_argument("target", metavar="SỐ_HIỆU_HOẶC_CHỦ_ĐỀ")
    p.add_argument("--json", action="store_true")
    add_index_option(p)
    p.set_defaults(func=run_coverage)

    p = sub.add_parser("similar", help="văn bản gần giống một văn bản (hoặc một đoạn: VĂN_BẢN#SỐ)")
    p.add_argument("doc", metavar="VĂN_BẢN")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    add_index_option(p)
    p.set_defaults(func=run_similar)


def _service(args):
    from vankien.services.answers import AnswerService
    from vankien.cli.home import index_dir, index_problem

    problem = index_problem(index_dir(args), must_exist=True)
    if problem:
        raise SystemExit(f"LỖI: {problem}")
    return AnswerService.open(index_dir(args))


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def run_ask(args) -> int:
    svc = _service(args)
    answer = svc.ask(args.question, k=args.k, use_llm=not args.no_llm)
    if args.json:
        _print_json(answer.to_json())
        return 0
    from vankien.answers.sentences import trim_around

    print(answer.text)
    if answer.note:
        print(answer.note)
    for c in answer.citations:
        print(f"[{c.n}] {c.citation}")
        print(f"    «{trim_around(' '.join((c.quote or c.sentence).split()), 0, 0)}»  ({c.doc_id}, đoạn {c.ordinal})")
    if answer.generated:
        print("(câu trả lời do mô hình ngôn ngữ soạn từ các đoạn trích trên)")
    return 0


def run_pack(args) -> int:
    import shutil
    import tempfile
    from dataclasses import replace

    from vankien.answers.handout_docx import export_docx, export_pdf
    from vankien.answers.pack import export_markdown, pack_to_json

    svc = _service(args)
    try:
        pack = svc.pack(args.theme, k=args.k)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    items = pack.items()
    keep = None
    if args.keep.strip():
        try:
            keep = [items[int(x) - 1].key for x in args.keep.split(",") if x.strip()]
        except (ValueError, IndexError):
            print(f"Lỗi: --keep nhận số thứ tự từ 1 đến {len(items)}, cách nhau bằng dấu phẩy", file=sys.stderr)
            return 2
    if args.json:
        _print_json(pack_to_json(pack))
    else:
        n = 0
        print(f"Chuyên đề: {pack.theme} — {len(items)} đoạn trong {len(pack.groups)} văn bản")
        for g in pack.groups:
            print(f"\n■ {g.source}{'  [Trung ương]' if g.central else ''}")
            for item in g.items:
                n += 1
                text = " ".join(item.text.split())
                print(f"  {n:>2}. {text[:160]}{'…' if len(text) > 160 else ''}")
                print(f"      — {item.citation}")
    handout = svc.handout(pack, keep=keep, note=args.note)
    letterhead = svc.letterhead()
    given = {"parent": args.dang_bo, "branch": args.chi_bo, "place": args.dia_danh}
    if any(v is not None for v in given.values()):
        letterhead = replace(letterhead, **{k: v.strip() for k, v in given.items() if v is not None})
        svc.save_letterhead(letterhead)
    if args.out or args.pdf:
        # --pdf alone: the DOCX it is rendered from goes to a temporary folder, never beside the PDF
        docx_path = args.out or Path(tempfile.mkdtemp(prefix="vankien-pack-")) / args.pdf.with_suffix(".docx").name
        export_docx(handout, docx_path, letterhead)
        if args.out:
            print(f"\nĐã ghi {args.out} ({len(handout.items)} đoạn).", file=sys.stderr)
        if args.pdf:
            pdf = export_pdf(docx_path)
            if pdf is None:
                print("Không xuất được PDF: cần cài LibreOffice (apt-get install libreoffice-writer-nogui).",
                      file=sys.stderr)
                return 1
            if pdf.resolve() != args.pdf.resolve():
                pdf.replace(args.pdf)
            if not args.out:
                shutil.rmtree(docx_path.parent, ignore_errors=True)
            print(f"Đã ghi {args.pdf}.", file=sys.stderr)
    if args.md:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        args.md.write_text(export_markdown(handout), encoding="utf-8")
        print(f"Đã ghi {args.md}.", file=sys.stderr)
    return 0


def run_refs(args) -> int:
    svc = _service(args)
    links = svc.refs(args.doc)
    if links is None:
        print(f"Không tìm thấy văn bản «{args.doc}» trong chỉ mục.", file=sys.stderr)
        return 1
    titles = svc.titles()
    if args.json:
        _print_json(links.to_json(titles))
        return 0
    print(f"{links.doc.title}  ({links.doc.doc_id})")
    print("\nCăn cứ / văn bản được nhắc đến:")
    for x in links.cites or ():
        where = f"→ {titles.get(x.target_id, x.target_id)}" if x.target_id else "(chưa có trong chỉ mục)"
        print(f"  • {' '.join(p for p in (x.doc_type, x.number, format_date(x.date)) if p)} {where}")
    if not links.cites:
        print("  (không có)")
    print("\nĐược triển khai / được nhắc đến trong:")
    for x in links.cited_by:
        doc = svc.info(x.source_id)
        date = format_date(doc.date) if doc else ""
        print(f"  • {x.relation}: {titles.get(x.source_id, x.source_id)}{' — ' + date if date else ''}")
    if not links.cited_by:
        print("  (không có)")
    return 0


def run_coverage(args) -> int:
    svc = _service(args)
    try:
        label, items = svc.coverage(args.target)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json({"target": label, "coverage": [c.__dict__ for c in items]})
        return 0
    from vankien.answers.links import names_a_document

    covered = [c for c in items if c.covered]
    related = [c for c in items if not c.covered]
    if names_a_document(label):
        print(f"Đã đưa tin về «{label}»: {len(covered)} bản tin/tin bài" if covered else
              f"Chưa thấy bản tin, tin bài nào đưa tin về «{label}».")
        for c in covered:
            print(f"  • {format_date(c.date) or '(không rõ ngày)'}: {c.title}  [{c.how}]")
            print(f"      {c.context[:200]}")
        if related:
            print(f"\nCó thể liên quan (cùng chủ đề, không nêu «{label}»): {len(related)}")
    elif related:
        print(f"Bản tin, tin bài có thể liên quan đến «{label}»: {len(related)}")
    else:
        print(f"Chưa thấy bản tin, tin bài nào về «{label}».")
    for c in related:
        print(f"  • {format_date(c.date) or '(không rõ ngày)'}: {c.title}  [{c.how}]")
        print(f"      {c.context[:200]}")
    return 0


def run_similar(args) -> int:
    svc = _service(args)
    try:
        found, label = svc.similar(args.doc, k=args.k)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    if args.json:
        _print_json({"of": label, "similar": [s.to_json() for s in found]})
        return 0
    print(f"Gần giống {label}:")
    for s in found:
        text = " ".join(s.text.split())
        print(f"  {s.score:.3f}  {s.title}  ({s.doc_id}, đoạn {s.ordinal})")
        print(f"         {text[:160]}{'…' if len(text) > 160 else ''}")
    return 0
