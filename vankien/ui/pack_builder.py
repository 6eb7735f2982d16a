"""The Chuẩn bị sinh hoạt chuyên đề tab: one list of passages to build the handout from.

The list holds what the user sent with "Thêm vào tài liệu" (from search results, answer sources or
a document) and, below it, the candidates found for a theme. Each row has a large checkbox, up and
down buttons, "Xem toàn văn" and "Bỏ"; rows can also be dragged. Ticked rows are the handout, in
the list's order. The list is kept per user beside the index until the handout is exported
(vankien/services/packs.py); theme candidates live only in this page (gr.State).

Rows are plain HTML whose buttons reach the server through the tab's bridge (vankien/ui/bridge.py).
"""
from __future__ import annotations

import html

import gradio as gr

from vankien.answers.handout_docx import Letterhead
from vankien.answers.pack import PackItem
from vankien.services import packs as packs_mod
from vankien.services.packs import PackBuilder
from vankien.ui.pack_actions import pack_builder, user_of
from vankien.ui.answer_tabs import Service, as_answer_service
from vankien.ui.answer_views import handout_preview_html
from vankien.ui.bridge import action_button, add_bridge, parse_action
from vankien.ui.document_view import after_open_js, back_to_card_js, build_document_panel, show_document
from vankien.ui.search_views import message_html

SNIPPET_CHARS = 320


def _row(n: int, item: PackItem, entry: packs_mod.PackEntry | None, position: int, last: int) -> str:
    text = " ".join(item.text.split())
    short = html.escape(text[:SNIPPET_CHARS]) + ("…" if len(text) > SNIPPET_CHARS else "")
    key = html.escape(item.key)
    checked = " checked" if entry is not None and entry.ticked else ""
    buttons = []
    if entry is not None:
        if position > 0:
            buttons.append(action_button("↑ Lên", "up", item.key))
        if position < last:
            buttons.append(action_button("↓ Xuống", "down", item.key))
    buttons.append(action_button("Xem toàn văn", "open", item.key))
    if entry is not None:
        buttons.append(action_button("Bỏ khỏi danh sách", "remove", item.key))
    drag = f' draggable="true" data-vk-drag="{key}" data-vk-pos="{position}"' if entry is not None else ""
    kind = "vk-pack-row vk-in-pack" if entry is not None else "vk-pack-row"
    return (f'<li class="{kind}"{drag}><label class="vk-pack-check"><input type="checkbox" '
            f'data-vk-act="tick" data-vk-key="{key}"{checked} aria-label="Chọn đoạn {n}">'
            f"<span><strong>{n}. {html.escape(item.source)}</strong></span></label>"
            f'<div class="vk-pack-text">{short}</div><div class="vk-cite-line">— {html.escape(item.citation)}</div>'
            f'<div class="vk-pack-actions">{"".join(buttons)}</div></li>')


def list_html(builder: PackBuilder, user: str | None, candidates: tuple[str, ...] | None) -> str:
    entries = builder.entries(user)
    in_pack = {e.key: e for e in entries}
    pack_items = builder.items([e.key for e in entries])
    extra = builder.items([k for k in candidates or () if k not in in_pack])
    if not pack_items and not extra:
        return ("<p class='vk-message'>Danh sách còn trống. Bấm «Thêm vào tài liệu» ở kết quả tra cứu hay "
                "câu trả lời, hoặc nhập chủ đề để tìm đoạn văn bản.</p>")
    parts = []
    if pack_items:
        ticked = sum(in_pack[i.key].ticked for i in pack_items)
        parts.append(f"<h3>Đoạn đã chọn ({ticked} được đánh dấu; kéo thả hoặc bấm Lên/Xuống để đổi thứ tự)</h3>"
                     '<ol class="vk-pack-list">')
        parts += [_row(n, item, in_pack[item.key], n - 1, len(pack_items) - 1)
                  for n, item in enumerate(pack_items, 1)]
        parts.append("</ol>")
    if extra:
        parts.append(f"<h3>Đoạn tìm được theo chủ đề ({len(extra)}), đánh dấu để đưa vào tài liệu</h3>"
                     f'<ol class="vk-pack-list" start="{len(pack_items) + 1}">')
        parts += [_row(n, item, None, -1, -1) for n, item in enumerate(extra, len(pack_items) + 1)]
        parts.append("</ol>")
    return "".join(parts)


def _chosen(builder: PackBuilder, user: str | None) -> list[str]:
    return [e.key for e in builder.entries(user) if e.ticked]


