"""Gradio tabs: Hỏi đáp, Liên kết văn bản (with "Đã đưa tin chưa?"); the pack tab is vankien/ui/pack_builder.py.

Call the builders inside a `gr.Blocks()` (and a `gr.Tabs()`) context:

    with gr.Blocks() as app:
        with gr.Tabs():
            build_ask_tab(service); build_links_tab(service)

`service` is an AnswerService, or any object with a `.library` (such as the search service), which
is then wrapped (one AnswerService per Library). For app.py's tab list, whose entries are
fn(demo, service): ask_tab, links_tab. Callbacks are thin: one service call, one formatting helper. All document text is escaped in vankien/ui/answer_views.py.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Union

import gradio as gr

from vankien.services.answers import AnswerService
from vankien.services.search import SearchService
from vankien.ui.answer_views import answer_html, coverage_html, links_html
from vankien.ui.bridge import add_bridge, parse_action
from vankien.ui.pack_actions import add_to_pack


if TYPE_CHECKING:
    from index.library import Library

Service = Union[SearchService, AnswerService]
_SERVICES: "weakref.WeakKeyDictionary[Library, AnswerService]" = weakref.WeakKeyDictionary()


def as_answer_service(service: Service) -> AnswerService:
    """The AnswerService for `service`'s Library (shared by the tabs: one link graph to rebuild)."""
    if isinstance(service, AnswerService):
        return service
    library = service.library
    if library not in _SERVICES:
        _SERVICES[library] = AnswerService(library)
    return _SERVICES[library]


def ask_tab(demo: gr.Blocks, service: Service) -> None:
    build_ask_tab(service)


def links_tab(demo: gr.Blocks, service: Service) -> None:
    build_links_tab(service, demo)


def build_ask_tab(service: Service) -> None:
    svc = as_answer_service(service)
    with gr.Tab("Hỏi đáp", elem_id="vk-tab-hoi-dap"):
        gr.Markdown("Đặt câu hỏi về nội dung các văn bản; câu trả lời được trích từ văn bản, kèm nguồn [1], [2].")
        with gr.Row():
            question = gr.Textbox(label="Câu hỏi", placeholder="Chi bộ sinh hoạt vào ngày nào hằng tháng?",
                                  scale=5, elem_id="vk-question")
            ask = gr.Button("Trả lời", variant="primary", scale=1, elem_id="vk-ask")
        output = gr.HTML(elem_id="vk-answer")
        bridge_box, bridge_go = add_bridge("vk-ask-bridge")  # "Thêm vào tài liệu" on each source

        def on_ask(q: str) -> str:
            if not (q or "").strip():
                return "<p>Hãy nhập câu hỏi, ví dụ: «Chi bộ sinh hoạt vào ngày nào hằng tháng?»</p>"
            return answer_html(svc.ask(q))

        def on_action(payload: str, request: gr.Request):
            action = parse_action(payload)
            if action is not None and action.act == "add":
                add_to_pack(service, action.key, request)

        ask.click(on_ask, question, output)
        question.submit(on_ask, question, output)
        bridge_go.click(on_action, bridge_box, None, show_progress="hidden")


def build_links_tab(service: Service, demo: gr.Blocks | None = None) -> None:
    """Liên kết văn bản: căn cứ / được triển khai trong / được nhắc đến trong, and "Đã đưa tin chưa?"."""
    svc = as_answer_service(service)
    # choices are filled when the page loads or the tab opens, never while laying out the UI:
    # the document list changes after every ingestion
    with gr.Tab("Liên kết văn bản", elem_id="vk-tab-lien-ket") as tab:
        with gr.Row():
            doc = gr.Dropdown(label="Văn bản", choices=[], scale=5, elem_id="vk-links-doc")
            refresh = gr.Button("Làm mới danh sách", scale=1)
        links_out = gr.HTML(elem_id="vk-links")
        gr.Markdown("### Đã đưa tin chưa?")
        with gr.Row():
            target = gr.Textbox(label="Số hiệu văn bản hoặc chủ đề", placeholder="45-CT/TW", scale=5,
                                elem_id="vk-coverage-target")
            check = gr.Button("Kiểm tra", variant="primary", scale=1, elem_id="vk-coverage-check")
        coverage_out = gr.HTML(elem_id="vk-coverage")

        def on_doc(doc_id: str) -> str:
            if not doc_id:
                return ""
            graph = svc.graph()
            return links_html(graph.for_document(doc_id), graph.titles(), graph.docs)

        def on_check(t: str) -> str:
            try:
                return coverage_html(*svc.coverage(t))
            except ValueError as exc:
                return f"<p>{exc}</p>"

        doc.change(on_doc, doc, links_out)
        triggers = [refresh.click, tab.select] + ([demo.load] if demo is not None else [])
        gr.on(triggers, lambda: gr.update(choices=_doc_choices(svc)), None, doc)
        check.click(on_check, target, coverage_out)
        target.submit(on_check, target, coverage_out)


def _doc_choices(svc: AnswerService) -> list[tuple[str, str]]:
    svc.library.refresh()  # a CLI ingest may have committed since the last search
    return [(f"{d.title} ({d.date})" if d.date else d.title, d.doc_id) for d in svc.library.documents()]

