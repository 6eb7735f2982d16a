"""Who may use this server and what each may do: how people log in, their roles, the audit log.

Three ways a server runs, fixed when it starts:

- accounts: `<index>/nguoi-dung.json` has users (vankien user add). Each logs in with a name and
  an Argon2id-checked password; a reader searches, asks and builds packs, an editor also adds,
  removes and corrects documents.
- one login: no users file, VANKIEN_USER and VANKIEN_PASSWORD set. That one account is an editor.
- open: neither. Whoever reaches the page may do everything (the server then only listens on
  this machine unless started with --allow-no-login, see vankien/cli/serve.py).

The web callbacks that change the index call `require_editor(request)` (the check is on the server,
whatever the page shows) and then `audit(...)`: one JSON line per upload, removal or correction in
`<index>/nhat-ky.jsonl` with time, user, address and outcome (and each refused attempt).
"""
from __future__ import annotations

import asyncio
import hmac
import json
import math
import sys
import threading
from contextvars import ContextVar
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from vankien.auth.throttle import LoginThrottle
from vankien.auth.users import EDITOR, READER, UserStore

AUDIT_FILE = "nhat-ky.jsonl"
ANONYMOUS = "(không đăng nhập)"
# The client address of the request being handled, set by vankien.auth.web.LoginRequired: Gradio
# hands a login check only the name and password.
CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("vankien_client_address", default=None)


class Access:
    def __init__(self, home: Path | None = None, users: UserStore | None = None,
                 single_login: tuple[str, str] | None = None, throttle: LoginThrottle | None = None):
        self.home = Path(home) if home else None
        self.users = users if users is not None and users else None
        self.single_login = None if self.users else single_login
        self.throttle = throttle or LoginThrottle()
        self._audit_lock = threading.Lock()

    @property
    def mode(self) -> str:
        return "accounts" if self.users else "single" if self.single_login else "open"

    @property
    def login_required(self) -> bool:
        return self.mode != "open"

    def role_of(self, username: str | None) -> str | None:
        """The role of a logged-in name (None: no such account now); everything when open."""
        if self.mode == "open":
            return EDITOR
        if self.users:
            return self.users.role_of(username)
        return EDITOR if username == self.single_login[0] else None

    def check_password(self, name: str, password: str) -> bool:
        if self.users:
            return self.users.verify(name, password) is not None
        if self.single_login:
            user, secret = self.single_login
            same_name = hmac.compare_digest(name.strip().encode(), user.encode())
            return hmac.compare_digest(password.encode(), secret.encode()) and same_name
        return False

    async def authenticate(self, name: str, password: str) -> bool:
        """Gradio's login check (auth=...): throttled per name and client address."""
        from fastapi import HTTPException

        keys = self.throttle.keys(name, CLIENT_ADDRESS.get())
        wait = self.throttle.begin(keys)
        if wait:
            # 400 is what Gradio's login form shows as wrong credentials; API clients read the detail
            raise HTTPException(
                status_code=400, headers={"Retry-After": str(math.ceil(wait))},
                detail=f"Đăng nhập sai quá nhiều lần: tạm khóa, thử lại sau {math.ceil(wait / 60)} phút.")
        if await asyncio.to_thread(self.check_password, name, password):
            self.throttle.succeeded(keys)
            return True
        await asyncio.sleep(self.throttle.delay(keys))
        return False

    # ---- roles in the web callbacks

    def is_editor(self, request: Any) -> bool:
        return self.role_of(getattr(request, "username", None)) == EDITOR

    def require_editor(self, request: Any, action: str) -> str:
        """The editor's name (or ANONYMOUS on an open server); gr.Error for anyone else."""
        if self.is_editor(request):
            return getattr(request, "username", None) or ANONYMOUS
        self.audit(request, "refused", wanted=action)
        import gradio as gr

        raise gr.Error(f"Tài khoản này chỉ được tra cứu, không được {action}. "
                       "Cần tài khoản biên tập (hỏi quản trị viên).", print_exception=False)

    def audit(self, request: Any, action: str, **details: Any) -> None:
        """Append one line to <index>/nhat-ky.jsonl; a failed write is reported, never raised."""
        if self.home is None:
            return
        client = getattr(request, "client", None)
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "user": getattr(request, "username", None) or ANONYMOUS,
                 "address": getattr(client, "host", None), "action": action, **details}
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        try:
            with self._audit_lock, open(self.home / AUDIT_FILE, "a", encoding="utf-8") as f:
                f.write(line)
        except OSError as exc:
            print(f"Không ghi được nhật ký {self.home / AUDIT_FILE}: {exc}; việc: {line}", file=sys.stderr)


_current = Access()


def install(access: Access) -> None:
    """Make `access` the policy of this process's web app (vankien serve does, before launching)."""
    global _current
    _current = access


def current() -> Access:
    return _current


def require_editor(request: Any, action: str) -> str:
    return _current.require_editor(request, action)


def is_editor(request: Any) -> bool:
    return _current.is_editor(request)


def audit(request: Any, action: str, **details: Any) -> None:
    _current.audit(request, action, **details)


__all__ = ["Access", "CLIENT_ADDRESS", "EDITOR", "READER", "audit", "current", "install", "is_editor",
           "require_editor"]