def build_pack_tab(service: Service, demo: gr.Blocks | None = None) -> None:
    svc = as_answer_service(service)
    builder = pack_builder(service)
    with gr.Tab("Chuẩn bị sinh hoạt chuyên đề", elem_id="vk-tab-chuyen-de") as tab:
        candidates = gr.State(())  # keys found for the theme, this page only
        bridge_box, bridge_go = add_bridge("vk-pack-bridge")
        with gr.Column() as list_col:
            gr.Markdown("Đánh dấu các đoạn cần dùng, sắp xếp thứ tự, thêm ghi chú rồi xuất tài liệu DOCX/PDF. "
                        "Đoạn đã chọn được giữ lại cho đến khi xuất tài liệu.")
            with gr.Row():
                theme = gr.Textbox(label="Chủ đề", placeholder="nâng cao chất lượng sinh hoạt chi bộ", scale=5,
                                   elem_id="vk-theme")
                k = gr.Number(label="Số đoạn ứng viên", value=20, precision=0, minimum=1, maximum=100, scale=1)
                find = gr.Button("Tìm đoạn văn bản", variant="primary", scale=1, elem_id="vk-pack-find")
            status = gr.HTML("", elem_id="vk-pack-status")
            rows = gr.HTML("", elem_id="vk-pack-candidates")
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
        panel = build_document_panel("vk-pack", "vk-pack-doan-dang-xem", "vk-pack-doc", "← Quay lại danh sách")

    def preview_of(user) -> str:
        keys = _chosen(builder, user)
        return handout_preview_html(svc.handout(builder.as_pack("", keys), keep=keys))

    def refresh(cands, request: gr.Request):
        user = user_of(request)
        return list_html(builder, user, cands), preview_of(user)

    def on_find(t: str, n: float, request: gr.Request):
        try:
            found = svc.pack(t, k=int(n or 20))
        except ValueError as exc:
            return (), message_html(str(exc), error=True), *refresh((), request)
        keys = tuple(item.key for item in found.items())
        message = (f"Chủ đề «{found.theme}»: {len(keys)} đoạn trong {len(found.groups)} văn bản "
                   "(văn bản của Trung ương trước, mới nhất trước)." if keys
                   else "Không tìm thấy đoạn văn bản nào về chủ đề này.")
        return keys, message_html(message), *refresh(keys, request)

    changes = {"tick": lambda e, a: packs_mod.add(e, a.key), "untick": lambda e, a: packs_mod.tick(e, a.key, False),
               "up": lambda e, a: packs_mod.move(e, a.key, -1), "down": lambda e, a: packs_mod.move(e, a.key, 1),
               "moveto": lambda e, a: packs_mod.move_to(e, a.key, a.pos),
               "remove": lambda e, a: packs_mod.remove(e, a.key)}
    skip_panel = [gr.skip()] * len(panel.outputs)

    def on_action(payload: str, cands, request: gr.Request):
        action = parse_action(payload)
        user = user_of(request)
        if action is not None and action.act in changes:
            if action.act == "tick" and not builder.items([action.key]):
                return (gr.skip(),) * 3 + tuple(skip_panel) + (gr.skip(), gr.skip())
            builder.update(user, lambda e: changes[action.act](e, action))
            return (*refresh(cands, request), "", *skip_panel, gr.skip(), gr.skip())
        if action is not None and action.act in ("open", "doc"):
            doc_id, _, ordinal = action.key.rpartition("#") if action.act == "open" else (action.key, "", "")
            shown = show_document(panel, service.library, svc.graph(), doc_id,
                                  int(ordinal) if ordinal.isdigit() else None, "")
            return (gr.skip(), gr.skip(), "", *shown, gr.Column(visible=False), gr.Column(visible=True))
        return (gr.skip(),) * 3 + tuple(skip_panel) + (gr.skip(), gr.skip())

    (bridge_go.click(on_action, [bridge_box, candidates],
                     [rows, preview, status, *panel.outputs, list_col, panel.column], show_progress="hidden")
     .then(None, js=after_open_js(panel.prefix, panel.passage_id)))

    def back():
        return gr.Column(visible=True), gr.Column(visible=False)

    for btn in panel.back:
        btn.click(back, None, [list_col, panel.column]).then(None, js=back_to_card_js("#vk-pack-candidates li"))

    def on_export(t, note_text, title_text, parent_text, branch_text, place_text, request: gr.Request):
        user = user_of(request)
        keys = _chosen(builder, user)
        handout = svc.handout(builder.as_pack(t or "", keys), keep=keys, note=note_text, title=title_text)
        if not handout.items:
            return None, None, None, handout_preview_html(handout), gr.skip(), gr.skip()
        svc.save_letterhead(Letterhead(parent_text.strip(), branch_text.strip(), place_text.strip()))
        files = svc.export(handout)
        builder.clear(user)  # exported: the next handout starts from an empty list
        done = message_html(f"Đã xuất tài liệu {len(handout.items)} đoạn; danh sách đã chọn được làm trống "
                            "để chuẩn bị tài liệu mới.")
        return (str(files.docx), str(files.pdf) if files.pdf else None, str(files.markdown),
                handout_preview_html(handout), done, list_html(builder, user, ()))

    find.click(on_find, [theme, k], [candidates, status, rows, preview])
    theme.submit(on_find, [theme, k], [candidates, status, rows, preview])

    def on_open():
        saved = svc.letterhead()
        return saved.parent, saved.branch, saved.place

    tab.select(on_open, None, [parent, branch, place])
    tab.select(refresh, [candidates], [rows, preview])
    if demo is not None:
        demo.load(refresh, [candidates], [rows, preview])
    export.click(on_export, [theme, note, title, parent, branch, place],
                 [docx_file, pdf_file, md_file, preview, status, rows])


def pack_tab(demo: gr.Blocks, service: Service) -> None:
    build_pack_tab(service, demo)

