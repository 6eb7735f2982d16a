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


def index_problem(home: Path, must_exist: bool) -> str | None:
    """Why `home` cannot be used as an index folder, in Vietnamese, or None.

    Reading commands (search, ask, stats...) need an existing index: opening one would otherwise
    create an empty folder wherever a typo points."""
    if home.exists() and not home.is_dir():
        return f"{home} là một tệp, không phải thư mục chỉ mục; dùng --index THƯ_MỤC."
    if must_exist and not home.exists():
        return (f"Chỉ mục {home} không tồn tại. Kiểm tra lại --index, hoặc tạo chỉ mục bằng "
                f"`vankien ingest THƯ_MỤC --index {home}`.")
    return None
