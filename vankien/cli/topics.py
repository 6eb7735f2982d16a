"""`vankien topics`: the topic list, counts per topic and month, and relabelling after an edit.

    vankien topics                  topics with their passage and document counts
    vankien topics --init           write the list beside the index (topics.json) to edit it
    vankien topics --recompute      label every passage again with topics.json (stored vectors, no re-embedding)
    vankien topics --show KEY [--month 2024-08]   the passages of one topic
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from vankien.cli.home import add_index_option, index_dir, index_problem


def topic_keys(lib, names: list[str]) -> tuple[str, ...] | None:
    """The topic keys the user named (keys or labels, with or without diacritics); None after
    printing which name matched nothing."""
    topics = lib.topic_list()
    keys = []
    for name in names:
        key = topics.find(name)
        if key is None:
            print(f"LỖI: không có chủ đề {name!r}. Các chủ đề: " + ", ".join(topics.keys()), file=sys.stderr)
            return None
        keys.append(key)
    return tuple(keys)


def _open(args: argparse.Namespace, must_exist: bool):
    """The index as it was built (its own encoder: the stored vectors are relabelled, not re-encoded)."""
    from index.library import IndexMismatchError, Library

    problem = index_problem(index_dir(args), must_exist)
    if problem:
        print(f"LỖI: {problem}", file=sys.stderr)
        return None
    try:
        return Library.open(index_dir(args))
    except (IndexMismatchError, ValueError) as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return None


def run_topics(args: argparse.Namespace) -> int:
    lib = _open(args, must_exist=not args.init)
    if lib is None:
        return 2
    if args.init:
        return _init(lib)
    if args.recompute:
        try:
            n = lib.recompute_topics()
        except ValueError as exc:
            print(f"LỖI: {exc}", file=sys.stderr)
            return 2
        print(f"Đã gán lại chủ đề: {n} trên {len(lib)} đoạn có ít nhất một chủ đề.")
    status = lib.topic_status()
    if status:
        print(status)
    if args.show:
        keys = topic_keys(lib, [args.show])
        if keys is None:
            return 2
        for hit in lib.topic_hits(keys[0], args.month or "", args.k):
            meta = " · ".join(x for x in (hit.doc_type, hit.number, hit.date) if x)
            text = " ".join(hit.text.split())
            print(f"[{hit.score:.3f}] {hit.title} ({meta}), đoạn {hit.ordinal}\n   {text[:240]}")
        return 0
    _print_counts(lib)
    return 0


def _print_counts(lib) -> None:
    topics = lib.topic_list()
    per_topic: dict[str, list] = defaultdict(list)
    for c in lib.topic_counts():
        per_topic[c.topic].append(c)
    for t in topics.topics:
        rows = per_topic.get(t.key, [])
        months = ", ".join(f"{c.month or 'không rõ ngày'}: {c.passages}" for c in rows[:6])
        print(f"{t.key:24} {sum(c.passages for c in rows):5d} đoạn  {t.label}" + (f"\n{'':24} {months}" if months else ""))


def _init(lib) -> int:
    from index.library_topics import topics_json
    from index.topics import FILE_NAME

    target = lib.home / FILE_NAME
    if target.exists():
        print(f"{target} đã có; sửa tệp đó rồi chạy vankien topics --recompute.")
        return 0
    target.write_text(topics_json(lib.topic_list()), encoding="utf-8")
    print(f"Đã ghi {target}. Sửa mô tả hoặc thêm chủ đề, rồi chạy vankien topics --recompute.")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("topics", help="chủ đề của các đoạn: danh sách, số đoạn, gán lại")
    p.add_argument("--recompute", action="store_true",
                   help="gán lại chủ đề cho mọi đoạn theo topics.json (dùng vectơ đã lưu, không mã hóa lại)")
    p.add_argument("--init", action="store_true", help="ghi danh sách chủ đề ra topics.json cạnh chỉ mục để sửa")
    p.add_argument("--show", metavar="CHỦ_ĐỀ", help="liệt kê các đoạn của một chủ đề (mã hoặc tên)")
    p.add_argument("--month", metavar="THÁNG", help="với --show: chỉ năm YYYY hoặc tháng YYYY-MM này")
    p.add_argument("-k", type=int, default=20, help="với --show: số đoạn tối đa (mặc định 20)")
    add_index_option(p)
    p.set_defaults(func=run_topics)
