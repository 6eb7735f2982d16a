"""The Gradio layout builds, in Vietnamese, and serving never invents a password."""
from __future__ import annotations

import argparse

import pytest

from vankien.cli.serve import login_from


class NoLibrary:
    """The UI must build without touching the index (it only calls the service on events)."""

    def __getattr__(self, name):
        raise AssertionError(f"build_app called library.{name} while laying out the UI")


def test_build_app_lays_out_vietnamese_tabs():
    import app
    from vankien.services.search import SearchService

    demo = app.build_app(SearchService(NoLibrary()))
    labels = {c.get("props", {}).get("label") for c in demo.config["components"]}
    assert {"Tra cứu", "Hỏi đáp", "Chuẩn bị sinh hoạt chuyên đề", "Liên kết văn bản", "Văn bản", "Tìm trong văn kiện", "Loại văn bản", "Cơ quan ban hành",
            "Từ ngày", "Đến ngày"} <= labels
    values = {str(c.get("props", {}).get("value")) for c in demo.config["components"]}
    assert {"Tìm", "Xem thêm kết quả", "Gỡ văn bản"} <= values


def test_a_tab_is_one_function():
    import gradio as gr

    import app
    from vankien.services.search import SearchService

    def extra_tab(demo, service):
        with gr.Tab("Tab thử"):
            gr.Markdown("sắp có")

    demo = app.build_app(SearchService(NoLibrary()), tabs=[*app.TABS, extra_tab])
    labels = [c.get("props", {}).get("label") for c in demo.config["components"]]
    assert labels.index("Tab thử") > labels.index("Văn bản")


def test_card_html_escapes_title_citation_and_passage():
    from vankien.services.search import ResultCard
    from vankien.ui.search_views import card_html

    html = card_html(ResultCard("d", 0, "<b>Tiêu đề</b>", "Kế hoạch <i>số</i> 1", "đã <mark>an</mark> toàn", 1.0),
                     1, "an toàn")
    assert "<b>" not in html and "<i>" not in html and "&lt;b&gt;Tiêu đề&lt;/b&gt;" in html
    assert "&lt;mark&gt;" in html  # markup typed in a document is text
    assert "<mark>toàn</mark>" in html  # the query's words are marked


def test_cards_html_number_the_buttons_and_keep_the_citation_an_attribute():
    from vankien.services.search import ResultCard, SearchView
    from vankien.ui.search_views import cards_html

    cards = (ResultCard("a", 0, "Một", 'Chỉ thị "45" <x onload=1>', "văn bản", 1.0),
             ResultCard("b", 3, "Hai", "Kế hoạch 95-KH/TU", "đoạn hai", 0.9))
    page = cards_html(SearchView(query="văn bản", cards=cards))
    assert page.count('class="vk-card"') == 2
    assert 'data-vk-open="1"' in page and 'data-vk-open="2"' in page
    # a quote in a citation cannot end the attribute and add markup
    assert 'data-vk-copy="Chỉ thị &quot;45&quot; &lt;x onload=1&gt;"' in page and "<x" not in page
    assert cards_html(SearchView(query="")) == ""


def args(**kw):
    return argparse.Namespace(user=kw.get("user"))


def test_login_only_from_administrator_settings():
    assert login_from(args(), environ={}) is None
    assert login_from(args(), environ={"VANKIEN_USER": "chibo", "VANKIEN_PASSWORD": "bí mật"}) == ("chibo", "bí mật")
    assert login_from(args(user="bt"), environ={"VANKIEN_PASSWORD": "x"}) == ("bt", "x")
    with pytest.raises(SystemExit, match="VANKIEN_PASSWORD"):
        login_from(args(user="bt"), environ={})
    with pytest.raises(SystemExit, match="VANKIEN_USER"):
        login_from(args(), environ={"VANKIEN_PASSWORD": "x"})


def test_serve_command_is_registered_with_defaults():
    from vankien.cli.main import build_parser

    ns = build_parser().parse_args(["serve"])
    assert (ns.host, ns.port, ns.ingest, ns.index) == ("127.0.0.1", 7860, None, None)
    ns = build_parser().parse_args(["serve", "--index", "/tmp/x", "--port", "8000", "--ingest", "corpus"])
    assert str(ns.index) == "/tmp/x" and ns.port == 8000 and str(ns.ingest) == "corpus"


def test_browser_test_fails_in_ci_without_chromium_and_skips_elsewhere(monkeypatch):
    from pathlib import Path

    import tests.browser_support as tb

    monkeypatch.setattr(tb, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        tb.require_browser()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        tb.require_browser()
