"""Accounts of one Văn kiện server: `<index>/nguoi-dung.json`, passwords hashed with Argon2id.

The file holds, per user, a role and an Argon2id hash (argon2-cffi: salt, parameters and hash in
one PHC string; the parameters are OWASP's Argon2id minimum, 19 MiB, 2 passes, 1 lane, about
0.1 s a check on this 2-core machine). Nothing else: no e-mail, no last login, no query.

The file is rewritten whole through a temporary sibling and a rename, readable by its owner only,
and reread whenever its modification time changes, so `vankien user add/remove/passwd` takes
effect on a running server at its next request.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

USERS_FILE = "nguoi-dung.json"
READER, EDITOR = "reader", "editor"
ROLES = {READER: "người đọc (tra cứu, hỏi đáp, tài liệu sinh hoạt)",
         EDITOR: "biên tập (thêm, gỡ, sửa văn bản; và mọi việc của người đọc)"}
MIN_PASSWORD = 8
MAX_NAME = 64

# OWASP Password Storage Cheat Sheet, Argon2id minimum configuration.
DEFAULT_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str
    created: str = ""


def clean_name(name: str) -> str:
    """The account name as stored: NFC, trimmed; letters, digits and . _ - @ only."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name or len(name) > MAX_NAME or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise ValueError(f"Tên đăng nhập «{name}» không hợp lệ: 1–{MAX_NAME} ký tự, chỉ gồm chữ, số và . _ - @.")
    return name


def check_password(password: str) -> str:
    password = unicodedata.normalize("NFC", password or "")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"Vai trò «{role}» không có; chọn một trong: {', '.join(ROLES)}.")
    return role


class UserStore:
    """The users file of one index folder. Safe to share between threads."""

    def __init__(self, home: Path, hasher: PasswordHasher = DEFAULT_HASHER):
        self.path = Path(home) / USERS_FILE
        self.hasher = hasher
        self._lock = threading.Lock()
        self._cache: tuple[float, dict[str, User]] | None = None
        # verifying an unknown name costs as much as a known one: no timing tells which names exist
        self._dummy = hasher.hash("không phải mật khẩu của ai")

    # ---- reading

    def users(self) -> dict[str, User]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._cache is None or self._cache[0] != mtime:
                self._cache = (mtime, self._read())
            return self._cache[1]

    def _read(self) -> dict[str, User]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {u["name"]: User(u["name"], check_role(u["role"]), u["password_hash"], u.get("created", ""))
                    for u in data.get("users", [])}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SystemExit(f"Tệp tài khoản {self.path} hỏng ({exc}); sửa hoặc xóa tệp rồi tạo lại tài khoản.")

    def __bool__(self) -> bool:
        return bool(self.users())

    def role_of(self, name: str | None) -> str | None:
        user = self.users().get(name or "")
        return user.role if user else None

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is theirs; None otherwise (unknown names cost the same)."""
        try:
            name = clean_name(name)
        except ValueError:
            name = ""
        user = self.users().get(name)
        password = unicodedata.normalize("NFC", password or "")
        try:
            self.hasher.verify(user.password_hash if user else self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if self.hasher.check_needs_rehash(user.password_hash):  # stronger parameters since
            self._write(lambda users: users.update(
                {user.name: User(user.name, user.role, self.hasher.hash(password), user.created)}))
        return user

    # ---- changing

    def add(self, name: str, role: str, password: str) -> User:
        name, role, password = clean_name(name), check_role(role), check_password(password)
        user = User(name, role, self.hasher.hash(password),
                    datetime.now(timezone.utc).isoformat(timespec="seconds"))

        def change(users: dict[str, User]) -> None:
            if name in users:
                raise ValueError(f"Tài khoản «{name}» đã có; đổi mật khẩu bằng: vankien user passwd {name}")
            users[name] = user
        self._write(change)
        return user

    def remove(self, name: str) -> None:
        name = clean_name(name)
        self._write(lambda users: users.pop(self._existing(users, name)))

    def set_password(self, name: str, password: str) -> None:
        name, password = clean_name(name), check_password(password)
        new_hash = self.hasher.hash(password)

        def change(users: dict[str, User]) -> None:
            old = users[self._existing(users, name)]
            users[name] = User(name, old.role, new_hash, old.created)
        self._write(change)

    def set_role(self, name: str, role: str) -> None:
        name, role = clean_name(name), check_role(role)

        def change(users: dict[str, User]) -> None:
            old = users[self._existing(users, name)]
            users[name] = User(name, role, old.password_hash, old.created)
        self._write(change)

    @staticmethod
    def _existing(users: dict[str, User], name: str) -> str:
        if name not in users:
            raise ValueError(f"Không có tài khoản «{name}» (xem: vankien user list).")
        return name

    def _write(self, change) -> None:
        with self._lock:
            users = dict(self._read()) if self.path.exists() else {}
            change(users)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {"users": [asdict(u) for u in sorted(users.values(), key=lambda u: u.name)]}
            fd, tmp = tempfile.mkstemp(prefix=".nguoi-dung-", dir=self.path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(data, f, ensure_ascii=False, indent=1)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._cache = None
