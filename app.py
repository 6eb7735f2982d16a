"""Văn kiện — the web interface (Gradio). Lays out the UI only.

Every callback calls one SearchService method and formats its result; per-user state (the current
results, the arguments of the last search) lives in gr.State. Each tab is one function in TABS:
adding the "Hỏi đáp" or "Chuẩn bị sinh hoạt chuyên đề" tab is writing one more such function.

Run: `vankien serve` (see vankien/cli/serve.py) or `python app.py [--host H --port P --index DIR]`.
"""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Callable

import gradio as gr

from vankien.auth import access as roles
from vankien.auth.web import launch_options
from vankien.ui.answer_tabs import ask_tab, links_for_document_html, links_tab, pack_tab
from vankien.services.search import INGEST_HEADERS, PASSAGE_ANCHOR, SORTS, ResultCard, SearchService, SearchView

EXAMPLE_QUERIES = [
    "nâng cao chất lượng sinh hoạt chi bộ",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "phát triển đảng viên mới",
    "kiểm tra, giám sát",
    "chuyen doi so",  # without diacritics works too
]
ALL_TYPES = "Tất cả"

# Large type and strong contrast for older readers; system fonts only, nothing fetched from the web.
THEME = gr.themes.Default(
    primary_hue=gr.themes.colors.blue,
    neutral_hue=gr.themes.colors.gray,
    text_size=gr.themes.Size(xxs="13px", xs="15px", sm="17px", md="19px", lg="21px", xl="25px",
                             xxl="30px", name="vankien"),
    font=["Noto Sans", "Segoe UI", "Roboto", "Arial", "sans-serif"],
    font_mono=["Noto Sans Mono", "Consolas", "monospace"],
).set(
    body_text_color="#111111",
    body_text_color_subdued="#333333",
    block_label_text_color="#111111",
    block_title_text_color="#111111",
    input_placeholder_color="#555555",
    button_primary_background_fill="#0b3d91",
    button_primary_background_fill_hover="#082c69",
    button_primary_text_color="#ffffff",
    button_secondary_background_fill="#e8eef9",
    button_secondary_text_color="#0b3d91",
    button_secondary_border_color="#0b3d91",
)

CSS = """
.gradio-container { font-size: 19px; line-height: 1.6; max-width: 1100px !important; margin: auto; }
.vk-header h1 { font-size: 30px; margin: 0; color: #7a0000; }
.vk-header p { margin: 4px 0 0; }
.vk-card { border: 2px solid #c9d3e6 !important; border-radius: 10px; padding: 6px 10px; margin-bottom: 14px; }
.vk-card h3 { font-size: 21px; margin: 4px 0 8px; color: #0b3d91; }
.vk-snippet, .vk-doc-body { white-space: pre-wrap; overflow-wrap: anywhere; color: #111; }
.vk-citation { margin-top: 10px; padding: 8px 10px; background: #fff7e0; border-left: 5px solid #b8860b;
               font-weight: 600; color: #111; overflow-wrap: anywhere; }
mark { background: #ffe066; color: #000; padding: 0 2px; border-radius: 3px; }
.vk-passage { background: #eaf2ff; border-left: 6px solid #0b3d91; padding: 8px 12px; margin: 10px 0;
              scroll-margin-top: 80px; }
.vk-doc-body { font-size: 19px; }
.vk-message { font-size: 19px; padding: 4px 0; }
.vk-message.vk-error { color: #a00000; font-weight: 600; }
button { min-height: 48px; }
button[role="tab"] { font-size: 20px; color: #111; }
button[role="tab"][aria-selected="true"] { color: #0b3d91; font-weight: 700; }
/* Tables: the readable text font (monospace fallbacks garble Vietnamese marks), scrolled inside
   their own box so a phone-width page never grows sideways. */
.vk-table, .vk-table * { font-family: var(--font) !important; font-size: 17px; }
.vk-table { contain: inline-size; }
.gradio-container, .vk-card, .vk-card-body { max-width: 100%; min-width: 0; }
/* Five tabs do not fit a phone's width in one row: let the tab bar wrap instead of widening the page. */
.tab-wrapper, .tab-container { flex-wrap: wrap !important; height: auto !important; max-width: 100%; }
.tab-container button[role="tab"] { white-space: normal; }
@media (max-width: 600px) {
  .gradio-container { padding: 6px !important; }
  .vk-header h1 { font-size: 25px; }
}
"""

