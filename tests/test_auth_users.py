"""Accounts, login throttling and the serve command's refusals, without a running server."""
from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

from vankien.auth.access import ANONYMOUS, Access
from vankien.auth.throttle import LoginThrottle
from vankien.auth.users import EDITOR, READER, USERS_FILE, UserStore
from vankien.cli.serve import is_loopback

ROOT = Path(__file__).resolve().parents[1]
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the tests' own, cheap hashes


def test_store_hashes_passwords_and_checks_them(tmp_path):
    store = UserStore(tmp_path, hasher=FAST)
    assert not store
    store.add("bí-thư", EDITOR, "mật khẩu dài")
    store.add("doc.gia", READER, "khác hẳn 123")
    text = (tmp_path / USERS_FILE).read_text(encoding="utf-8")
    assert "mật khẩu dài" not in text and "$argon2id$" in text
    assert stat.S_IMODE((tmp_path / USERS_FILE).stat().st_mode) == 0o600
    assert store.verify("bí-thư", "mật khẩu dài").role == EDITOR
    assert store.verify("bí-thư", "mật khẩu dà") is None
    assert store.verify("không-có", "mật khẩu dài") is None
    assert store.role_of("doc.gia") == READER and store.role_of(None) is None


def test_store_add_remove_passwd_role_and_refusals(tmp_path):
    store = UserStore(tmp_path, hasher=FAST)
    store.add("an", READER, "12345678")
    with pytest.raises(ValueError, match="đã có"):
        store.add("an", EDITOR, "12345678")
    with pytest.raises(ValueError, match="ít nhất 8"):
        store.add("binh", READER, "ngắn")
    with pytest.raises(ValueError, match="không hợp lệ"):
        store.add("có dấu cách", READER, "12345678")
    with pytest.raises(ValueError, match="Vai trò"):
        store.add("binh", "admin", "12345678")
    store.set_password("an", "mới hoàn toàn")
    assert store.verify("an", "12345678") is None and store.verify("an", "mới hoàn toàn")
    store.set_role("an", EDITOR)
    assert store.role_of("an") == EDITOR
    store.remove("an")
    assert not store and store.role_of("an") is None
    with pytest.raises(ValueError, match="Không có tài khoản"):
        store.remove("an")


def test_another_process_change_is_seen(tmp_path):
    """The server's store rereads the file the CLI rewrote."""
    server_side = UserStore(tmp_path, hasher=FAST)
    assert server_side.role_of("an") is None
    UserStore(tmp_path, hasher=FAST).add("an", READER, "12345678")
    assert server_side.role_of("an") == READER


def test_throttle_delays_then_locks_per_name_and_address():
    now = [1000.0]
    throttle = LoginThrottle(max_failures=10, lockout=900, clock=lambda: now[0])
    keys = throttle.keys("An", "10.0.0.5")
    delays = []
    for _ in range(10):
        assert throttle.begin(keys) == 0
        delays.append(throttle.delay(keys))
    assert delays[0] == 0.25 and delays[1] == 0.5 and delays[-1] == 8.0
    assert throttle.begin(keys) == pytest.approx(900)  # 11th: locked, no password check
    assert throttle.begin(throttle.keys("an", "10.0.0.9")) > 0  # the name, from anywhere
    assert throttle.begin(throttle.keys("binh", "10.0.0.5")) > 0  # the address, for any name
    assert throttle.begin(throttle.keys("binh", "10.0.0.9")) == 0
    now[0] += 901
    assert throttle.begin(keys) == 0  # a whole lockout later


def test_throttle_success_clears_the_name_but_not_the_address():
    throttle = LoginThrottle(max_failures=3, lockout=900, clock=lambda: 0.0)
    for name in ("an", "binh"):
        assert throttle.begin(throttle.keys(name, "10.0.0.5")) == 0
    own = throttle.keys("chi", "10.0.0.5")
    throttle.begin(own)
    throttle.succeeded(own)  # a valid account logging in takes back only its own attempt
    assert throttle.begin(throttle.keys("dung", "10.0.0.5")) == 0  # third failure: now locked
    assert throttle.begin(throttle.keys("em", "10.0.0.5")) > 0


