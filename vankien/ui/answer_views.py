"""HTML for the Hỏi đáp, Chuẩn bị sinh hoạt chuyên đề and Liên kết văn bản tabs, from AnswerService
records. Every piece of document text goes through html.escape."""
from __future__ import annotations

import html
import re
from typing import Sequence

from index.records import DocumentInfo
from vankien.answers import links as links_mod
from vankien.answers.citation import format_date
from vankien.answers.pack import Handout
from vankien.answers.qa import Answer
from vankien.ui.bridge import action_button


def _e(text: str) -> str:
    return html.escape(text or "")


def answer_html(answer: Answer) -> str:
    """The answer with [n] markers, then each citation with its passage and the answer highlighted."""
    if not answer.question:
        return "<p>Hãy nhập câu hỏi, ví dụ: «Chi bộ sinh hoạt vào ngày nào hằng tháng?»</p>"
    if not answer.found:
        note = f"<p>{_e(answer.note)}.</p>" if answer.note else ""
        return f"<div class='vk-answer vk-no-answer'><p>{_e(answer.text)}.</p>{note}</div>"
    markers = "".join(f"<a href='#vk-nguon-{c.n}' class='vk-cite'>[{c.n}]</a>" for c in answer.citations)
    body = _e(answer.text) if answer.generated else f"{_e(answer.text)} {markers}"
    if answer.generated:
        body = re.sub(r"\[(\d+)\]", lambda m: f"<a href='#vk-nguon-{m.group(1)}' class='vk-cite'>[{m.group(1)}]</a>",
                      body)
    parts = [f"<div class='vk-answer'><p class='vk-answer-text'>{body}</p>"]
    if answer.generated:
        parts.append("<p class='vk-note'><em>Câu trả lời do mô hình ngôn ngữ soạn từ các đoạn trích dưới đây.</em></p>")
    parts.append("<ol class='vk-citations'>")
    for c in answer.citations:
        passage = (_e(c.passage[:c.span_start]) + "<mark>" + _e(c.passage[c.span_start:c.span_end])
                   + "</mark>" + _e(c.passage[c.span_end:]))
        parts.append(
            f"<li id='vk-nguon-{c.n}' value='{c.n}'><strong>[{c.n}] {_e(c.citation)}</strong>"
            f"<details><summary>Xem đoạn trích ({_e(c.doc_id)}, đoạn {c.ordinal})</summary>"
            f"<div class='vk-passage' style='white-space:pre-wrap'>{passage}</div></details>"
            + action_button("Thêm vào tài liệu", "add", f"{c.doc_id}#{c.ordinal}", "vk-act vk-add-pack") + "</li>")
    parts.append("</ol></div>")
    return "".join(parts)


def handout_preview_html(handout: Handout) -> str:
    if not handout.items:
        return "<p>Chưa chọn đoạn nào. Hãy đánh dấu các đoạn cần đưa vào tài liệu.</p>"
    parts = [f"<p><strong>{len(handout.items)} đoạn, theo thứ tự:</strong></p><ol>"]
    for item in handout.items:
        text = " ".join(item.text.split())
        parts.append(f"<li>{_e(text[:120])}{'…' if len(text) > 120 else ''} "
                     f"<em>— {_e(item.citation)}</em></li>")
    parts.append("</ol>")
    return "".join(parts)


def links_html(doc_links: links_mod.DocumentLinks | None, titles: dict[str, str],
               infos: dict[str, DocumentInfo] | None = None) -> str:
    """Căn cứ / được triển khai trong / được nhắc đến trong, for one document."""
    if doc_links is None:
        return "<p>Không tìm thấy văn bản này trong chỉ mục.</p>"
    infos = infos or {}
    parts = [f"<div class='vk-links'><h4>{_e(doc_links.doc.title)}</h4>", "<p><strong>Căn cứ, văn bản được nhắc đến:</strong></p>"]
    if doc_links.cites:
        parts.append("<ul>")
        for x in doc_links.cites:
            ref = " ".join(p for p in (x.doc_type, x.number, format_date(x.date)) if p)
            target = (f" → {_e(titles.get(x.target_id, x.target_id))}" if x.target_id
                      else " <em>(chưa có trong chỉ mục)</em>")
            parts.append(f"<li>{_e(ref)}{target}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p><em>(không có)</em></p>")
    for relation in (links_mod.REL_IMPLEMENTED, links_mod.REL_MENTIONED):
        rows = [x for x in doc_links.cited_by if x.relation == relation]
        parts.append(f"<p><strong>{_e(relation[0].upper() + relation[1:])}:</strong></p>")
        if not rows:
            parts.append("<p><em>(không có)</em></p>")
            continue
        parts.append("<ul>")
        for x in rows:
            info = infos.get(x.source_id)
            date = format_date(info.date) if info else ""
            parts.append(f"<li>{_e(titles.get(x.source_id, x.source_id))}"
                         f"{' — ' + _e(date) if date else ''}<br><small>{_e(x.context)}</small></li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def coverage_html(label: str, items: Sequence[links_mod.Coverage]) -> str:
    """"Đã đưa tin": items that cite the document, dated on or after it; topic matches apart."""
    covered = [c for c in items if c.covered]
    related = [c for c in items if not c.covered]
    if links_mod.names_a_document(label):
        parts = [f"<p>Đã đưa tin về «{_e(label)}»: {len(covered)} bản tin/tin bài, theo ngày.</p>" if covered else
                 f"<p>Chưa thấy bản tin, tin bài nào đưa tin về «{_e(label)}».</p>"]
        parts += _coverage_list(covered)
        if related:
            parts.append(f"<p>Có thể liên quan (cùng chủ đề, không nêu «{_e(label)}»): {len(related)}</p>")
    else:
        parts = [f"<p>Bản tin, tin bài có thể liên quan đến «{_e(label)}»: {len(related)}</p>" if related else
                 f"<p>Chưa thấy bản tin, tin bài nào về «{_e(label)}».</p>"]
    parts += _coverage_list(related)
    return "".join(parts)


def _coverage_list(items: Sequence[links_mod.Coverage]) -> list[str]:
    if not items:
        return []
    parts = ["<ul>"]
    for c in items:
        date = format_date(c.date) or "(không rõ ngày)"
        parts.append(f"<li><strong>{_e(date)}</strong> — {_e(c.title)} <em>[{_e(c.how)}]</em>"
                     f"<br><small>{_e(c.context)}</small></li>")
    parts.append("</ul>")
    return parts
