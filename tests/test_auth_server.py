"""The login and the roles of a real `vankien serve` with accounts, over plain HTTP.

One server for the module: an editor and a reader (made with `vankien user add`) over an index of
two small documents. The lockout test runs last: it locks out this machine's address.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.conftest import APP_SAMPLES
from tests.serve_support import ROOT, serve

sys.path.insert(0, str(ROOT / "scripts"))
from load_test import Session, endpoints  # noqa: E402  (the load test's own queue client)

EDITOR, READER = ("bientap", "mật khẩu biên tập"), ("docgia", "mật khẩu người đọc")
# Every route a browser or API client could reach without the login page.
PROTECTED = ["/config", "/openapi.json", "/docs", "/gradio_api/openapi.json", "/gradio_api/info",
             "/gradio_api/runs", "/gradio_api/run-history/records", "/gradio_api/heartbeat/x",
             "/gradio_api/queue/data?session_hash=x", "/gradio_api/app_id", "/gradio_api/token",
             "/gradio_api/file=/etc/passwd", "/gradio_api/file/etc/passwd", "/monitoring", "/manifest.json",
             "/gradio_api/upload_progress?upload_id=x"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("auth")
    index, corpus = tmp / "index", tmp / "corpus"
    corpus.mkdir()
    for name in ("ke-hoach-95-KH-TU.txt", "chi-thi-50-CT-TW.txt"):
        (corpus / name).write_text(APP_SAMPLES[name], encoding="utf-8")
    for (name, password), role in ((EDITOR, "editor"), (READER, "reader")):
        subprocess.run([sys.executable, "-m", "vankien.cli.main", "user", "add", name, "--role", role,
                        "--index", str(index)], cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "VANKIEN_PASSWORD": password})
    with serve(index, tmp / "serve.log", "--ingest", str(corpus)) as url:
        yield url, index


def run(coro):
    return asyncio.run(coro)


@asynccontextmanager
async def logged_in(url: str, account: tuple[str, str]):
    async with httpx.AsyncClient(timeout=60) as client:
        resp = await client.post(url + "login", data={"username": account[0], "password": account[1]})
        assert resp.status_code == 200, resp.text
        yield client


def test_every_route_needs_login(server):
    url, _ = server
    with httpx.Client(timeout=30) as client:
        for path in PROTECTED:
            assert client.get(url + path.lstrip("/")).status_code == 401, path
        for path in ("/gradio_api/queue/join", "/gradio_api/call/run_search", "/gradio_api/run/predict",
                     "/gradio_api/upload"):
            assert client.post(url + path.lstrip("/"), json={"data": []}).status_code == 401, path
        page = client.get(url)  # the login page, in Vietnamese, and nothing of the app in it
        assert page.status_code == 200 and "Tên đăng nhập" in page.text and "Mật khẩu" in page.text
        assert "Kế hoạch" not in page.text and "Username" not in page.text


def test_wrong_password_is_refused_slowly(server):
    url, _ = server
    with httpx.Client(timeout=30) as client:
        started = time.monotonic()
        resp = client.post(url + "login", data={"username": READER[0], "password": "sai mật khẩu"})
        assert resp.status_code == 400 and time.monotonic() - started >= 0.25
        assert client.get(url + "config").status_code == 401


def test_reader_searches_but_cannot_upload_or_remove(server):
    url, index = server

    async def scenario():
        async with logged_in(url, READER) as client:
            assert (await client.get(url + "config")).status_code == 200
            assert (await client.get(url + "gradio_api/runs")).status_code == 404  # run history is off
            tab = Session(client, url, await endpoints(client, url))
            found = await tab.call("run_search", ["sinh hoạt chi bộ", [], "", "", "", ""])
            assert "Tìm thấy" in found[2] and "vk-card" in found[1]  # status line, then the cards
            assert await tab.call("editor_controls", []) == [{"visible": False, "__type__": "update"}] * 3  # add, remove, correct
            choices = (await tab.call("refresh_remove_choices", ["", "Tất cả", None]))[0]["choices"]
            with pytest.raises(RuntimeError, match="chỉ được tra cứu"):
                await tab.call("do_remove", [choices[0][1]])
            with pytest.raises(RuntimeError, match="chỉ được tra cứu"):
                await tab.call("ingest", [[]])
            with pytest.raises(RuntimeError, match="chỉ được tra cứu"):  # the Văn bản tab's correction
                await tab.call("save_correction", [choices[0][1], "Chỉ thị", "99-CT/TW", "", "", "Sai"])
            upload = await client.post(url + "gradio_api/upload", files={"files": ("a.txt", b"xin chao")})
            assert upload.status_code == 403
            after = (await tab.call("refresh_remove_choices", ["", "Tất cả", None]))[0]["choices"]
            assert after == choices  # nothing was removed
    run(scenario())
    log = [json.loads(line) for line in (index / "nhat-ky.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["user"], e["action"], e["wanted"]) for e in log if e["action"] == "refused"] == [
        (READER[0], "refused", "gỡ văn bản"), (READER[0], "refused", "thêm văn bản"),
        (READER[0], "refused", "sửa thông tin văn bản")]


def test_editor_removes_and_it_is_logged(server):
    url, index = server

    async def scenario():
        async with logged_in(url, EDITOR) as client:
            tab = Session(client, url, await endpoints(client, url))
            assert await tab.call("editor_controls", []) == [{"visible": True, "__type__": "update"}] * 3
            choices = (await tab.call("refresh_remove_choices", ["", "Tất cả", None]))[0]["choices"]
            doc_id = next(value for label, value in choices if "50-CT" in value or "Chỉ thị" in label)
            done = await tab.call("do_remove", [doc_id])
            assert "Đã gỡ" in done[1]
            return doc_id
    doc_id = run(scenario())
    last = json.loads((index / "nhat-ky.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["user"] == EDITOR[0] and last["action"] == "remove" and last["doc_id"] == doc_id
    assert last["address"] == "127.0.0.1" and "Đã gỡ" in last["outcome"] and last["time"]


def test_removed_account_loses_its_session(server, tmp_path):
    url, index = server
    env = {**os.environ, "VANKIEN_PASSWORD": "tạm thời thôi"}
    subprocess.run([sys.executable, "-m", "vankien.cli.main", "user", "add", "tam", "--role", "reader",
                    "--index", str(index)], cwd=ROOT, check=True, capture_output=True, env=env)

    async def scenario():
        async with logged_in(url, ("tam", "tạm thời thôi")) as client:
            assert (await client.get(url + "config")).status_code == 200
            subprocess.run([sys.executable, "-m", "vankien.cli.main", "user", "remove", "tam", "--index", str(index)],
                           cwd=ROOT, check=True, capture_output=True)
            assert (await client.get(url + "config")).status_code == 401
    run(scenario())


@pytest.mark.browser
def test_login_page_in_chromium_reader_sees_no_editor_controls(server):
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    url, _ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            refused = []
            page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
            page.goto(url + "?doc=khong-co&p=2")  # a shared link to a passage, opened before logging in
            page.get_by_text("Nhập sai 10 lần").wait_for()  # the login page says the rule
            assert refused == []  # the login page loads whole without a session
            page.locator("input[type=text]").fill(READER[0])
            page.locator("input[type=password]").fill("không đúng đâu")
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_text("Sai tên đăng nhập hoặc mật khẩu").wait_for()
            assert page.locator("#vk-query").count() == 0
            page.locator("input[type=text]").fill(READER[0])
            page.locator("input[type=password]").fill(READER[1])
            page.get_by_role("button", name="Đăng nhập").click()
            # the app opens the shared link: that document is not in this index, and the app says so
            # (the search box is hidden while a document is open, so it is not what to wait for)
            page.get_by_text("Không tìm thấy văn bản này").first.wait_for()
            assert page.url.endswith("?doc=khong-co&p=2")  # the link is kept through the login
            page.goto(url)  # the session cookie holds: the app itself, no login page
            page.locator("#vk-query textarea").fill("kiểm tra, giám sát")
            page.locator("#vk-search").click()
            page.locator(".vk-citation").first.wait_for()
            page.get_by_role("tab", name="Văn bản", exact=True).click()
            page.locator("#vk-documents").wait_for()
            for hidden in (page.get_by_text("Thêm văn bản (PDF, DOCX, TXT, HTML)"),
                           page.get_by_text("Gỡ văn bản khỏi chỉ mục"), page.locator("#vk-upload")):
                hidden.first.wait_for(state="hidden")  # hidden (or absent) once the page has loaded
        finally:
            browser.close()


def test_ten_failures_lock_out_even_the_right_password(server):
    """Last in the module: afterwards this address is locked out for 15 minutes."""
    url, _ = server

    async def scenario():
        async with httpx.AsyncClient(timeout=60) as client:
            wrong = await asyncio.gather(*(client.post(url + "login", data={"username": EDITOR[0], "password": f"sai {i}"})
                                           for i in range(10)))
            assert [r.status_code for r in wrong] == [400] * 10
            started = time.monotonic()
            right = await client.post(url + "login", data={"username": EDITOR[0], "password": EDITOR[1]})
            assert right.status_code == 400 and "tạm khóa" in right.json()["detail"]
            assert int(right.headers["retry-after"]) > 800 and time.monotonic() - started < 2
    run(scenario())
