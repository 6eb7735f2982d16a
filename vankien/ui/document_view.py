"""The document view (Tra cứu, Văn bản and the pack tab open documents the same way): a heading
that takes the focus, the properties panel, a clickable table of contents, the text with tables as
tables and the chosen passage marked, related documents as links, the original file to download,
and a link that opens the app at the passage (?doc=ID&p=N, to send over Zalo).

Every piece of document text is escaped here (vankien.ui.highlight.mark_spans).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from vankien.services.document_page import DocumentPage, Related, document_page, share_query
from vankien.ui.highlight import find_spans, mark_spans
from vankien.ui.search_views import message_html
from vntext.normalize import fold_diacritics

RELATION_TITLES = {  # headings of the related-documents block, in this order
    "căn cứ": "Căn cứ, văn bản được nhắc đến", "thay thế": "Thay thế văn bản",
    "bị thay thế bởi": "Bị thay thế bởi", "được triển khai trong": "Được triển khai trong",
    "được nhắc đến trong": "Được nhắc đến trong",
}
_TABLE_LINE = " | "


def _e(text: str) -> str:
    return html.escape(text or "")


def heading_html(page: DocumentPage, prefix: str) -> str:
    """Title (focus goes here on open), properties panel, table of contents and the share link."""
    parts = [f'<h2 id="{prefix}-heading" class="vk-doc-heading" tabindex="-1">{_e(page.title)}</h2>']
    if page.properties:
        rows = "".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in page.properties)
        parts.append(f'<table class="vk-props" aria-label="Thuộc tính văn bản">{rows}</table>')
    link_id = f"{prefix}-share-link"
    what = "đoạn này" if page.ordinal is not None else "văn bản này"
    parts.append(f'<p class="vk-share"><a id="{link_id}" href="{_e(share_query(page.doc_id, page.ordinal))}">'
                 f'Liên kết đến {what}</a> <button type="button" class="vk-act" data-vk-copylink="{link_id}">'
                 "Sao chép liên kết</button></p>")
    if len(page.toc) > 1:
        items = "".join(
            f'<li class="vk-toc-{min(e.level, 3)}"><a href="#{prefix}-p-{e.ordinal}" '
            f'data-vk-goto="{prefix}-p-{e.ordinal}">{_e(e.label)}</a></li>' for e in page.toc)
        parts.append(f'<details class="vk-toc" open><summary>Mục lục</summary><nav aria-label="Mục lục">'
                     f"<ul>{items}</ul></nav></details>")
    return "".join(parts)


def _text_html(text: str, offset: int, spans) -> str:
    """A run of text: consecutive lines with " | " cells become a table, the rest stays text."""
    out, pos = [], 0
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if _TABLE_LINE in lines[i]:
            rows = []
            while i < len(lines) and _TABLE_LINE in lines[i]:
                cells, cell_pos = [], pos
                for cell in lines[i].split(_TABLE_LINE):
                    cells.append(f"<td>{mark_spans(cell, spans, offset + cell_pos)}</td>")
                    cell_pos += len(cell) + len(_TABLE_LINE)
                rows.append(f"<tr>{''.join(cells)}</tr>")
                pos += len(lines[i]) + 1
                i += 1
            out.append(f'<div class="vk-table-wrap"><table class="vk-doc-table">{"".join(rows)}</table></div>')
            continue
        line_end = pos + len(lines[i]) + (1 if i < len(lines) - 1 else 0)
        out.append(mark_spans(text[pos:line_end], spans, offset + pos))
        pos = line_end
        i += 1
    return "".join(out)


def body_html(page: DocumentPage, prefix: str, passage_id: str) -> str:
    """The whole text, cut at each passage's start (an anchor for the table of contents) and at the
    chosen passage's ends (a <div id=passage_id> the page scrolls to)."""
    text = page.text
    spans = find_spans(text, page.query) if page.query else []
    anchors = dict(page.anchors)
    cuts = {0, len(text), *anchors}
    if page.passage is not None:
        cuts |= set(page.passage)
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    parts = []
    for a, b in zip(cuts, cuts[1:] + [None]):
        if page.passage is not None and a == page.passage[1]:
            parts.append("</div>")
        if page.passage is not None and a == page.passage[0]:
            parts.append(f'<div class="vk-passage" id="{passage_id}">')
        if a in anchors:
            parts.append(f'<span id="{prefix}-p-{anchors[a]}" class="vk-anchor"></span>')
        if b is not None:
            parts.append(_text_html(text[a:b], a, spans))
    return f'<div class="vk-doc-body">{"".join(parts)}</div>'


