"""The Chủ đề tab and the topic filter in a real browser, at 1280 px and at a phone's 390 px.

Screenshots: test-artifacts/topics-1280.png, test-artifacts/topics-390.png (the topic with the
most passages chosen, then its newest year). Fixtures (server, browser, page_at) are those of
tests/test_browser.py: `vankien serve --ingest` over the app's sample documents, which are
labelled with topics as they are ingested.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_browser import SMALL_TARGETS_JS, _english_words, browser, page_at, server  # noqa: F401

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts"
RADIO_TARGETS_JS = """() => [...document.querySelectorAll('#vk-topic label')].filter(e => e.offsetParent !== null)
  .map(e => [e.innerText.slice(0, 30), Math.round(e.getBoundingClientRect().height)]).filter(x => x[1] < 44)"""


def _open_topics(page):
    page.get_by_role("tab", name="Chủ đề", exact=True).click()
    page.locator("#vk-topic label").first.wait_for()
    counts = {}
    for text in page.locator("#vk-topic label").all_inner_texts():
        m = re.search(r"^(.*) \((\d+)\)$", text.strip())
        assert m, text  # every topic shows its passage count
        counts[m.group(1)] = int(m.group(2))
    return counts


def _items(page) -> int:
    return page.locator("#vk-topic-items .vk-topic-item").count()


@pytest.mark.parametrize("width", [1280, 390])
def test_topics_view_browses_by_topic_and_time(page_at, width):
    page = page_at(width=width, height=1300 if width > 400 else 844)
    counts = _open_topics(page)
    assert len(counts) >= 14 and sum(counts.values()) > 0
    label, n = max(counts.items(), key=lambda kv: kv[1])
    page.locator("#vk-topic label").filter(has_text=label).first.click()
    page.locator("#vk-topic-items .vk-topic-item").first.wait_for()
    assert _items(page) == min(n, 50)  # as many passages as the count beside the topic
    message = page.locator("#vk-topic-message").inner_text()
    assert label in message and f"{n} đoạn" in message
    years = page.locator("#vk-topic-timeline tr.vk-year")
    assert years.count() >= 1
    year_label, year_n = years.first.locator("td").nth(0).inner_text(), int(years.first.locator("td").nth(1).inner_text())
    # choose the newest year in the Thời gian list: only its passages are listed
    page.locator("#vk-topic-period input").click()
    page.get_by_role("option", name=f"{year_label} ({year_n} đoạn)").click()
    page.wait_for_function(f"document.querySelectorAll('#vk-topic-items .vk-topic-item').length === {min(year_n, 50)}"
                           f" && document.querySelector('#vk-topic-message').innerText.includes('{year_label.lower()}')")
    for citation in page.locator("#vk-topic-items .vk-citation").all_inner_texts():
        assert year_label.split()[-1] in citation  # each cited document is dated in that year
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"topics-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(SMALL_TARGETS_JS) == []
    assert page.evaluate(RADIO_TARGETS_JS) == []
    assert _english_words(page) == set()


def test_search_filtered_by_topic_keeps_to_that_topics_documents(page_at):
    page = page_at()
    counts = _open_topics(page)
    label = max(counts, key=counts.get)
    page.locator("#vk-topic label").filter(has_text=label).first.click()
    page.locator("#vk-topic-items .vk-topic-item").first.wait_for()
    in_topic = {t.split(". ", 1)[1] for t in page.locator("#vk-topic-items h3").all_inner_texts()}

    page.get_by_role("tab", name="Tra cứu", exact=True).click()
    page.get_by_text("Bộ lọc: loại văn bản, cơ quan ban hành, thời gian, chủ đề").click()
    page.locator("#vk-search-topic input").click()
    page.get_by_role("option", name=label, exact=True).click()
    page.locator("#vk-query textarea").fill("chi bộ đảng viên kiểm tra chuyển đổi số")
    page.locator("#vk-search").click()
    page.locator(".vk-citation").first.wait_for()
    titles = {t.split(". ", 1)[1] for t in page.locator(".vk-card h3").all_inner_texts()}
    assert titles and titles <= in_topic