# Copies a citation: navigator.clipboard where the page is a secure context (localhost is),
# a hidden textarea otherwise (a LAN address over plain http).
COPY_JS = """() => {
  const text = %s;
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed';
    area.style.opacity = '0'; document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(area); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).catch(fallback);
  } else { fallback(); }
}"""

SCROLL_TO_PASSAGE_JS = """() => {
  const go = (tries) => {
    const el = document.getElementById('%s');
    if (el) { el.scrollIntoView({block: 'center'}); } else if (tries > 0) { setTimeout(() => go(tries - 1), 100); }
  };
  setTimeout(() => go(20), 50);
}""" % PASSAGE_ANCHOR

SCROLL_TOP_JS = "() => { window.scrollTo({top: 0}); }"


# ---- formatting helpers (pure) --------------------------------------------------------------------

def message_html(text: str, error: bool = False) -> str:
    cls = "vk-message vk-error" if error else "vk-message"
    return f'<div class="{cls}" role="status">{html.escape(text)}</div>' if text else ""


def card_html(card: ResultCard, number: int) -> str:
    return (
        f'<h3>{number}. {html.escape(card.title)}</h3>'
        f'<div class="vk-snippet">{card.snippet_html}</div>'
        f'<div class="vk-citation">Trích dẫn: {html.escape(card.citation)}</div>'
    )


def copy_js(text: str) -> str:
    return COPY_JS % json.dumps(text)


# ---- tabs ---------------------------------------------------------------------------------------

def search_tab(demo: gr.Blocks, service: SearchService) -> None:
    with gr.Tab("Tra cứu", id="tra-cuu") as tab:
        view_state = gr.State(None)  # SearchView of this user's last search
        args_state = gr.State(None)  # (query, doc_types, issuer, date_from, date_to)

        with gr.Column(visible=True) as results_panel:
            with gr.Row(equal_height=True):
                query = gr.Textbox(
                    label="Tìm trong văn kiện", scale=4, min_width=240, lines=1, max_lines=3,
                    placeholder="Gõ nội dung, chủ đề hoặc số hiệu văn bản (có dấu hoặc không dấu)",
                    elem_id="vk-query",
                )
                search_btn = gr.Button("Tìm", variant="primary", scale=1, min_width=120, elem_id="vk-search")
            gr.Examples([[q] for q in EXAMPLE_QUERIES], inputs=[query], label="Ví dụ, bấm để chọn")
            with gr.Accordion("Bộ lọc: loại văn bản, cơ quan ban hành, thời gian", open=False):
                with gr.Row():
                    doc_types = gr.Dropdown(label="Loại văn bản", choices=[], multiselect=True, min_width=220)
                    issuer = gr.Dropdown(label="Cơ quan ban hành", choices=[], allow_custom_value=True,
                                         min_width=220)
                with gr.Row():
                    date_from = gr.Textbox(label="Từ ngày", placeholder="ví dụ 1/1/2023", min_width=160)
                    date_to = gr.Textbox(label="Đến ngày", placeholder="ví dụ 31/12/2024", min_width=160)
            status = gr.HTML("")

            @gr.render(inputs=[view_state])
            def show_results(view: SearchView | None):
                if not view:
                    return
                for number, card in enumerate(view.cards, start=1):
                    with gr.Group(elem_classes="vk-card"):
                        gr.HTML(card_html(card, number), elem_classes="vk-card-body")
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

    def run_search(q, types, iss, dfrom, dto):
        view = service.search(q, types, iss, dfrom, dto, page=1)
        return _show_view(view) + ((q, types, iss, dfrom, dto),)

    def load_more(view: SearchView | None, args):
        if not view or not args:
            return gr.skip(), gr.skip(), gr.skip()
        return _show_view(service.search(*args, page=view.page + 1))

    search_outputs = [view_state, status, more_btn, args_state]
    for trigger in (search_btn.click, query.submit):
        trigger(run_search, [query, doc_types, issuer, date_from, date_to], search_outputs)
    more_btn.click(load_more, [view_state, args_state], [view_state, status, more_btn])

    def back():
        return gr.Column(visible=True), gr.Column(visible=False)

    for btn in (back_btn, back_btn_end):
        btn.click(back, None, [results_panel, doc_panel]).then(None, js=SCROLL_TOP_JS)

    def refresh_filters():
        choices = service.filter_choices()
        return gr.Dropdown(choices=list(choices.doc_types)), gr.Dropdown(choices=list(choices.issuers))

    gr.on([demo.load, tab.select], refresh_filters, None, [doc_types, issuer])


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
        return (f"<h2>{html.escape(doc.title)}</h2>", doc.citation,
                f'<div class="vk-doc-body">{doc.body_html}</div>', refs,
                gr.Column(visible=False), gr.Column(visible=True))
    return open_document


