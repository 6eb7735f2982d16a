"""A thematic-meeting pack built in a real browser and downloaded as DOCX; a question answered.

The app (app.build_app) with the Chuẩn bị sinh hoạt chuyên đề tab, over the seeds and the sample
corpus, served in this process on a free port; headless Debian Chromium through Playwright. Without
Chromium the test skips, except under CI=true, where it fails.
"""
from __future__ import annotations


import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, free_port as _free_port
from tests.browser_support import require_browser as _require_browser

pytestmark = pytest.mark.browser

THEME = "nâng cao chất lượng sinh hoạt chi bộ"


def _js_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


@pytest.fixture(scope="module")
def app_url(answer_library):
    _require_browser()
    import app
    from vankien.services.search import SearchService

    from vankien.ui.theme import CSS, HEAD

    demo = app.build_app(SearchService(answer_library))
    port = _free_port()
    # the page script and styles app.launch gives the served app (the list's buttons need the script)
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True,
                        share=False, ssr_mode=False, quiet=True, head=HEAD, css=CSS)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_build_a_pack_and_download_the_docx(app_url, tmp_path):
    from docx import Document
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
        page.set_default_timeout(60_000)
        outside = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((app_url, "data:", "blob:")) else None)
        page.goto(app_url)
        page.get_by_role("tab", name="Chuẩn bị sinh hoạt chuyên đề").click()
        page.locator("#vk-theme textarea").fill(THEME)
        page.locator("#vk-pack-find").click()
        rows = page.locator("#vk-pack-candidates li")
        rows.first.wait_for()
        labels = [" ".join(t.split()) for t in page.locator("#vk-pack-candidates .vk-pack-text").all_inner_texts()]
        assert len(labels) >= 3 and len(set(labels)) == len(labels)
        # tick the first and the third candidate, then move the third (now second of the pack) up
        rows.nth(0).locator("input[type=checkbox]").check()
        page.locator("#vk-pack-candidates li.vk-in-pack").first.wait_for()
        page.locator("#vk-pack-candidates li").nth(2).locator("input[type=checkbox]").check()
        page.locator("#vk-pack-candidates li.vk-in-pack").nth(1).wait_for()
        page.locator("#vk-pack-candidates li.vk-in-pack").nth(1).get_by_role("button", name="↑ Lên").click()
        page.wait_for_function("() => document.querySelectorAll('#vk-pack-candidates li.vk-in-pack')[0]"
                               ".querySelector('.vk-pack-text').innerText.startsWith(" + _js_str(labels[2][:30]) + ")")
        page.locator("#vk-pack-note textarea").fill("Ghi chú cho buổi sinh hoạt chuyên đề.")
        page.locator("#vk-pack-export").click()
        link = page.locator("#vk-pack-docx a").first
        link.wait_for()
        with page.expect_download() as info:
            link.click()
        path = tmp_path / "tai-lieu.docx"
        info.value.save_as(str(path))
        download_name = info.value.suggested_filename
        preview = page.locator("#vk-pack-preview").inner_text()
        browser.close()

    assert path.exists() and download_name.startswith("tai-lieu-sinh-hoat-nang-cao-chat-luong")
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "TÀI LIỆU SINH HOẠT CHUYÊN ĐỀ" in paragraphs
    assert f"Chuyên đề: {THEME}" in paragraphs
    assert "Ghi chú: Ghi chú cho buổi sinh hoạt chuyên đề." in paragraphs
    headings = [i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 2"]
    assert len(headings) == 2
    # The third candidate moved up: first in the handout. Each excerpt sits under a heading
    # "N. <citation>", its first body line right after it; rows show the text's first 320 characters.
    first_label, third_label = labels[0], labels[2]
    first_lines = [" ".join(paragraphs[i + 1].split()) for i in headings]
    assert labels[2] != labels[0]
    assert first_lines[0][:40] in third_label
    assert first_lines[1][:40] in first_label
    for i in headings:
        assert len(paragraphs[i]) > 10 and paragraphs[i][0].isdigit()
    assert "Tài liệu tham khảo" in paragraphs
    assert "2 đoạn" in preview
    assert outside == [], f"trang gọi ra ngoài máy: {outside}"


def test_ask_shows_the_answer_highlighted_with_its_citation(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(60_000)
        page.goto(app_url)
        page.get_by_role("tab", name="Hỏi đáp").click()
        # a question the sample corpus/ answers, so the test runs with or without ../shared
        page.locator("#vk-question textarea").fill("Chi bộ sinh hoạt thường kỳ vào ngày nào hằng tháng?")
        page.locator("#vk-ask").click()
        answer = page.locator("#vk-answer .vk-answer-text")
        answer.wait_for()
        assert "ngày 3 hằng tháng" in answer.inner_text()
        first = page.locator("#vk-nguon-1")
        assert "Quy định số 03-QĐ/ĐU" in first.inner_text()
        first.locator("summary").click()  # open the source passage
        mark = first.locator("mark")
        mark.wait_for()
        assert "ngày 3 hằng tháng" in mark.inner_text()
        browser.close()
