"""The login around the whole web server, in front of Gradio's own routes.

Gradio checks the login on its queue, upload and file routes, but not on every route: FastAPI's
/openapi.json, the run-history and heartbeat routes and others answer anyone. LoginRequired, an
ASGI middleware inside the Gradio app, refuses with 401 every request without a valid session
when the server has a login, except what the login page itself needs (PUBLIC below). It also
refuses uploads (POST /gradio_api/upload) to readers with 403, and ends the session of an account
removed while logged in. Sessions are Gradio's: the cookie `access-token-<app id>` names a token
in `app.tokens`.
"""
from __future__ import annotations

import json
from typing import Any

from starlette.requests import cookie_parser

from vankien.auth.access import CLIENT_ADDRESS, Access
from vankien.auth.login_page import login_page
from vankien.auth.users import EDITOR

# What an anonymous browser needs to show the login page and log in; and the check Gradio's
# launch() makes on itself (startup-events answers only true/false).
PUBLIC = {("GET", "/"), ("HEAD", "/"), ("POST", "/login"), ("POST", "/login/"), ("GET", "/logout"),
          ("GET", "/favicon.ico"), ("GET", "/theme.css"), ("GET", "/gradio_api/theme.css"),
          ("GET", "/gradio_api/startup-events")}
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/")  # the page's own scripts, styles and fonts
EDITOR_ONLY = {("POST", "/gradio_api/upload"), ("POST", "/gradio_api/upload/")}

LOGIN_MESSAGE = "Cần đăng nhập."
LOGIN_RULE = ("Đăng nhập bằng tài khoản do quản trị viên cấp. Nhập sai 10 lần thì tài khoản và máy đang dùng "
              "bị tạm khóa 15 phút.")
EDITOR_MESSAGE = "Tài khoản này chỉ được tra cứu, không được tải tệp lên."


class LoginRequired:
    def __init__(self, app: Any, access: Access):
        self.app = app
        self.access = access

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = CLIENT_ADDRESS.set((scope.get("client") or (None,))[0])
        try:
            refusal = self.refusal(scope) if self.access.login_required else None
            if refusal is None and self._asks_for_login_page(scope):
                await _send(send, 200, "text/html; charset=utf-8", login_page(LOGIN_RULE))
            elif refusal is None:
                await self.app(scope, receive, send)
            else:
                await _refuse(scope, send, *refusal)
        finally:
            CLIENT_ADDRESS.reset(token)

    def refusal(self, scope) -> tuple[int, str] | None:
        method = scope.get("method", "GET")
        path = scope["path"]
        user = self.user(scope)
        if user is None:
            public = (method, path) in PUBLIC or (method in ("GET", "HEAD") and path.startswith(PUBLIC_PREFIXES))
            return None if public else (401, LOGIN_MESSAGE)
        if (method, path) in EDITOR_ONLY and self.access.role_of(user) != EDITOR:
            return 403, EDITOR_MESSAGE
        return None

    def _asks_for_login_page(self, scope) -> bool:
        """An anonymous browser opening the app's page: it gets the Vietnamese login form."""
        return (self.access.login_required and scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
                and scope["path"] == "/" and self.user(scope) is None)

    def user(self, scope) -> str | None:
        """The logged-in name of this request, if its session is valid and its account still exists."""
        app = scope.get("app")
        tokens = getattr(app, "tokens", None)
        cookie_id = getattr(app, "cookie_id", None)
        if tokens is None or cookie_id is None:
            return None
        header = dict(scope.get("headers") or ()).get(b"cookie", b"").decode("latin-1")
        cookies = cookie_parser(header)
        for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
            token = cookies.get(name)
            user = tokens.get(token) if token else None
            if user is None:
                continue
            if self.access.role_of(user) is None:  # account removed: the session ends
                tokens.pop(token, None)
                return None
            return user
        return None


async def _refuse(scope, send, status: int, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await _send(send, status, "application/json; charset=utf-8",
                json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8"))


async def _send(send, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def launch_options(access: Access) -> dict[str, Any]:
    """Gradio launch() arguments for `access`: the login check, its message, and the middleware
    (FastAPI's own /openapi.json and /docs are switched off: Gradio documents its API itself)."""
    from starlette.middleware import Middleware

    options: dict[str, Any] = {"app_kwargs": {"openapi_url": None, "docs_url": None, "redoc_url": None,
                                              "middleware": [Middleware(LoginRequired, access=access)]}}
    if access.login_required:
        options["auth"] = access.authenticate
        options["auth_message"] = LOGIN_RULE
    return options