def documents_tab(demo: gr.Blocks, service: SearchService) -> None:
    with gr.Tab("Văn bản", id="van-ban") as tab:
        gr.Markdown("Các văn bản đã có trong chỉ mục. Gõ vào ô lọc để tìm nhanh; chọn cách sắp xếp.")
        with gr.Row():
            contains = gr.Textbox(label="Lọc", placeholder="tên, số hiệu, cơ quan…", min_width=200)
            type_filter = gr.Dropdown(label="Loại văn bản", choices=[ALL_TYPES], value=ALL_TYPES, min_width=180)
            sort = gr.Dropdown(label="Sắp xếp", choices=list(SORTS), value="Mới nhất trước", min_width=180)
        table = gr.Dataframe(label="Văn bản đã lập chỉ mục", interactive=False, wrap=True,
                             elem_id="vk-documents", elem_classes="vk-table",
                             max_height=600)

        with gr.Accordion("Thêm văn bản (PDF, DOCX, TXT, HTML)", open=False) as add_box:
            gr.Markdown("Bấm nút dưới đây, chọn một hoặc nhiều tệp; văn bản được thêm ngay sau khi chọn.")
            upload_btn = gr.UploadButton("Chọn tệp để thêm vào chỉ mục", file_count="multiple",
                                         file_types=[".pdf", ".docx", ".txt", ".md", ".html", ".htm"],
                                         variant="primary", elem_id="vk-upload")
            ingest_status = gr.HTML("")
            ingest_table = gr.Dataframe(headers=INGEST_HEADERS, label="Kết quả từng tệp", interactive=False,
                                        wrap=True, visible=False, elem_classes="vk-table",
                                        elem_id="vk-ingest-result")

        with gr.Accordion("Gỡ văn bản khỏi chỉ mục", open=False) as remove_box:
            to_remove = gr.Dropdown(label="Văn bản cần gỡ", choices=[])
            remove_btn = gr.Button("Gỡ văn bản", variant="stop")
            with gr.Row(visible=False) as confirm_row:
                confirm_text = gr.HTML("")
                confirm_btn = gr.Button("Đồng ý gỡ", variant="stop")
                cancel_btn = gr.Button("Không gỡ nữa")
            remove_status = gr.HTML("")

    def show_table(text, doc_type, order):
        result = service.documents_table(text, "" if doc_type in (None, ALL_TYPES) else doc_type, order)
        return gr.Dataframe(value=result.as_lists(), headers=list(result.headers))

    def refresh_choices():
        kinds = service.filter_choices().doc_types
        return gr.Dropdown(choices=[ALL_TYPES, *kinds])

    def refresh_remove_choices():
        return gr.Dropdown(choices=service.document_choices(), value=None)

    table_inputs = [contains, type_filter, sort]
    gr.on([demo.load, tab.select, contains.change, type_filter.change, sort.change],
          show_table, table_inputs, [table])
    gr.on([demo.load, tab.select], refresh_choices, None, [type_filter])
    gr.on([demo.load, tab.select], refresh_remove_choices, None, [to_remove])

    # Adding and removing documents is an editor's: hidden from readers, and refused on the server.
    def editor_controls(request: gr.Request):
        shown = roles.is_editor(request)
        return gr.Accordion(visible=shown), gr.Accordion(visible=shown)

    demo.load(editor_controls, None, [add_box, remove_box])

    def ingest(paths, request: gr.Request, progress=gr.Progress()):
        roles.require_editor(request, "thêm văn bản")
        summary = service.ingest_files(
            paths or [], progress=lambda done, total, msg: progress((done, total), desc=msg))
        roles.audit(request, "upload", files=[Path(p).name for p in paths or []],
                    outcome=[list(row) for row in summary.table.rows])
        return (message_html(summary.message, error=not summary.table.rows),
                gr.Dataframe(value=summary.table.as_lists(), headers=list(summary.table.headers),
                             visible=bool(summary.table.rows)))

    (upload_btn.upload(ingest, [upload_btn], [ingest_status, ingest_table])
     .then(show_table, table_inputs, [table])
     .then(refresh_choices, None, [type_filter])
     .then(refresh_remove_choices, None, [to_remove]))

    def ask_confirm(doc_id):
        if not doc_id:
            return gr.Row(visible=False), "", message_html("Hãy chọn văn bản cần gỡ.", error=True)
        question = f"Gỡ văn bản «{html.escape(str(doc_id))}» khỏi chỉ mục? Tệp gốc không bị xóa."
        return gr.Row(visible=True), f"<p><strong>{question}</strong></p>", ""

    def do_remove(doc_id, request: gr.Request):
        roles.require_editor(request, "gỡ văn bản")
        message = service.remove(doc_id)
        roles.audit(request, "remove", doc_id=doc_id, outcome=message)
        return gr.Row(visible=False), message_html(message)

    remove_btn.click(ask_confirm, [to_remove], [confirm_row, confirm_text, remove_status])
    cancel_btn.click(lambda: gr.Row(visible=False), None, [confirm_row])
    (confirm_btn.click(do_remove, [to_remove], [confirm_row, remove_status])
     .then(show_table, table_inputs, [table])
     .then(refresh_remove_choices, None, [to_remove]))


