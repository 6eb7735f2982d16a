"""`vankien user add|remove|passwd|role|list`: the accounts of the web server (vankien/auth/users.py).

Passwords come from VANKIEN_PASSWORD when it is set (scripts), otherwise from a prompt typed twice;
they are never taken as a command-line argument (other users of the machine can read those).
A running server sees the changes at its next request.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from vankien.cli.home import add_index_option, index_dir


def register(subparsers) -> None:
    p = subparsers.add_parser("user", help="quản lý tài khoản đăng nhập giao diện web",
                              description="Tài khoản lưu trong <thư mục chỉ mục>/nguoi-dung.json, mật khẩu "
                                          "được băm (Argon2id). Mật khẩu: biến VANKIEN_PASSWORD hoặc gõ khi được hỏi.")
    sub = p.add_subparsers(dest="user_command", metavar="VIỆC", required=True)
    add = sub.add_parser("add", help="thêm tài khoản")
    add.add_argument("name", metavar="TÊN")
    add.add_argument("--role", choices=["reader", "editor"], required=True,
                     help="reader: tra cứu, hỏi đáp, tài liệu sinh hoạt; editor: cả thêm, gỡ, sửa văn bản")
    remove = sub.add_parser("remove", help="xóa tài khoản (phiên đang mở cũng kết thúc)")
    remove.add_argument("name", metavar="TÊN")
    passwd = sub.add_parser("passwd", help="đặt mật khẩu mới")
    passwd.add_argument("name", metavar="TÊN")
    role = sub.add_parser("role", help="đổi vai trò")
    role.add_argument("name", metavar="TÊN")
    role.add_argument("role", choices=["reader", "editor"], metavar="VAI_TRÒ", help="reader hoặc editor")
    sub.add_parser("list", help="liệt kê tài khoản")
    for parser in (add, remove, passwd, role, sub.choices["list"]):
        add_index_option(parser)
        parser.set_defaults(func=run)


def read_password(environ=os.environ, prompt=getpass.getpass, interactive: bool | None = None) -> str:
    if environ.get("VANKIEN_PASSWORD"):
        return environ["VANKIEN_PASSWORD"]
    if not (sys.stdin.isatty() if interactive is None else interactive):
        raise ValueError("Cần mật khẩu: đặt biến VANKIEN_PASSWORD hoặc chạy lệnh trong cửa sổ dòng lệnh để gõ.")
    first = prompt("Mật khẩu: ")
    if prompt("Gõ lại mật khẩu: ") != first:
        raise ValueError("Hai lần gõ mật khẩu không khớp.")
    return first


def run(args: argparse.Namespace) -> int:
    from vankien.auth.users import ROLES, UserStore

    store = UserStore(index_dir(args))
    try:
        if args.user_command == "list":
            users = store.users()
            if not users:
                print(f"Chưa có tài khoản nào ({store.path}). Thêm: vankien user add TEN --role editor")
            for user in users.values():
                print(f"{user.name}\t{user.role}\t{ROLES[user.role]}\ttạo {user.created}")
            return 0
        if args.user_command == "add":
            first = not store
            user = store.add(args.name, args.role, read_password())
            print(f"Đã thêm tài khoản «{user.name}» ({user.role}) vào {store.path}.")
            if first:
                print("Đây là tài khoản đầu tiên: từ giờ giao diện web cần đăng nhập "
                      "(khởi động lại vankien serve nếu đang chạy).")
        elif args.user_command == "remove":
            store.remove(args.name)
            print(f"Đã xóa tài khoản «{args.name}».")
            if not store:
                print("Không còn tài khoản nào: lần khởi động sau, giao diện web không cần đăng nhập "
                      "và chỉ mở trên máy này (127.0.0.1).")
        elif args.user_command == "passwd":
            if store.role_of(args.name.strip()) is None:
                raise ValueError(f"Không có tài khoản «{args.name}» (xem: vankien user list).")
            store.set_password(args.name, read_password())
            print(f"Đã đổi mật khẩu của «{args.name}».")
        elif args.user_command == "role":
            store.set_role(args.name, args.role)
            print(f"«{args.name}» giờ là {args.role}.")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0
