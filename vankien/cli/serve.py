"""`vankien serve`: open the index (ingesting a folder first when it is empty) and serve the web UI.

Login is optional and only ever uses credentials the administrator sets: the environment variables
VANKIEN_USER and VANKIEN_PASSWORD (or --user with VANKIEN_PASSWORD). There is no default password.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vankien.cli.home import add_index_option, index_dir


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="mở giao diện web tra cứu (mặc định http://127.0.0.1:7860)",
        description="Mở giao diện web Văn kiện. Đăng nhập (không bắt buộc): đặt biến môi trường "
                    "VANKIEN_USER và VANKIEN_PASSWORD trước khi chạy.",
    )
    add_index_option(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này; 0.0.0.0: cả mạng nội bộ)")
    p.add_argument("--port", type=int, default=7860, help="cổng (mặc định 7860)")
    p.add_argument("--ingest", metavar="PATH", type=Path, default=None,
                   help="nếu chỉ mục chưa có văn bản nào, lập chỉ mục thư mục/tệp này trước khi mở giao diện")
    p.add_argument("--user", default=None,
                   help="tên đăng nhập (mật khẩu lấy từ biến môi trường VANKIEN_PASSWORD)")
    p.set_defaults(func=run)


def login_from(args: argparse.Namespace, environ=os.environ) -> tuple[str, str] | None:
    """(user, password) when the administrator set both; None for no login. Half a login is an error."""
    user = (getattr(args, "user", None) or environ.get("VANKIEN_USER", "")).strip()
    password = environ.get("VANKIEN_PASSWORD", "")
    if not user and not password:
        return None
    if not user or not password:
        raise SystemExit(
            "Đăng nhập cần cả tên và mật khẩu: đặt VANKIEN_USER (hoặc --user) và VANKIEN_PASSWORD, "
            "hoặc bỏ cả hai để không dùng đăng nhập."
        )
    return user, password


def run(args: argparse.Namespace) -> int:
    auth = login_from(args)
    # Set here, not at import: no usage statistics or version checks leave this machine.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from index.library import Library
    from vankien.services.search import SearchService

    home = index_dir(args)
    library = Library.open(home)
    if args.ingest is not None and not library.documents():
        if not args.ingest.exists():
            print(f"Không thấy thư mục «{args.ingest}» để lập chỉ mục; bỏ qua.", file=sys.stderr)
        else:
            print(f"Chỉ mục đang trống: lập chỉ mục «{args.ingest}» vào {home} …", flush=True)
            count = 0

            def progress(path: str) -> None:  # one line per file, as the Library starts on it
                nonlocal count
                count += 1
                print(f"  {count}. {Path(path).name}", flush=True)

            report = library.ingest([args.ingest], progress=progress)
            for outcome in report.failed:
                print(f"  Lỗi: {outcome.path}: {outcome.reason}", file=sys.stderr, flush=True)
            print(f"Đã thêm {report.count('added')} văn bản; {len(report.failed)} tệp lỗi.", flush=True)

    import app  # the UI module at the repository root (installed as a py-module)

    service = SearchService(library, upload_dir=home / "tai-len")
    demo = app.build_app(service)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Mở trình duyệt tại http://{shown_host}:{args.port}  (Ctrl+C để dừng)", flush=True)
    app.launch(demo, host=args.host, port=args.port, auth=auth, quiet=True)
    return 0
