"""`vankien` command-line tool. Each sub-command lives in its own module with register(subparsers)."""
from __future__ import annotations

import argparse
import importlib
import sys

# Modules that define sub-commands; each exposes register(subparsers) and sets func=run(args)->int.
COMMAND_MODULES = [
    "vankien.cli.parse",  # parse
    "vankien.cli.index",  # ingest, search, remove, stats
    "vankien.cli.eval",  # eval
    "vankien.cli.answer",  # ask, pack, refs, similar
    "vankien.cli.serve",  # serve
    "vankien.cli.user",  # user add|remove|passwd|role|list
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vankien",
        description="Văn kiện — tra cứu và hỏi đáp văn kiện Đảng, chạy ngoại tuyến trên máy của bạn.",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # sub-command not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