def test_access_modes_and_roles(tmp_path):
    request = lambda name: SimpleNamespace(username=name, client=SimpleNamespace(host="127.0.0.1"))  # noqa: E731
    open_access = Access(tmp_path)
    assert open_access.mode == "open" and open_access.is_editor(request(None))
    assert open_access.require_editor(request(None), "gỡ") == ANONYMOUS

    single = Access(tmp_path, UserStore(tmp_path, hasher=FAST), ("chibo", "bí mật lắm"))
    assert single.mode == "single" and single.login_required
    assert single.check_password("chibo", "bí mật lắm") and not single.check_password("chibo", "sai")
    assert single.is_editor(request("chibo")) and not single.is_editor(request("khac"))

    store = UserStore(tmp_path, hasher=FAST)
    store.add("doc", READER, "12345678")
    accounts = Access(tmp_path, store, ("chibo", "bí mật lắm"))
    assert accounts.mode == "accounts" and not accounts.check_password("chibo", "bí mật lắm")
    import gradio as gr

    with pytest.raises(gr.Error, match="chỉ được tra cứu"):
        accounts.require_editor(request("doc"), "gỡ văn bản")
    accounts.audit(request("doc"), "remove", doc_id="x")
    lines = [json.loads(line) for line in (tmp_path / "nhat-ky.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["user"], e["action"]) for e in lines] == [("doc", "refused"), ("doc", "remove")]
    assert lines[0]["wanted"] == "gỡ văn bản" and lines[0]["address"] == "127.0.0.1" and lines[0]["time"]


def test_authenticate_locks_out_after_ten_failures(tmp_path):
    from fastapi import HTTPException

    store = UserStore(tmp_path, hasher=FAST)
    store.add("an", EDITOR, "đúng mật khẩu")
    access = Access(tmp_path, store, throttle=LoginThrottle(max_failures=10, lockout=900))
    access.throttle.delay = lambda keys: 0.0  # the delays are the unit test's above

    async def attempts():
        results = await asyncio.gather(*(access.authenticate("an", f"sai {i}") for i in range(10)))
        assert results == [False] * 10
        with pytest.raises(HTTPException) as refused:
            await access.authenticate("an", "đúng mật khẩu")  # right, but locked
        return refused.value

    refused = asyncio.run(attempts())
    assert refused.status_code == 400 and "tạm khóa" in refused.detail and refused.headers["Retry-After"] == "900"


def _vankien(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vankien.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, "VANKIEN_USER": "", "VANKIEN_PASSWORD": "", **(env or {})})


def test_user_cli(tmp_path):
    index = str(tmp_path / "index")
    added = _vankien("user", "add", "bientap", "--role", "editor", "--index", index,
                     env={"VANKIEN_PASSWORD": "mật khẩu biên tập"})
    assert added.returncode == 0, added.stderr
    assert "tài khoản đầu tiên" in added.stdout
    assert _vankien("user", "add", "docgia", "--role", "reader", "--index", index,
                    env={"VANKIEN_PASSWORD": "mật khẩu đọc"}).returncode == 0
    listed = _vankien("user", "list", "--index", index).stdout
    assert "bientap\teditor" in listed and "docgia\treader" in listed and "argon2" not in listed
    no_password = _vankien("user", "passwd", "docgia", "--index", index)  # no terminal, no variable
    assert no_password.returncode == 2 and "VANKIEN_PASSWORD" in no_password.stderr
    assert _vankien("user", "passwd", "docgia", "--index", index,
                    env={"VANKIEN_PASSWORD": "mật khẩu mới"}).returncode == 0
    assert UserStore(Path(index)).verify("docgia", "mật khẩu mới").role == READER
    assert _vankien("user", "role", "docgia", "editor", "--index", index).returncode == 0
    assert _vankien("user", "remove", "docgia", "--index", index).returncode == 0
    missing = _vankien("user", "remove", "docgia", "--index", index)
    assert missing.returncode == 2 and "Không có tài khoản" in missing.stderr
    assert list(UserStore(Path(index)).users()) == ["bientap"]


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.2", "may-chu.local"))


def test_serve_on_the_network_without_accounts_refuses(tmp_path):
    result = _vankien("serve", "--index", str(tmp_path / "index"), "--host", "0.0.0.0", timeout=60)
    assert result.returncode != 0
    assert "chưa có tài khoản nào" in result.stderr and "--allow-no-login" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "index").exists()  # refused before anything was opened


def test_half_a_single_login_is_refused(tmp_path):
    result = _vankien("serve", "--index", str(tmp_path / "index"), env={"VANKIEN_PASSWORD": "x"}, timeout=60)
    assert result.returncode != 0 and "cả tên và mật khẩu" in result.stderr
