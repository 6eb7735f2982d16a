"""The real app in a real browser: `vankien serve` on a free port, driven by headless Chromium.

Uses Debian's /usr/bin/chromium through Playwright (PyPI); Playwright's own browser download is not
needed. Without Chromium the tests skip, except under CI (CI=true), where they fail: CI must never
pass without having run the browser.

The screenshot of the results page is saved to test-artifacts/browser-search.png.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from tests.browser_support import require_browser as _require_browser
from tests.conftest import write_app_samples
from tests.serve_support import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "test-artifacts" / "browser-search.png"
QUERY = "nâng cao chất lượng sinh hoạt chi bộ"
PLAN_CITATION = "Kế hoạch số 95-KH/TU ngày 28/4/2023 của Tỉnh ủy Tiền Giang — mục II.1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`vankien serve --ingest <small corpus>` on a free port; yields its URL."""
    _require_browser()
    tmp = tmp_path_factory.mktemp("browser")
    corpus = write_app_samples(tmp / "corpus")
    with serve(tmp / "index", tmp / "serve.log", "--ingest", str(corpus), timeout=120) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_at(browser, server):
    """A fresh page of the given width; records dialogs, alert() calls and any request that leaves
    127.0.0.1."""
    pages = []

    def open_page(width: int = 1280, height: int = 1300):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.dialogs, page.outside = [], []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: page.outside.append(r.url)
                if not r.url.startswith((server, "data:", "blob:")) else None)
        # Besides the dialog event: any alert() a document's text managed to run is recorded here.
        page.add_init_script("window.__vk_alerts = []; window.alert = (m) => { window.__vk_alerts.push(String(m)); };")
        page.set_default_timeout(30_000)
        page.goto(server)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def _search(page, query: str) -> None:
    page.locator("#vk-query textarea").fill(query)
    page.locator("#vk-search").click()
    page.locator(".vk-citation").first.wait_for()


def test_search_shows_cited_results_and_saves_screenshot(page_at):
    page = page_at()
    _search(page, QUERY)
    citations = page.locator(".vk-citation").all_inner_texts()
    assert any(PLAN_CITATION in c for c in citations), citations
    assert page.locator(".vk-card mark").count() > 0  # the query's words are highlighted
    assert page.get_by_role("button", name="Xem toàn văn").count() == len(citations)
    assert page.get_by_role("button", name="Sao chép trích dẫn").count() == len(citations)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert page.outside == [], f"trang gọi ra ngoài máy: {page.outside}"


def test_document_with_script_is_shown_as_text(page_at):
    page = page_at()
    _search(page, "sao chép tài liệu từ trang web có mã in đậm")
    cards = page.locator(".vk-card")
    card = cards.filter(has_text="Thông báo số 07-TB/ĐU").first
    assert "<script>alert(1)</script>" in card.inner_text()
    card.get_by_role("button", name="Xem toàn văn").click()
    body = page.locator("#vk-doc")
    body.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for()
    text = body.inner_text()
    assert "<script>alert(1)</script>" in text and "<b>in đậm</b>" in text
    assert body.locator("script").count() == 0 and body.locator("b").count() == 0
    passage = page.locator("#vk-doan-dang-xem")
    passage.wait_for()
    page.wait_for_function(
        "() => { const r = document.getElementById('vk-doan-dang-xem').getBoundingClientRect();"
        " return r.top < window.innerHeight && r.bottom > 0; }")
    page.wait_for_timeout(300)
    assert page.dialogs == [] and page.evaluate("window.__vk_alerts") == []
    page.get_by_role("button", name="← Quay lại kết quả").first.click()
    page.locator(".vk-citation").first.wait_for()


def test_phone_width_has_no_sideways_scroll(page_at):
    page = page_at(width=390, height=844)
    _search(page, "chi bo")  # without diacritics
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    documents = page.get_by_role("tab", name="Văn bản", exact=True)
    if not documents.is_visible():  # at a phone's width the last tabs sit behind the "⋯" menu
        page.locator(".overflow-menu button").first.click()
        documents = page.locator(".overflow-dropdown button").get_by_text("Văn bản", exact=True)
    documents.click()
    page.locator("#vk-documents").get_by_text("Tỉnh ủy Tiền Giang").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.vk-header p')).fontSize)")
    assert font >= 18


def test_upload_reports_each_file(page_at, tmp_path):
    good = tmp_path / "thong-bao-12-TB-DU.txt"
    good.write_text(
        "ĐẢNG ỦY XÃ HÒA AN\n*\nSố 12-TB/ĐU\nĐẢNG CỘNG SẢN VIỆT NAM\nHòa An, ngày 2 tháng 4 năm 2024\n\n"
        "THÔNG BÁO\nlịch sinh hoạt chi bộ tháng 4\n\nCác chi bộ sinh hoạt thường kỳ vào ngày 3/4/2024.\n",
        encoding="utf-8")
    broken = tmp_path / "tep-hong.pdf"
    broken.write_bytes(b"%PDF-1.4 not a pdf")
    page = page_at()
    page.get_by_role("tab", name="Văn bản", exact=True).click()
    page.get_by_text("Thêm văn bản (PDF, DOCX, TXT, HTML)").click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Chọn tệp để thêm vào chỉ mục").click()
    chooser.value.set_files([str(good), str(broken)])
    page.get_by_text("tệp không đọc được").first.wait_for(timeout=60_000)
    results = page.locator("#vk-ingest-result").inner_text()
    assert "Đã thêm" in results and "Không đọc được" in results
    page.locator("#vk-documents").get_by_text("Thông báo 12-TB/ĐU").first.wait_for()
