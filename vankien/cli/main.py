"""`vankien` command-line tool. Each sub-command lives in its own module with register(subparsers)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Modules that define sub-commands; each exposes register(subparsers) and sets func=run(args)->int.
COMMAND_MODULES = [
    "vankien.cli.parse",  # parse
    "vankien.cli.index",  # ingest, search, remove, stats
    "vankien.cli.topics",  # topics
    "vankien.cli.eval",  # eval
    "vankien.cli.answer",  # ask, pack, refs, similar
    "vankien.cli.serve",  # serve
    "vankien.cli.convert",  # convert-encoder
    "vankien.cli.user",  # user add|remove|passwd|role|list
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vankien",
        description="Văn kiện — tra cứu và hỏi đáp văn kiện Đảng, chạy ngoại tuyến trên máy của bạn.",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # the reader went away (`vankien search ... --json | head`): stop quietly, as Unix tools do;
        # stdout is pointed at /dev/null so the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
