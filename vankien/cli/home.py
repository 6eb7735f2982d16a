"""Where the index lives: --index DIR, else $VANKIEN_HOME, else the per-user data folder."""
from __future__ import annotations

import argparse
import os
from pathlib import Path


def default_home() -> Path:
    if os.environ.get("VANKIEN_HOME"):
        return Path(os.environ["VANKIEN_HOME"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data) / "vankien"


def add_index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index", metavar="DIR", type=Path, default=None,
        help="thư mục chỉ mục (mặc định: $VANKIEN_HOME, nếu không có thì ~/.local/share/vankien)",
    )


def index_dir(args: argparse.Namespace) -> Path:
    return args.index if getattr(args, "index", None) else default_home()
