"""The Văn bản tab: the indexed documents (filter, sort; a row opens the document), adding files,
removing a document, and correcting metadata that parsing got wrong (editors only)."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from vankien.auth import access as roles
from vankien.services import corrections
from vankien.services.search import INGEST_HEADERS, SORTS, SearchService
from vankien.ui.answer_tabs import as_answer_service
from vankien.ui.document_view import after_open_js, back_to_card_js, build_document_panel, show_document
from vankien.ui.search_views import message_html, remove_question_html

ALL_TYPES = "Tất cả"
# The row clicked, for "back" to return to it (the page knows the row; the server only its values).
REMEMBER_ROW_JS = """() => { const rows = [...document.querySelectorAll('%s')];
  const i = rows.findIndex(r => r.contains(document.activeElement) || r.matches(':hover'));
  window.__vk_opened = Object.assign(window.__vk_opened || {}, {'%s': i < 0 ? null : i}); }"""
# Shown columns (the service's last column, the document id, is not for people): the title wraps
# in the widest one; type, number, date and issuer keep their place at 1280 px.
COLUMN_WIDTHS = ["36%", "11%", "13%", "12%", "19%", "9%"]
ROW_SELECTOR = "#vk-documents tbody tr"
REMEMBER_ROW_JS = REMEMBER_ROW_JS % (ROW_SELECTOR, ROW_SELECTOR)


def count_line(shown: int, total: int) -> str:
    """How many documents the table shows of those the filter matches (Vietnamese thousands dots)."""
    def vi(n: int) -> str:
        return f"{n:,}".replace(",", ".")
    if shown < total:
        return (f"Hiển thị {vi(shown)} trong {vi(total)} văn bản phù hợp. Gõ vào ô «Lọc» (tên, số hiệu, "
                "cơ quan…) để tìm văn bản khác.")
    return f"{vi(total)} văn bản." if total else ""


def documents_tab(demo: gr.Blocks, service: SearchService) -> None:
    with gr.Tab("Văn bản", id="van-ban") as tab:
        rows_state = gr.State(())  # (shown row, doc_id) pairs of the table as now shown
        with gr.Column() as list_col:
            gr.Markdown("Các văn bản đã có trong chỉ mục. Gõ vào ô lọc để tìm nhanh; chọn cách sắp xếp; "
                        "bấm vào một dòng để đọc văn bản.")
            with gr.Row():
                contains = gr.Textbox(label="Lọc", placeholder="tên, số hiệu, cơ quan…", min_width=200)
                type_filter = gr.Dropdown(label="Loại văn bản", choices=[ALL_TYPES], value=ALL_TYPES, min_width=180)
                sort = gr.Dropdown(label="Sắp xếp", choices=list(SORTS), value="Mới nhất trước", min_width=180)
            shown_count = gr.Markdown("", elem_id="vk-documents-count")
            table = gr.Dataframe(label="Văn bản đã lập chỉ mục", interactive=False, wrap=True,
                                 elem_id="vk-documents", elem_classes="vk-table", column_widths=COLUMN_WIDTHS,
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

            with gr.Accordion("Sửa thông tin văn bản (khi máy đọc sai)", open=False,
                              elem_id="vk-correct-box") as correct_box:
                gr.Markdown("Chọn văn bản, sửa ô cần sửa rồi bấm «Lưu sửa đổi». Để trống một ô: "
                            "trở lại thông tin máy đọc được. Sửa đổi được giữ cả khi nạp lại văn bản.")
                to_correct = gr.Dropdown(label="Văn bản cần sửa", choices=[], elem_id="vk-correct-doc")
                with gr.Row():
                    fix_type = gr.Textbox(label="Loại văn bản", min_width=160, elem_id="vk-correct-type")
                    fix_number = gr.Textbox(label="Số hiệu", min_width=160, elem_id="vk-correct-number")
                    fix_date = gr.Textbox(label="Ngày ban hành (ngày/tháng/năm)", min_width=160,
                                          elem_id="vk-correct-date")
                fix_issuer = gr.Textbox(label="Cơ quan ban hành", elem_id="vk-correct-issuer")
                fix_title = gr.Textbox(label="Tên văn bản", elem_id="vk-correct-title")
                correct_btn = gr.Button("Lưu sửa đổi", variant="primary", elem_id="vk-correct-save")
                correct_status = gr.HTML("", elem_id="vk-correct-status")

            with gr.Accordion("Gỡ văn bản khỏi chỉ mục", open=False) as remove_box:
                to_remove = gr.Dropdown(label="Văn bản cần gỡ", choices=[])
                remove_btn = gr.Button("Gỡ văn bản", variant="stop")
                with gr.Row(visible=False) as confirm_row:
                    confirm_text = gr.HTML("")
                    confirm_btn = gr.Button("Đồng ý gỡ", variant="stop")
                    cancel_btn = gr.Button("Không gỡ nữa")
                remove_status = gr.HTML("")
        panel = build_document_panel("vk-vb", "vk-vb-doan-dang-xem", "vk-vb-doc", "← Quay lại danh sách văn bản")

    def show_table(text, doc_type, order):
        page = service.documents_page(text, "" if doc_type in (None, ALL_TYPES) else doc_type, order)
        result = page.table
        shown = [list(r[:-1]) for r in result.rows]
        pairs = tuple((tuple(str(x) for x in row), r[-1]) for row, r in zip(shown, result.rows))
        return gr.Dataframe(value=shown, headers=list(result.headers[:-1])), pairs, count_line(len(shown), page.total)

    def open_row(pairs, evt: gr.SelectData):
        """The row clicked (matched by its values: the table may have been sorted in the page)."""
        wanted = tuple(str(x) for x in (evt.row_value or ()))
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        doc_id = next((d for r, d in pairs if r == wanted), None)
        if doc_id is None and isinstance(row, int) and 0 <= row < len(pairs):
            doc_id = pairs[row][1]
        if doc_id is None:
            return [gr.skip()] * (len(panel.outputs) + 2)
        shown = show_document(panel, service.library, as_answer_service(service).graph(), doc_id, None, "")
        return [*shown, gr.Column(visible=False), gr.Column(visible=True)]

    (table.select(open_row, [rows_state], [*panel.outputs, list_col, panel.column])
     .then(None, js=after_open_js(panel.prefix, panel.passage_id)))
    table.select(None, js=REMEMBER_ROW_JS)
    for btn in panel.back:
        btn.click(lambda: (gr.Column(visible=True), gr.Column(visible=False)), None,
                  [list_col, panel.column]).then(None, js=back_to_card_js(ROW_SELECTOR))

    def refresh_choices():
        kinds = service.filter_choices().doc_types
        return gr.Dropdown(choices=[ALL_TYPES, *kinds])

    def refresh_remove_choices(text, doc_type, correcting):  # the removal and correction pickers, by title and date
        choices = service.document_choices(text or "", "" if doc_type in (None, ALL_TYPES) else doc_type)
        # the document being corrected stays picked, and a choice, while it is in the index
        # (a Dropdown refuses a value not among its choices: the save would fail); its value is
        # left alone, so the form being filled in is not reloaded
        correct = gr.Dropdown(choices=choices)
        if correcting and correcting not in {doc_id for _, doc_id in choices}:
            held = service.document_choice(correcting)
            correct = gr.Dropdown(choices=[*choices, held]) if held else gr.Dropdown(choices=choices, value=None)
        return gr.Dropdown(choices=choices, value=None), correct

    table_inputs = [contains, type_filter, sort]
    gr.on([demo.load, tab.select, contains.change, type_filter.change, sort.change],
          show_table, table_inputs, [table, rows_state, shown_count])
    gr.on([demo.load, tab.select], refresh_choices, None, [type_filter])
    # the pickers list the documents the filter matches (at most SHOWN_DOCUMENTS): in a large
    # archive one types part of a name in «Lọc» to find the document to remove or correct
    gr.on([demo.load, tab.select, contains.change, type_filter.change], refresh_remove_choices,
          [contains, type_filter, to_correct], [to_remove, to_correct])

    # a CLI ingest (another process) commits a new generation: the table and pickers follow it
    # without a click; each tick reads one small file (SearchService.changed_since)
    seen = gr.State("")
    demo.load(service.generation, None, seen)
    gr.Timer(10).tick(lambda g: service.generation() if service.changed_since(g) else gr.skip(), seen, seen,
                      show_progress="hidden")
    seen.change(show_table, table_inputs, [table, rows_state, shown_count], show_progress="hidden").then(
        refresh_remove_choices, [contains, type_filter, to_correct], [to_remove, to_correct], show_progress="hidden")

    # Adding and removing documents is an editor's: hidden from readers, and refused on the server.
    def editor_controls(request: gr.Request):
        shown = roles.is_editor(request)
        return gr.Accordion(visible=shown), gr.Accordion(visible=shown), gr.Accordion(visible=shown)

    demo.load(editor_controls, None, [add_box, remove_box, correct_box])

    def ingest(paths, request: gr.Request, progress=gr.Progress()):
        roles.require_editor(request, "thêm văn bản")
        count = len(paths or [])
        progress((0, max(count, 1)), desc=f"Đang chuẩn bị đọc {count} tệp…")  # at once, not after the first file
        summary = service.ingest_files(
            paths or [], progress=lambda done, total, msg: progress((done, total), desc=msg))
        roles.audit(request, "upload", files=[Path(p).name for p in paths or []],
                    outcome=[list(row) for row in summary.table.rows])
        return (message_html(summary.message, error=not summary.table.rows),
                gr.Dataframe(value=summary.table.as_lists(), headers=list(summary.table.headers),
                             visible=bool(summary.table.rows)))

    (upload_btn.upload(ingest, [upload_btn], [ingest_status, ingest_table])
     .then(show_table, table_inputs, [table, rows_state, shown_count])
     .then(refresh_choices, None, [type_filter])
     .then(refresh_remove_choices, [contains, type_filter, to_correct], [to_remove, to_correct]))

    def ask_confirm(doc_id):
        if not doc_id:
            return gr.Row(visible=False), "", message_html("Hãy chọn văn bản cần gỡ.", error=True)
        form = corrections.form_of(service.library, doc_id)  # the prompt names the title, not the id
        return gr.Row(visible=True), remove_question_html(form.title or doc_id), ""

    def do_remove(doc_id, request: gr.Request):
        roles.require_editor(request, "gỡ văn bản")
        message = service.remove(doc_id)
        roles.audit(request, "remove", doc_id=doc_id, outcome=message)
        return gr.Row(visible=False), message_html(message)

    remove_btn.click(ask_confirm, [to_remove], [confirm_row, confirm_text, remove_status])
    cancel_btn.click(lambda: gr.Row(visible=False), None, [confirm_row])
    (confirm_btn.click(do_remove, [to_remove], [confirm_row, remove_status])
     .then(show_table, table_inputs, [table, rows_state, shown_count])
     .then(refresh_remove_choices, [contains, type_filter, to_correct], [to_remove, to_correct]))

    fix_fields = [fix_type, fix_number, fix_date, fix_issuer, fix_title]

    def fill_form(doc_id):
        form = corrections.form_of(service.library, doc_id or "")
        return form.doc_type, form.number, form.date, form.issuer, form.title, ""

    def save_correction(doc_id, doc_type, number, date, issuer, title, request: gr.Request):
        roles.require_editor(request, "sửa thông tin văn bản")
        wanted = corrections.MetadataForm(doc_id or "", doc_type or "", number or "", date or "", issuer or "",
                                          title or "")
        form, message, failed = corrections.correct(service.library, wanted)
        roles.audit(request, "correct", doc_id=doc_id, outcome=message)
        return form.doc_type, form.number, form.date, form.issuer, form.title, message_html(message, error=failed)

    to_correct.change(fill_form, [to_correct], [*fix_fields, correct_status])
    (correct_btn.click(save_correction, [to_correct, *fix_fields], [*fix_fields, correct_status])
     .then(show_table, table_inputs, [table, rows_state, shown_count]))
