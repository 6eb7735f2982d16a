"""The Tra cứu tab: a query with filters, result cards with their citations, the full text of one.

Per-user state (the current results, the arguments of the last search) lives in gr.State; each
callback makes one SearchService call and formats its record with vankien/ui/search_views.py.
"""
from __future__ import annotations

from typing import Callable

import gradio as gr

from vankien.services.search import SearchService, SearchView
from vankien.ui.answer_tabs import as_answer_service
from vankien.ui.bridge import add_bridge, parse_action
from vankien.ui.document_view import after_open_js, back_to_card_js, build_document_panel, show_document
from vankien.ui.pack_actions import add_to_pack
from vankien.ui.search_views import cards_html, message_html
from vankien.ui.theme import PASSAGE_ANCHOR, RESULTS_JS

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
        # "Thêm vào tài liệu" on the cards and the document's related links (vankien/ui/bridge.py)
        bridge_box, bridge_go = add_bridge("vk-search-bridge")

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

            # All cards are one HTML block (no gr.render: building components per card cost more
            # than the search itself and capped the server at ~15 searches/s). "Xem toàn văn" sends
            # the card's number through this block's click event (theme.RESULTS_JS), the citation is
            # copied in the browser, "Thêm vào tài liệu" goes through the tab's bridge.
            results = gr.HTML("", elem_id="vk-results", js_on_load=RESULTS_JS)

            more_btn = gr.Button("Xem thêm kết quả", visible=False, elem_id="vk-more")

        panel = build_document_panel("vk", PASSAGE_ANCHOR, "vk-doc", "← Quay lại kết quả")

    def run_search(q, types, iss, dfrom, dto, top):
        view = service.search(q, types, iss, dfrom, dto, page=1, topic=top or "")
        return _show_view(view) + ((q, types, iss, dfrom, dto, top or ""),)

    def load_more(view: SearchView | None, args):
        if not view or not args:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        *filters, top = args
        return _show_view(service.search(*filters, page=view.page + 1, topic=top))

    # A search is a few milliseconds of work: it skips the queue (one POST instead of joining the
    # queue and reading its event stream, half of the server's CPU per search), so fifty readers
    # searching at once stay under a second. Questions, uploads and exports keep their queues.
    search_outputs = [view_state, results, status, more_btn, args_state]
    for trigger in (search_btn.click, query.submit):
        trigger(run_search, [query, doc_types, issuer, date_from, date_to, topic], search_outputs, queue=False)
    more_btn.click(load_more, [view_state, args_state], [view_state, results, status, more_btn], queue=False)

    def open_card(view: SearchView | None, evt: gr.EventData):
        number = _card_number(evt)
        if not view or number is None or not 1 <= number <= len(view.cards):
            return [gr.skip()] * (len(panel.outputs) + 2)
        card = view.cards[number - 1]
        return _open_document(service, panel, card.doc_id, card.ordinal, view.query)()

    (results.click(open_card, [view_state], [*panel.outputs, results_panel, panel.column])
     .then(None, js=after_open_js(panel.prefix, panel.passage_id)))

    def back():
        return gr.Column(visible=True), gr.Column(visible=False)

    for btn in panel.back:  # back at the card that was opened, not the top of the list
        btn.click(back, None, [results_panel, panel.column]).then(None, js=back_to_card_js(".vk-card h3"))

    def on_action(payload: str, request: gr.Request):
        action = parse_action(payload)
        if action is not None and action.act == "add":
            add_to_pack(service, action.key, request)
        elif action is not None and action.act == "doc":  # a related document's link
            return _open_document(service, panel, action.key, None, "")()
        return [gr.skip()] * (len(panel.outputs) + 2)

    (bridge_go.click(on_action, [bridge_box], [*panel.outputs, results_panel, panel.column], show_progress="hidden")
     .then(None, js=after_open_js(panel.prefix, panel.passage_id)))

    def open_shared(request: gr.Request):
        """?doc=ID&p=N (a link sent over Zalo): the app opens at that document and passage."""
        params = getattr(request, "query_params", None) or {}
        doc_id = params.get("doc", "")
        if not doc_id:
            return [gr.skip()] * (len(panel.outputs) + 2)
        ordinal = params.get("p", "")
        return _open_document(service, panel, doc_id, int(ordinal) if ordinal.isdigit() else None, "")()

    demo.load(open_shared, None, [*panel.outputs, results_panel, panel.column]).then(
        None, js=after_open_js(panel.prefix, panel.passage_id))

    def refresh_filters():
        choices = service.filter_choices()
        return (gr.Dropdown(choices=list(choices.doc_types)), gr.Dropdown(choices=list(choices.issuers)),
                gr.Dropdown(choices=[("Mọi chủ đề", ""), *choices.topics]))

    gr.on([demo.load, tab.select], refresh_filters, None, [doc_types, issuer, topic])


def _show_view(view: SearchView):
    return view, cards_html(view), message_html(view.message, view.error), gr.Button(visible=view.has_more)


def _card_number(evt: gr.EventData) -> int | None:
    """The card number the page script sent with the click ({"card": n}); None for a click elsewhere."""
    data = getattr(evt, "_data", None)
    try:
        return int(data["card"]) if isinstance(data, dict) and "card" in data else None
    except (TypeError, ValueError):
        return None


def _open_document(service: SearchService, panel, doc_id: str, ordinal: int | None, query: str) -> Callable:
    def open_document():
        shown = show_document(panel, service.library, as_answer_service(service).graph(), doc_id, ordinal, query)
        return [*shown, gr.Column(visible=False), gr.Column(visible=True)]
    return open_document
