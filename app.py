"""Văn kiện — the web interface (Gradio): lays out the tabs and serves them.

Each tab is one function in vankien/ui/ taking (demo, service); every callback calls one service
method and formats its record with the HTML helpers beside it. Adding a tab is adding one such
function to TABS.

Run: `vankien serve` (see vankien/cli/serve.py) or `python app.py [--host H --port P --index DIR]`.
"""
from __future__ import annotations

import sys
from typing import Callable

import gradio as gr

from vankien.services.search import SearchService
from vankien.ui.answer_tabs import ask_tab, links_tab, pack_tab
from vankien.ui.documents_tab import documents_tab
from vankien.ui.search_tab import search_tab
from vankien.ui.search_views import HEADER_HTML
from vankien.ui.theme import CSS, THEME

# Tabs in display order; each is fn(demo, service).
TABS: list[Callable[[gr.Blocks, SearchService], None]] = [search_tab, ask_tab, pack_tab, documents_tab, links_tab]


def build_app(service: SearchService, tabs: list[Callable] | None = None) -> gr.Blocks:
    with gr.Blocks(title="Văn kiện — tra cứu văn kiện Đảng") as demo:
        gr.HTML(HEADER_HTML)
        with gr.Tabs():
            for add_tab in tabs or TABS:
                add_tab(demo, service)
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, **kwargs) -> None:
    """Serve the app with the readable theme; nothing is shared or fetched from the Internet."""
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=auth,
        auth_message="Đăng nhập bằng tài khoản do quản trị viên cấp." if auth else None,
        share=False, ssr_mode=False, theme=THEME, css=CSS, footer_links=[], show_error=True, **kwargs,
    )


def main(argv: list[str] | None = None) -> int:
    """`python app.py [options]` is `vankien serve [options]`. The command line sits above this module
    (`vankien serve` imports it), so it is started as a program, not imported back."""
    import os

    args = sys.argv[1:] if argv is None else argv
    os.execv(sys.executable, [sys.executable, "-m", "vankien.cli", "serve", *args])
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
