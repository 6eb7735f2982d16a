"""The Chủ đề tab: browse passages by topic and time (year, month of the document's date).

Choose a topic (its passage count beside it), then a year or a month; the tab shows the topic's
counts over time and its passages, newest documents first. Each callback makes one TopicService
call (vankien/services/topics.py) and formats its record here; every piece of text is escaped.
"""
from __future__ import annotations

import html

import gradio as gr

from vankien.services.search import SearchService
from vankien.services.topics import ALL, PeriodRow, TopicItem, TopicPage, TopicService
from vankien.ui.search_views import message_html
from vntext.text import shorten

EXCERPT_CHARS = 700  # of a passage shown in the list (the full text is in the Tra cứu tab)

STYLE = """<style>
.vk-topic-list .wrap { gap: 8px !important; }
/* fixed layout in shares of the width: the table never widens a phone's page */
.vk-timeline { width: 100%; border-collapse: collapse; font-size: 18px; table-layout: fixed; }
.vk-timeline th, .vk-timeline td { padding: 6px 6px; border-bottom: 1px solid #d5dbe8; text-align: left;
                                   overflow-wrap: anywhere; }
.vk-timeline th:first-child { width: 34%; }
.vk-timeline .vk-n { text-align: right; width: 20%; }
.vk-timeline tr.vk-year td { font-weight: 700; background: #f3f6fc; }
.vk-timeline tr.vk-month td:first-child { padding-left: 28px; }
.vk-bar { display: block; height: 12px; background: #0b3d91; border-radius: 3px; max-width: 100%; }
.vk-topic-item h3 { font-size: 20px; margin: 4px 0 6px; color: #0b3d91; overflow-wrap: anywhere; }
</style>"""


def timeline_html(periods: tuple[PeriodRow, ...]) -> str:
    """Passages and documents per year and month, with a bar for each."""
    if not periods:
        return ""
    top = max(p.passages for p in periods) or 1
    rows = []
    for p in periods:
        kind = "vk-month" if len(p.value) == 7 else "vk-year"
        bar = f'<span class="vk-bar" style="width:{max(4, round(100 * p.passages / top))}%"></span>'
        rows.append(f'<tr class="{kind}"><td>{html.escape(p.label)}</td><td class="vk-n">{p.passages}</td>'
                    f'<td class="vk-n">{p.documents}</td><td aria-hidden="true">{bar}</td></tr>')
    return ('<table class="vk-timeline" aria-label="Số đoạn theo thời gian"><thead><tr><th>Thời gian</th>'
            '<th class="vk-n">Số đoạn</th><th class="vk-n">Số văn bản</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def items_html(items: tuple[TopicItem, ...]) -> str:
    out = []
    for n, item in enumerate(items, start=1):
        out.append(
            f'<div class="vk-card vk-topic-item"><h3>{n}. {html.escape(item.title)}</h3>'
            f'<div class="vk-snippet">{html.escape(shorten(item.text, EXCERPT_CHARS))}</div>'
            f'<div class="vk-citation">Trích dẫn: {html.escape(item.citation)}</div></div>')
    return "".join(out)


def period_choices(page: TopicPage) -> list[tuple[str, str]]:
    choices = [("Mọi thời gian", ALL)]
    for p in page.periods:
        indent = "\u2003" if len(p.value) == 7 else ""  # months under their year
        choices.append((f"{indent}{p.label} ({p.passages} đoạn)", p.value))
    return choices


def topics_tab(demo: gr.Blocks, service: SearchService) -> None:
    topics = TopicService(service.library)
    with gr.Tab("Chủ đề", elem_id="vk-tab-chu-de") as tab:
        gr.HTML(STYLE + "<p>Các đoạn văn bản theo chủ đề. Chọn một chủ đề, rồi chọn năm hoặc tháng "
                "để xem các đoạn thuộc chủ đề đó, văn bản mới nhất trước.</p>")
        status = gr.HTML("", elem_id="vk-topic-status")
        topic = gr.Radio(label="Chủ đề (số đoạn)", choices=[], elem_id="vk-topic", elem_classes="vk-topic-list")
        period = gr.Dropdown(label="Thời gian", choices=[("Mọi thời gian", ALL)], value=ALL,
                             elem_id="vk-topic-period", min_width=220)
        message = gr.HTML("", elem_id="vk-topic-message")
        timeline = gr.HTML("", elem_id="vk-topic-timeline")
        items = gr.HTML("", elem_id="vk-topic-items")

    def show_overview():
        view = topics.overview()
        choices = [(f"{r.label} ({r.passages})", r.key) for r in view.topics]
        return gr.Radio(choices=choices), message_html(view.message)

    def choose_topic(key):
        page = topics.browse(key or "", ALL)
        return (gr.Dropdown(choices=period_choices(page), value=ALL), message_html(page.message),
                timeline_html(page.periods), items_html(page.items))

    def choose_period(key, when):
        page = topics.browse(key or "", when or ALL)
        return message_html(page.message), items_html(page.items)

    gr.on([demo.load, tab.select], show_overview, None, [topic, status])
    topic.change(choose_topic, [topic], [period, message, timeline, items])
    period.input(choose_period, [topic, period], [message, items])
