"""The Văn bản tab: the indexed documents (filter, sort), adding files, removing a document."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from vankien.auth import access as roles
from vankien.services.search import INGEST_HEADERS, SORTS, SearchService
from vankien.ui.search_views import message_html, remove_question_html

ALL_TYPES = "Tất cả"


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

    # a CLI ingest (another process) commits a new generation: the table and pickers follow it
    # without a click; each tick reads one small file (SearchService.changed_since)
    seen = gr.State("")
    demo.load(service.generation, None, seen)
    gr.Timer(10).tick(lambda g: service.generation() if service.changed_since(g) else gr.skip(), seen, seen,
                      show_progress="hidden")
    seen.change(show_table, table_inputs, [table], show_progress="hidden").then(
        refresh_remove_choices, None, [to_remove], show_progress="hidden")

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
        return gr.Row(visible=True), remove_question_html(doc_id), ""

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