# Tabs in display order; each is fn(demo, service). Hỏi đáp and Chuẩn bị sinh hoạt chuyên đề go here.
TABS: list[Callable[[gr.Blocks, SearchService], None]] = [search_tab, ask_tab, pack_tab, documents_tab, links_tab]


def build_app(service: SearchService, tabs: list[Callable] | None = None) -> gr.Blocks:
    with gr.Blocks(title="Văn kiện — tra cứu văn kiện Đảng") as demo:
        gr.HTML(
            '<div class="vk-header"><h1>Văn kiện</h1>'
            "<p>Tra cứu văn kiện Đảng ngay trên máy này, không cần Internet. "
            "Mỗi kết quả kèm trích dẫn để đọc trong cuộc họp.</p></div>"
        )
        with gr.Tabs():
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
           access: roles.Access | None = None, **kwargs) -> None:
    """Serve the app with the readable theme, behind the login of `access` (vankien/auth); nothing
    is shared, recorded (no run history, no monitoring) or fetched from the Internet."""
    demo.delete_cache = demo.delete_cache or (CACHE_HOURS * 3600, CACHE_HOURS * 3600)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, status_update_rate=STATUS_EVERY).launch(
        server_name=host, server_port=port, max_threads=MAX_THREADS,
        share=False, ssr_mode=False, theme=THEME, css=CSS, footer_links=[], show_error=True,
        run_history=False, enable_monitoring=False, mcp_server=False, pwa=False,
        **launch_options(access or roles.current()), **kwargs,
    )


def main(argv: list[str] | None = None) -> int:
    """`python app.py [options]` is `vankien serve [options]`."""
    from vankien.cli.main import main as cli_main

    return cli_main(["serve", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
