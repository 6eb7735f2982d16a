"""Nothing about a search or a question stays behind, and nothing leaves this machine.

One `vankien serve` over the web interface's sample corpus, run under tests/egress_recorder.py (an
audit hook recording every connection or name lookup to anything but the loopback). Chromium
searches and asks through the page; then the browser's storage holds neither the query nor the
question, /gradio_api/runs does not exist, and the server tried no outside address from its start
to the answer.
"""
from __future__ import annotations

import json

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.conftest import write_app_samples
from tests.serve_support import serve

pytestmark = pytest.mark.browser

QUERY = "nâng cao chất lượng sinh hoạt chi bộ"
QUESTION = "Các đảng bộ trực thuộc hoàn thành báo cáo tổng kết trước ngày nào?"
STORAGE_JS = """async () => {
  const dump = (s) => Object.fromEntries(Array.from({length: s.length}, (_, i) => [s.key(i), s.getItem(s.key(i))]));
  const dbs = indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [];
  return {local: dump(localStorage), session: dump(sessionStorage), indexeddb: dbs,
          cookies: document.cookie};
}"""


@pytest.fixture(scope="module")
def recorded_server(tmp_path_factory):
    require_browser()
    tmp = tmp_path_factory.mktemp("privacy")
    egress = tmp / "egress.jsonl"
    egress.touch()
    with serve(tmp / "index", tmp / "serve.log", "--ingest", str(write_app_samples(tmp / "corpus")),
               python_args=("tests/egress_recorder.py",), env={"VANKIEN_EGRESS_LOG": str(egress)}) as url:
        yield url, egress


def test_search_and_ask_leave_nothing_in_the_browser_and_nothing_leaves(recorded_server):
    from playwright.sync_api import sync_playwright

    url, egress = recorded_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            outside = []
            page.on("request", lambda r: outside.append(r.url)
                    if not r.url.startswith((url, "data:", "blob:")) else None)
            page.set_default_timeout(60_000)
            page.goto(url)
            page.locator("#vk-query textarea").fill(QUERY)
            page.locator("#vk-search").click()
            page.locator(".vk-citation").first.wait_for()
            page.get_by_role("tab", name="Hỏi đáp").click()
            page.locator("#vk-question textarea").fill(QUESTION)
            page.locator("#vk-ask").click()
            page.locator("#vk-answer").get_by_text("30/6/2023").first.wait_for()
            page.wait_for_timeout(1000)  # past any write the page makes after showing the answer

            storage = page.evaluate(STORAGE_JS)
            kept = json.dumps(storage, ensure_ascii=False)
            for text in (QUERY, QUESTION, "30/6/2023", "sinh hoạt chi bộ"):
                assert text not in kept, f"«{text}» còn trong trình duyệt: {kept[:2000]}"
            assert storage["indexeddb"] == [], storage["indexeddb"]
            assert page.request.get(url + "gradio_api/runs").status == 404
            assert page.request.get(url + "gradio_api/run-history/records").status == 404
            page.reload()
            page.locator("#vk-query textarea").wait_for()
            assert page.locator("footer a[href*='runs']").count() == 0
            assert outside == [], f"trang gọi ra ngoài máy: {outside}"
        finally:
            browser.close()
    attempts = egress.read_text(encoding="utf-8").splitlines()
    assert attempts == [], f"máy chủ thử kết nối ra ngoài: {attempts}"
