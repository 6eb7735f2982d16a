"""Văn kiện — the web interface (Gradio): lays out the tabs and serves them.

Each tab is one function in vankien/ui/ taking (demo, service); every callback calls one service
method and formats its record with the HTML helpers beside it. Adding a tab is adding one such
function to TABS.

Run: `vankien serve` (see vankien/cli/serve.py) or `python app.py [--host H --port P --index DIR]`.
"""
from __future__ import annotations

import sys
from typing import Callable

import vankien.ui  # noqa: F401  first: it makes `import gradio` 2 s cheaper (see its docstring)
import gradio as gr  # noqa: E402

from vankien.auth import access as roles
from vankien.auth.web import launch_options
from vankien.services.search import SearchService
from vankien.ui.answer_tabs import ask_tab, links_tab
from vankien.ui.documents_tab import documents_tab
from vankien.ui.pack_builder import pack_tab
from vankien.ui.search_tab import search_tab
from vankien.ui.search_views import HEADER_HTML
from vankien.ui.theme import CSS, HEAD, THEME
from vankien.ui.topics_tab import topics_tab

# Tabs in display order; each is fn(demo, service).
TABS: list[Callable[[gr.Blocks, SearchService], None]] = [search_tab, ask_tab, pack_tab, documents_tab, topics_tab,
                                                          links_tab]


def build_app(service: SearchService, tabs: list[Callable] | None = None) -> gr.Blocks:
    with gr.Blocks(title="Văn kiện — tra cứu văn kiện Đảng") as demo:
        gr.HTML(HEADER_HTML)
        # "wrap": on a phone every tab stays visible on a second row instead of hiding behind "…"
        with gr.Tabs(overflow_behavior="wrap"):
            for add_tab in tabs or TABS:
                add_tab(demo, service)
    return demo


# Queue: every event has its own queue of CONCURRENCY workers, so a slow question or upload never
# holds up searches; searches are GIL-bound (~15 ms each) and run concurrently on the Library's
# read path, and more workers than this only interleave them. QUEUE_SIZE waiting events at most
# (then "queue full" instead of unbounded memory); MAX_THREADS is Gradio's thread pool. Waiting
# pages get their place in the queue every STATUS_EVERY seconds, not after every finished event
# (Gradio's "auto": one message to every waiting page each time, ~n² messages for n waiting).
CONCURRENCY, QUEUE_SIZE, MAX_THREADS, STATUS_EVERY = 8, 256, 40, 2.0
# Gradio's copies of uploaded files and of exported handouts: deleted after an hour (checked every
# hour) and all at each start, so no one's handout or upload stays on the server.
CACHE_HOURS = 1


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
           access: roles.Access | None = None, serving: Callable[[], None] | None = None, **kwargs) -> None:
    """Serve the app with the readable theme, behind the login of `access` (vankien/auth); nothing
    is shared, recorded (no run history, no monitoring) or fetched from the Internet. `serving` is
    called once the server answers, then this serves until interrupted."""
    from vankien.services.uploads import max_upload_from_env

    kwargs.setdefault("max_file_size", max_upload_from_env())  # stopped in transfer, before the disk fills
    demo.delete_cache = demo.delete_cache or (CACHE_HOURS * 3600, CACHE_HOURS * 3600)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, status_update_rate=STATUS_EVERY).launch(
        server_name=host, server_port=port, max_threads=MAX_THREADS,
        share=False, ssr_mode=False, theme=THEME, css=CSS, head=HEAD, footer_links=[], show_error=True,
        run_history=False, enable_monitoring=False, mcp_server=False, pwa=False,
        prevent_thread_lock=serving is not None, **launch_options(access or roles.current()), **kwargs,
    )
    if serving is not None:
        serving()
        demo.block_thread()


def main(argv: list[str] | None = None) -> int:
    """`python app.py [options]` is `vankien serve [options]`. The command line sits above this module
    (`vankien serve` imports it), so it is started as a program, not imported back."""
    import os

    args = sys.argv[1:] if argv is None else argv
    os.execv(sys.executable, [sys.executable, "-m", "vankien.cli", "serve", *args])
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
