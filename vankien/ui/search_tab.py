"""The Tra cứu tab: a query with filters, result cards with their citations, the full text of one.

Per-user state (the current results, the arguments of the last search) lives in gr.State; each
callback makes one SearchService call and formats its record with vankien/ui/search_views.py.
"""
from __future__ import annotations

from typing import Callable

import gradio as gr

from vankien.services.search import ResultCard, SearchService, SearchView
from vankien.ui.answer_tabs import links_for_document_html
from vankien.ui.search_views import (card_html, copy_js, document_body_html, document_title_html,
                                     message_html)
from vankien.ui.theme import SCROLL_TO_PASSAGE_JS, SCROLL_TOP_JS

EXAMPLE_QUERIES = [
    "nâng cao chất lượng sinh hoạt chi bộ",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "phát triển đảng viên mới",
    "kiểm tra, giám sát",
    "chuyen doi so",  # without diacritics works too
]


def search_tab(demo: gr.Blocks, service: SearchService) -> None:
    with gr.Tab("Tra cứu", id="tra-cuu") as tab:
        view_state = gr.State(None)  # SearchView of this user's last search
        args_state = gr.State(None)  # (query, doc_types, issuer, date_from, date_to, topic)

        with gr.Column(visible=True) as results_panel:
            with gr.Row(equal_height=True):
                query = gr.Textbox(
                    label="Tìm trong văn kiện", scale=4, min_width=240, lines=1, max_lines=3,
                    placeholder="Gõ nội dung, chủ đề hoặc số hiệu văn bản (có dấu hoặc không dấu)",
                    elem_id="vk-query",
                )
                search_btn = gr.Button("Tìm", variant="primary", scale=1, min_width=120, elem_id="vk-search")
            gr.Examples([[q] for q in EXAMPLE_QUERIES], inputs=[query], label="Ví dụ, bấm để chọn")
            with gr.Accordion("Bộ lọc: loại văn bản, cơ quan ban hành, thời gian, chủ đề", open=False):
                with gr.Row():
                    doc_types = gr.Dropdown(label="Loại văn bản", choices=[], multiselect=True, min_width=220)
                    issuer = gr.Dropdown(label="Cơ quan ban hành", choices=[], allow_custom_value=True,
                                         min_width=220)
                with gr.Row():
                    date_from = gr.Textbox(label="Từ ngày", placeholder="ví dụ 1/1/2023", min_width=160)
                    date_to = gr.Textbox(label="Đến ngày", placeholder="ví dụ 31/12/2024", min_width=160)
                topic = gr.Dropdown(label="Chủ đề", choices=[("Mọi chủ đề", "")], value="", elem_id="vk-search-topic",
                                    min_width=220)
            status = gr.HTML("")

            @gr.render(inputs=[view_state])
            def show_results(view: SearchView | None):
                if not view:
                    return
                for number, card in enumerate(view.cards, start=1):
                    with gr.Group(elem_classes="vk-card"):
                        gr.HTML(card_html(card, number, view.query), elem_classes="vk-card-body")
                        with gr.Row():
                            open_btn = gr.Button("Xem toàn văn", size="md", min_width=150)
                            copy_btn = gr.Button("Sao chép trích dẫn", size="md", min_width=150)
                    open_btn.click(
                        _open_document(service, card, view.query),
                        outputs=[doc_title, doc_citation, doc_body, doc_refs, results_panel, doc_panel],
                    ).then(None, js=SCROLL_TO_PASSAGE_JS)
                    copy_btn.click(None, js=copy_js(card.citation)).then(
                        lambda: gr.Info("Đã sao chép trích dẫn."), None, None)

            more_btn = gr.Button("Xem thêm kết quả", visible=False, elem_id="vk-more")

        with gr.Column(visible=False) as doc_panel:
            back_btn = gr.Button("← Quay lại kết quả", elem_id="vk-back")
            doc_title = gr.HTML("")
            doc_citation = gr.Textbox(label="Trích dẫn", buttons=["copy"], interactive=False, lines=1)
            doc_body = gr.HTML("", elem_id="vk-doc")
            doc_refs = gr.HTML("")
            back_btn_end = gr.Button("← Quay lại kết quả")

    def run_search(q, types, iss, dfrom, dto, top):
        view = service.search(q, types, iss, dfrom, dto, page=1, topic=top or "")
        return _show_view(view) + ((q, types, iss, dfrom, dto, top or ""),)

    def load_more(view: SearchView | None, args):
        if not view or not args:
            return gr.skip(), gr.skip(), gr.skip()
        *filters, top = args
        return _show_view(service.search(*filters, page=view.page + 1, topic=top))

    search_outputs = [view_state, status, more_btn, args_state]
    for trigger in (search_btn.click, query.submit):
        trigger(run_search, [query, doc_types, issuer, date_from, date_to, topic], search_outputs)
    more_btn.click(load_more, [view_state, args_state], [view_state, status, more_btn])

    def back():
        return gr.Column(visible=True), gr.Column(visible=False)

    for btn in (back_btn, back_btn_end):
        btn.click(back, None, [results_panel, doc_panel]).then(None, js=SCROLL_TOP_JS)

    def refresh_filters():
        choices = service.filter_choices()
        return (gr.Dropdown(choices=list(choices.doc_types)), gr.Dropdown(choices=list(choices.issuers)),
                gr.Dropdown(choices=[("Mọi chủ đề", ""), *choices.topics]))

    gr.on([demo.load, tab.select], refresh_filters, None, [doc_types, issuer, topic])


def _show_view(view: SearchView):
    return view, message_html(view.message, view.error), gr.Button(visible=view.has_more)


def _open_document(service: SearchService, card: ResultCard, query: str) -> Callable:
    def open_document():
        doc = service.document_view(card.doc_id, card.ordinal, query)
        if not doc.found:
            return (message_html(doc.message, error=True), "", "", "",
                    gr.Column(visible=False), gr.Column(visible=True))
        # căn cứ (what it cites) and được triển khai / nhắc đến trong (what cites it)
        refs = links_for_document_html(service, card.doc_id)
        return (document_title_html(doc), doc.citation,
                f'<div class="vk-doc-body">{document_body_html(doc)}</div>', refs,
                gr.Column(visible=False), gr.Column(visible=True))
    return open_document
