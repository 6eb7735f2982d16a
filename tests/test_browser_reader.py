"""The reader's flows in a real browser, at 1280 px and at a phone's 390 px: the document view, the
Văn bản tab (with an editor's metadata correction) and building a pack from search results and
answer sources. `vankien serve --ingest` over the web samples plus one Quy định of corpus/ (the
answer the Hỏi đáp tab gives); headless Debian Chromium through Playwright. Screenshots go to
test-artifacts/{document-view,documents-tab,pack-builder}-<width>.png.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.browser_support import chromium_browser
from tests.browser_support import require_browser as _require_browser
from tests.conftest import write_app_samples
from tests.serve_support import serve
from tests.test_browser import _english_words

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts"
QUERY = "tổng kết chỉ thị sinh hoạt chi bộ"
QUESTION = "Chi bộ sinh hoạt thường kỳ vào ngày nào hằng tháng?"
RULE = ROOT / "corpus" / "2024-10-15-quy-dinh-03-QD-DU.docx"
WIDTHS = [1280, 390]
PLAN_ID = "ke-hoach-95-kh-tu"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    tmp = tmp_path_factory.mktemp("browser_reader")
    corpus = write_app_samples(tmp / "corpus")
    shutil.copy(RULE, corpus / RULE.name)
    with serve(tmp / "index", tmp / "serve.log", "--ingest", str(corpus), timeout=180) as url:
        yield url, tmp / "index", corpus


@pytest.fixture(scope="module")
def browser(server):
    with chromium_browser() as b:
        yield b


@pytest.fixture
def open_page(browser, server):
    pages = []

    def new(width: int, query: str = ""):
        page = browser.new_page(viewport={"width": width, "height": 900 if width < 600 else 1200},
                                accept_downloads=True)
        page.outside = []
        page.on("request", lambda r: page.outside.append(r.url)
                if not r.url.startswith((server[0], "data:", "blob:")) else None)
        page.set_default_timeout(30_000)
        page.goto(server[0] + query)
        page.locator("[role=tab]").first.wait_for()
        pages.append(page)
        return page

    yield new
    for page in pages:
        page.close()


def _search(page, query: str = QUERY) -> None:
    page.locator("#vk-query textarea").fill(query)
    page.locator("#vk-search").click()
    page.locator(".vk-citation").first.wait_for()


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _in_view(page, selector: str, index: int = 0) -> bool:
    return page.evaluate("([s, i]) => { const r = document.querySelectorAll(s)[i].getBoundingClientRect();"
                         " return r.bottom > 0 && r.top < window.innerHeight; }", [selector, index])


@pytest.mark.parametrize("width", WIDTHS)
def test_document_view_like_a_legal_portal(open_page, server, width):
    page = open_page(width)
    _search(page)
    titles = page.locator(".vk-card h3").all_inner_texts()
    n = next(i for i, t in enumerate(titles) if "95-KH/TU" in t)
    page.locator(".vk-card").nth(n).get_by_role("button", name="Xem toàn văn").click()
    heading = page.locator("#vk-heading")
    heading.wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'vk-heading'")
    props = page.locator(".vk-props").inner_text()
    for label, value in [("Số hiệu", "95-KH/TU"), ("Cơ quan ban hành", "Tỉnh ủy Tiền Giang"),
                         ("Ngày ban hành", "28/4/2023"), ("Loại văn bản", "Kế hoạch")]:
        assert label in props and value in props, props
    share = page.locator("#vk-share-link").get_attribute("href")
    assert share.startswith(f"?doc={PLAN_ID}&p=")
    toc = page.locator(".vk-toc a")
    assert toc.count() >= 2
    target = toc.last.get_attribute("data-vk-goto")
    page.evaluate("window.scrollTo(0, 0)")
    toc.last.click()  # the section is scrolled into view and takes the focus
    page.wait_for_function("(id) => { const e = document.getElementById(id); const r = e.getBoundingClientRect();"
                           " return document.activeElement === e && r.top >= -2 && r.top < window.innerHeight; }",
                           arg=target)
    related = page.locator("#vk-related a[data-vk-act=doc]")
    assert related.first.get_attribute("href") == "?doc=chi-thi-50-ct-tw"
    with page.expect_download() as info:
        page.locator("#vk-original").click()
    saved = Path(info.value.path())
    assert info.value.suggested_filename.endswith(".txt")
    assert saved.read_bytes() == (server[2] / "ke-hoach-95-KH-TU.txt").read_bytes()
    _no_sideways_scroll(page, width)
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"document-view-{width}.png"))
    assert _english_words(page) == set()

    page.get_by_role("button", name="← Quay lại kết quả").first.click()  # back at the card opened
    page.wait_for_function("(i) => { const c = document.querySelectorAll('.vk-card h3')[i];"
                           " if (!c) return false; const r = c.getBoundingClientRect();"
                           " return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight"
                           " && document.activeElement === c; }", arg=n)

    page.locator(".vk-card").nth(n).get_by_role("button", name="Xem toàn văn").click()
    page.locator("#vk-related a[data-vk-act=doc]").first.click()  # a related document opens in place
    page.wait_for_function("() => (document.getElementById('vk-heading') || {}).innerText?.includes('50-CT/TW')")

    shared = open_page(width, share)  # the link sent over Zalo opens the app at the passage
    shared.locator("#vk-doan-dang-xem").wait_for()
    assert "95-KH/TU" in shared.locator("#vk-heading").inner_text()
    shared.wait_for_function("() => { const r = document.getElementById('vk-doan-dang-xem').getBoundingClientRect();"
                             " return r.top < window.innerHeight && r.bottom > 0; }")
    assert page.outside == [] and shared.outside == []


@pytest.mark.parametrize("width", WIDTHS)
def test_documents_tab_columns_rows_and_correction(open_page, server, width):
    page = open_page(width)
    page.get_by_role("tab", name="Văn bản", exact=True).click()
    table = page.locator("#vk-documents")
    table.get_by_text("Tỉnh ủy Tiền Giang").filter(visible=True).first.wait_for()
    headers = [h.strip() for h in table.locator("th").filter(visible=True).all_inner_texts() if h.strip()]
    assert "Mã" not in headers and "Số đoạn" in headers, headers
    assert PLAN_ID not in table.inner_text()  # no slugs
    count = page.locator("#vk-documents-count")  # how many the table shows, in Vietnamese
    # (once its update has arrived: until then it shows Gradio's progress, "đang xử lý | 0.1s")
    page.wait_for_function("() => /^\\d+ văn bản\\.$/.test(document.querySelector('#vk-documents-count').innerText.trim())")
    assert re.search(r"^\d+ văn bản\.$", count.inner_text().strip()), count.inner_text()
    if width >= 1280:  # type, number, date and issuer in view without a sideways scroll
        box = table.bounding_box()
        for name in ("Loại", "Số hiệu", "Ngày", "Cơ quan ban hành", "Số đoạn"):
            cell = table.locator("th").filter(has_text=name).filter(visible=True).first.bounding_box()
            assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1, name
            assert cell["height"] < 60, name  # "Số đoạn" on one line, not "Số đoạ/n"
    _no_sideways_scroll(page, width)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"documents-tab-{width}.png"))
    assert _english_words(page) == set()

    table.get_by_text("95-KH/TU").filter(visible=True).first.click()  # a row opens the document
    page.locator("#vk-vb-heading").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'vk-vb-heading'")
    assert "95-KH/TU" in page.locator("#vk-vb-doc-head .vk-props").inner_text()
    page.get_by_role("button", name="← Quay lại danh sách văn bản").first.click()
    table.get_by_text("Tỉnh ủy Tiền Giang").filter(visible=True).first.wait_for()
    if width < 1280:
        return

    # an editor corrects what parsing could not read: the news item's issuer
    page.get_by_text("Sửa thông tin văn bản (khi máy đọc sai)").click()
    picker = page.locator("#vk-correct-doc input")
    picker.click()
    page.get_by_role("option", name="Đảng ủy xã Hòa An hội nghị chuyển đổi số", exact=False).first.click()
    issuer = page.locator("#vk-correct-issuer textarea")
    page.wait_for_function("() => document.querySelector('#vk-correct-title textarea').value.includes('chuyển đổi số')")
    # the editor filters the list to look at another document meanwhile: the one being corrected
    # stays picked, and the form keeps what is typed
    issuer.fill("Báo Tiền Giang")
    page.get_by_label("Lọc").fill("tien giang")
    page.wait_for_function("() => document.querySelectorAll('#vk-documents tbody tr').length === 1")
    page.wait_for_timeout(500)  # the pickers follow the filter
    assert "chuyển đổi số" in picker.input_value() and issuer.input_value() == "Báo Tiền Giang"
    page.locator("#vk-correct-save").click()
    page.get_by_text("Đã lưu sửa đổi (cơ quan ban hành)").wait_for()
    table.get_by_text("Báo Tiền Giang").filter(visible=True).first.wait_for()
    log = [json.loads(line) for line in (server[1] / "nhat-ky.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(e["action"] == "correct" and "cơ quan ban hành" in e["outcome"] for e in log)
    assert page.outside == []


def _pack_rows(page):
    return page.locator("#vk-pack-candidates li.vk-in-pack")


@pytest.mark.parametrize("width", WIDTHS)
def test_build_a_pack_from_results_and_answers(open_page, server, width):
    shutil.rmtree(server[1] / "tai-lieu-dang-soan", ignore_errors=True)  # each width starts empty
    page = open_page(width)
    _search(page)
    adds = page.locator(".vk-card .vk-add-pack")
    assert adds.count() == page.locator(".vk-card h3").count()  # on every hit
    adds.nth(0).click()
    page.get_by_text("Đã thêm vào tài liệu (1 đoạn)").first.wait_for()
    adds.nth(1).click()
    page.get_by_text("Đã thêm vào tài liệu (2 đoạn)").first.wait_for()

    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#vk-question textarea").fill(QUESTION)
    page.locator("#vk-ask").click()
    source = page.locator("#vk-nguon-1")
    source.wait_for()
    source.get_by_role("button", name="Thêm vào tài liệu").click()  # on every answer source
    page.get_by_text("Đã thêm vào tài liệu (3 đoạn)").first.wait_for()

    page.get_by_role("tab", name="Chuẩn bị sinh hoạt chuyên đề").click()
    rows = _pack_rows(page)
    page.wait_for_function("() => document.querySelectorAll('#vk-pack-candidates li.vk-in-pack').length === 3")
    texts = [t.inner_text() for t in page.locator("#vk-pack-candidates li.vk-in-pack .vk-pack-text").all()]
    assert "03-QĐ/ĐU" in rows.nth(2).inner_text()
    box = rows.first.locator("input[type=checkbox]").bounding_box()
    assert box["width"] >= 28 and box["height"] >= 28  # large checkboxes

    rows.nth(2).get_by_role("button", name="↑ Lên").click()  # the answer's source one place up
    page.wait_for_function("(t) => document.querySelectorAll('#vk-pack-candidates li.vk-in-pack .vk-pack-text')[1]"
                           ".innerText === t", arg=texts[2])
    rows.nth(0).locator("input[type=checkbox]").uncheck()  # kept in the list, left out of the handout
    page.locator("#vk-pack-preview").get_by_text("2 đoạn, theo thứ tự").wait_for()

    rows.nth(1).get_by_role("button", name="Xem toàn văn").click()  # a candidate's full text
    page.locator("#vk-pack-heading").wait_for()
    assert "03-QĐ/ĐU" in page.locator("#vk-pack-doc-head").inner_text()
    page.locator("#vk-pack-doan-dang-xem").wait_for()
    page.get_by_role("button", name="← Quay lại danh sách").first.click()
    rows.first.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pack-builder-{width}.png"), full_page=True)
    assert _english_words(page) == set()
    _no_sideways_scroll(page, width)

    again = open_page(width)  # kept for this user until exported: a new page shows the same list
    again.get_by_role("tab", name="Chuẩn bị sinh hoạt chuyên đề").click()
    again.wait_for_function("() => document.querySelectorAll('#vk-pack-candidates li.vk-in-pack').length === 3")
    order = [t.inner_text() for t in again.locator("#vk-pack-candidates li.vk-in-pack .vk-pack-text").all()]
    assert order == [texts[0], texts[2], texts[1]]
    assert [b.is_checked() for b in again.locator("#vk-pack-candidates li.vk-in-pack input").all()] == [
        False, True, True]

    if width >= 1280:  # a mouse can drag a row: the last one dropped on the first
        moved = _pack_rows(again)
        moved.nth(2).drag_to(moved.nth(0))
        again.wait_for_function("(t) => document.querySelector('#vk-pack-candidates li.vk-in-pack .vk-pack-text')"
                                ".innerText === t", arg=texts[1])

    again.locator("#vk-pack-export").click()
    again.locator("#vk-pack-docx a").first.wait_for(timeout=60_000)
    again.get_by_text("danh sách đã chọn được làm trống").wait_for()
    assert not (server[1] / "tai-lieu-dang-soan").exists() or not any((server[1] / "tai-lieu-dang-soan").iterdir())
    assert page.outside == [] and again.outside == []
