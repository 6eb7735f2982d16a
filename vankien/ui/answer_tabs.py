"""Gradio tabs: Hỏi đáp, Chuẩn bị sinh hoạt chuyên đề, Liên kết văn bản (with "Đã đưa tin chưa?").

Call the builders inside a `gr.Blocks()` (and a `gr.Tabs()`) context:

    with gr.Blocks() as app:
        with gr.Tabs():
            build_ask_tab(service); build_pack_tab(service); build_links_tab(service)

`service` is an AnswerService, or any object with a `.library` (such as the search service), which
is then wrapped (one AnswerService per Library). For app.py's tab list, whose entries are
fn(demo, service): ask_tab, pack_tab, links_tab. Callbacks are thin: one service call, one formatting helper; per-user choices
(the candidate pack) live in gr.State. All document text is escaped in vankien/ui/answer_views.py.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Union

import gradio as gr

from vankien.answers.handout_docx import Letterhead
from vankien.services.answers import AnswerService
from vankien.services.search import SearchService
from vankien.ui.answer_views import (answer_html, coverage_html, handout_preview_html, links_html, pack_choices,
                                     pack_html)


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


def pack_tab(demo: gr.Blocks, service: Service) -> None:
    build_pack_tab(service)


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

        def on_ask(q: str) -> str:
            if not (q or "").strip():
                return "<p>Hãy nhập câu hỏi, ví dụ: «Chi bộ sinh hoạt vào ngày nào hằng tháng?»</p>"
            return answer_html(svc.ask(q))

        ask.click(on_ask, question, output)
        question.submit(on_ask, question, output)


def parse_order(order: str, count: int) -> list[int]:
    """"3, 1 2" -> [2, 0, 1] (0-based), ignoring numbers out of 1..count and repeats."""
    out: list[int] = []
    for token in (order or "").replace(";", ",").replace(" ", ",").split(","):
        token = token.strip()
        if token.isdigit() and 1 <= int(token) <= count and int(token) - 1 not in out:
            out.append(int(token) - 1)
    return out


def chosen_keys(pack, ticked: list[str] | None, order: str) -> list[str]:
    """Ticked passage keys in the order typed (candidate numbers), the rest in ticked order."""
    if pack is None:
        return []
    keys = [item.key for item in pack.items()]
    ticked_set = set(ticked or [])
    ordered = [keys[i] for i in parse_order(order, len(keys)) if keys[i] in ticked_set]
    return ordered + [k for k in keys if k in ticked_set and k not in ordered]


def build_pack_tab(service: Service) -> None:
    svc = as_answer_service(service)
    with gr.Tab("Chuẩn bị sinh hoạt chuyên đề", elem_id="vk-tab-chuyen-de") as tab:
        gr.Markdown("Nhập chủ đề, đánh dấu các đoạn cần dùng, sắp xếp thứ tự, thêm ghi chú rồi xuất tài liệu DOCX/Markdown.")
        pack_state = gr.State(None)
        with gr.Row():
            theme = gr.Textbox(label="Chủ đề", placeholder="nâng cao chất lượng sinh hoạt chi bộ", scale=5,
                               elem_id="vk-theme")
            k = gr.Number(label="Số đoạn ứng viên", value=20, precision=0, minimum=1, maximum=100, scale=1)
            find = gr.Button("Tìm đoạn văn bản", variant="primary", scale=1, elem_id="vk-pack-find")
        candidates = gr.HTML(elem_id="vk-pack-candidates")
        ticked = gr.CheckboxGroup(label="Chọn đoạn đưa vào tài liệu", choices=[], elem_id="vk-pack-choices")
        with gr.Row():
            order = gr.Textbox(label="Thứ tự (số thứ tự các đoạn, cách nhau bằng dấu phẩy; để trống: theo thứ tự trên)",
                               placeholder="3, 1, 2", elem_id="vk-pack-order")
            title = gr.Textbox(label="Tiêu đề tài liệu", placeholder="TÀI LIỆU SINH HOẠT CHUYÊN ĐỀ")
        note = gr.Textbox(label="Ghi chú", lines=3, elem_id="vk-pack-note")
        with gr.Row():  # filled from the saved letterhead when the tab opens, not while laying out
            parent = gr.Textbox(label="Đảng bộ cấp trên", placeholder="ĐẢNG BỘ XÃ HÒA AN", elem_id="vk-pack-parent")
            branch = gr.Textbox(label="Chi bộ", placeholder="CHI BỘ THÔN 3", elem_id="vk-pack-branch")
            place = gr.Textbox(label="Địa danh (dòng ngày tháng)", placeholder="Hòa An", elem_id="vk-pack-place")
        preview = gr.HTML(elem_id="vk-pack-preview")
        export = gr.Button("Xuất tài liệu (DOCX, PDF, Markdown)", variant="primary", elem_id="vk-pack-export")
        with gr.Row():
            docx_file = gr.File(label="Tài liệu DOCX", elem_id="vk-pack-docx")
            pdf_file = gr.File(label="Tài liệu PDF", elem_id="vk-pack-pdf")
            md_file = gr.File(label="Tài liệu Markdown", elem_id="vk-pack-md")

        def on_find(t: str, n: float):
            try:
                pack = svc.pack(t, k=int(n or 20))
            except ValueError as exc:
                return None, f"<p>{exc}</p>", gr.update(choices=[], value=[])
            return pack, pack_html(pack), gr.update(choices=pack_choices(pack), value=[])

        def on_preview(pack, keys, order_text):
            if pack is None:
                return ""
            return handout_preview_html(svc.handout(pack, keep=chosen_keys(pack, keys, order_text)))

        def on_export(pack, keys, order_text, note_text, title_text, parent_text, branch_text, place_text):
            if pack is None:
                return None, None, None, "<p>Hãy tìm đoạn văn bản theo chủ đề trước.</p>"
            handout = svc.handout(pack, keep=chosen_keys(pack, keys, order_text), note=note_text, title=title_text)
            if not handout.items:
                return None, None, None, handout_preview_html(handout)
            svc.save_letterhead(Letterhead(parent_text.strip(), branch_text.strip(), place_text.strip()))
            files = svc.export(handout)
            pdf = str(files.pdf) if files.pdf else None
            return str(files.docx), pdf, str(files.markdown), handout_preview_html(handout)

        find.click(on_find, [theme, k], [pack_state, candidates, ticked])
        theme.submit(on_find, [theme, k], [pack_state, candidates, ticked])
        ticked.change(on_preview, [pack_state, ticked, order], preview)
        order.change(on_preview, [pack_state, ticked, order], preview)
        def on_open():
            saved = svc.letterhead()
            return saved.parent, saved.branch, saved.place

        tab.select(on_open, None, [parent, branch, place])
        export.click(on_export, [pack_state, ticked, order, note, title, parent, branch, place],
                     [docx_file, pdf_file, md_file, preview])


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
    return [(f"{d.title} ({d.date})" if d.date else d.title, d.doc_id) for d in svc.library.documents()]


def links_for_document_html(service: Service, doc_id: str) -> str:
    """For the Văn bản tab: the links block of one document, escaped HTML."""
    svc = as_answer_service(service)
    graph = svc.graph()
    return links_html(graph.for_document(doc_id), graph.titles(), graph.docs)