def related_html(related: tuple[Related, ...]) -> str:
    if not related:
        return ""
    parts = ['<section class="vk-related" aria-label="Văn bản liên quan"><h3>Văn bản liên quan</h3>']
    for relation, heading in RELATION_TITLES.items():
        rows = [r for r in related if r.relation == relation]
        if not rows:
            continue
        parts.append(f"<h4>{_e(heading)}</h4><ul>")
        for r in rows:
            name = (f'<a href="{_e(share_query(r.doc_id))}" data-vk-act="doc" data-vk-key="{_e(r.doc_id)}">'
                    f"{_e(r.label)}</a>" if r.doc_id else f"{_e(r.label)} <em>(chưa có trong chỉ mục)</em>")
            context = f"<br><small>{_e(r.context)}</small>" if r.context else ""
            parts.append(f"<li>{name}{context}</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def original_copy(page: DocumentPage) -> str | None:
    """The original file under a readable ASCII name in a fresh temporary folder (Gradio serves only
    files from its own folders; its cache is emptied hourly). A hard link where possible."""
    if not page.original:
        return None
    src = Path(page.original)
    stem = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(page.title.lower())).strip("-")[:60] or "van-ban"
    dest = Path(tempfile.mkdtemp(prefix="vankien-goc-")) / f"{stem}{src.suffix.lower()}"
    try:
        os.link(src, dest)
    except OSError:
        try:
            shutil.copyfile(src, dest)
        except OSError:
            return None
    return str(dest)


@dataclass
class DocumentPanel:
    """The components of one tab's document view; `show` fills them."""

    column: gr.Column
    head: gr.HTML
    citation: gr.Textbox
    original: gr.DownloadButton
    body: gr.HTML
    related: gr.HTML
    back: tuple[gr.Button, gr.Button]
    prefix: str
    passage_id: str

    @property
    def outputs(self) -> list:
        return [self.head, self.citation, self.original, self.body, self.related]


def build_document_panel(prefix: str, passage_id: str, body_id: str, back_label: str) -> DocumentPanel:
    """Laid out where it is called (inside the tab), hidden until a document is opened."""
    with gr.Column(visible=False, elem_classes="vk-doc-panel") as column:
        back_top = gr.Button(back_label, elem_id=f"{prefix}-back")
        head = gr.HTML("", elem_id=f"{prefix}-doc-head")
        with gr.Row():
            citation = gr.Textbox(label="Trích dẫn", buttons=["copy"], interactive=False, lines=1, scale=4)
            original = gr.DownloadButton("Tải văn bản gốc", visible=False, scale=1, min_width=180,
                                         elem_id=f"{prefix}-original")
        body = gr.HTML("", elem_id=body_id)
        related = gr.HTML("", elem_id=f"{prefix}-related")
        back_end = gr.Button(back_label)
    return DocumentPanel(column, head, citation, original, body, related, (back_top, back_end), prefix, passage_id)


def show_document(panel: DocumentPanel, library, graph, doc_id: str, ordinal: int | None, query: str) -> list:
    """Updates for panel.outputs, from one document page."""
    page = document_page(library, doc_id, ordinal, query, graph)
    if not page.found:
        return [message_html(page.message, error=True), "", gr.DownloadButton(visible=False), "", ""]
    original = original_copy(page)
    return [heading_html(page, panel.prefix), page.citation,
            gr.DownloadButton(value=original, visible=bool(original)),
            body_html(page, panel.prefix, panel.passage_id), related_html(page.related)]


def after_open_js(prefix: str, passage_id: str) -> str:
    """Focus the heading (screen readers announce the document), then scroll to the passage."""
    return """() => {
  const go = (tries) => {
    const h = document.getElementById('%s-heading');
    if (!h || h.offsetParent === null) { if (tries > 0) setTimeout(() => go(tries - 1), 100); return; }
    h.focus({preventScroll: true});
    const p = document.getElementById('%s');
    (p || h).scrollIntoView({block: p ? 'center' : 'start'});
  };
  setTimeout(() => go(20), 50);
}""" % (prefix, passage_id)


def back_to_card_js(selector: str) -> str:
    """Back to the list, at the card (or row) opened last (window.__vk_opened[selector]), focused."""
    return """() => {
  const n = (window.__vk_opened || {})['%s'];
  setTimeout(() => {
    const el = n != null ? document.querySelectorAll('%s')[n] : null;
    if (el) { el.scrollIntoView({block: 'center'}); el.setAttribute('tabindex', '-1'); el.focus({preventScroll: true}); }
    else { window.scrollTo({top: 0}); }
  }, 80);
}""" % (selector, selector)


def remember_js(selector: str, index: int) -> str:
    return "() => { window.__vk_opened = Object.assign(window.__vk_opened || {}, {'%s': %d}); }" % (selector, index)
