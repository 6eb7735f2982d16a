"""`vankien serve`: open the index (ingesting a folder first when it is empty) and serve the web UI.

Who may log in (vankien/auth/access.py): the accounts of `<index>/nguoi-dung.json` (`vankien user
add`), else the one account of VANKIEN_USER (or --user) and VANKIEN_PASSWORD, else nobody needs to.
There is no default password. Without a login the server refuses to listen beyond this machine
(--host 0.0.0.0 or a network address) unless --allow-no-login says that is meant.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from vankien.cli.home import add_index_option, index_dir


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="mở giao diện web tra cứu (mặc định http://127.0.0.1:7860)",
        description="Mở giao diện web Văn kiện. Đăng nhập: tạo tài khoản bằng `vankien user add` "
                    "(hoặc đặt VANKIEN_USER và VANKIEN_PASSWORD cho một tài khoản duy nhất).",
    )
    add_index_option(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này; 0.0.0.0: cả mạng nội bộ)")
    p.add_argument("--port", type=int, default=7860, help="cổng (mặc định 7860)")
    p.add_argument("--ingest", metavar="PATH", type=Path, default=None,
                   help="nếu chỉ mục chưa có văn bản nào, lập chỉ mục thư mục/tệp này trước khi mở giao diện")
    p.add_argument("--user", default=None,
                   help="tên đăng nhập duy nhất (mật khẩu lấy từ biến môi trường VANKIEN_PASSWORD); "
                        "nên dùng tài khoản riêng: vankien user add")
    p.add_argument("--allow-no-login", action="store_true",
                   help="cho phép mở ra mạng (--host khác 127.0.0.1) khi chưa có tài khoản nào: "
                        "ai vào được mạng cũng thêm, gỡ văn bản được")
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


WARM_UP_WAIT = 120  # seconds at most; a longer warm-up goes on after the server has started


def is_loopback(host: str) -> bool:
    """True when `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def no_login_refusal(host: str) -> str:
    return (f"Không mở máy chủ trên «{host}»: địa chỉ này cho cả mạng vào, mà chưa có tài khoản nào, "
            "nên ai vào được mạng cũng xem, thêm và gỡ văn bản được.\n"
            "Tạo tài khoản trước (mỗi người một tài khoản):\n"
            "    vankien user add TEN --role editor     (biên tập: thêm, gỡ, sửa văn bản)\n"
            "    vankien user add TEN --role reader     (người đọc: tra cứu, hỏi đáp)\n"
            "hoặc chỉ mở trên máy này (--host 127.0.0.1); nếu thật sự muốn mở cho mọi người: --allow-no-login.")


def run(args: argparse.Namespace) -> int:
    # Before gradio (or huggingface_hub) is imported: no statistics, no run history, no Hub.
    from vankien.server import privacy

    privacy.apply()
    from vankien.auth.access import Access, install
    from vankien.auth.users import UserStore

    home = index_dir(args)
    users = UserStore(home)
    if users and (getattr(args, "user", None) or os.environ.get("VANKIEN_USER")):
        print("Đã có tài khoản trong nguoi-dung.json: bỏ qua VANKIEN_USER/--user.", flush=True)
    access = Access(home, users, None if users else login_from(args))
    if not access.login_required and not is_loopback(args.host) and not args.allow_no_login:
        raise SystemExit(no_login_refusal(args.host))
    if access.mode == "single":
        print("Đăng nhập bằng một tài khoản chung (VANKIEN_USER). Nên tạo tài khoản riêng cho từng người, "
              "mật khẩu được băm: vankien user add TEN --role editor|reader", flush=True)

    from index.library import Library
    from vankien.server.warmup import import_underthesea_light, remember_missing_matplotlib, start_warm_up
    from vankien.services.search import SearchService

    library = Library.open(home)
    if args.ingest is not None and not library.documents():
        if not args.ingest.exists():
            print(f"Không thấy thư mục «{args.ingest}» để lập chỉ mục; bỏ qua.", file=sys.stderr)
        else:
            print(f"Chỉ mục đang trống: lập chỉ mục «{args.ingest}» vào {home} …", flush=True)
            import_underthesea_light()
            count = 0

            def progress(path: str) -> None:  # one line per file, as the Library starts on it
                nonlocal count
                count += 1
                print(f"  {count}. {Path(path).name}", flush=True)

            report = library.ingest([args.ingest], progress=progress)
            for outcome in report.failed:
                print(f"  Lỗi: {outcome.path}: {outcome.reason}", file=sys.stderr, flush=True)
            print(f"Đã thêm {report.count('added')} văn bản; {len(report.failed)} tệp lỗi.", flush=True)
    from index import keyword_ranges

    keyword_ranges.hold_loading()  # the compiled keyword loops load once the server answers
    warming = start_warm_up(library, log=lambda message: print(message, flush=True))
    remember_missing_matplotlib()

    import app  # the UI module at the repository root (installed as a py-module)

    service = SearchService(library, upload_dir=home / "tai-len")
    service.merge_if_due()  # segments left piled up by a CLI ingestion: merged in the background
    demo = app.build_app(service)
    install(access)
    # The warm-up runs beside building the UI, and ends before the server starts: launch() checks
    # its own page with a 3 s timeout, which a warm-up holding the interpreter could overrun.
    warming.join(timeout=WARM_UP_WAIT)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Mở trình duyệt tại http://{shown_host}:{args.port}  (Ctrl+C để dừng)", flush=True)
    app.launch(demo, host=args.host, port=args.port, access=access, quiet=True, serving=keyword_ranges.release_loading)
    return 0
