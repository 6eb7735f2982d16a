"""HTML for the Tra cứu and Văn bản tabs, from SearchService records. Every piece of document text
is escaped here (vankien.ui.highlight), so the tabs put the result on the page as is."""
from __future__ import annotations

import html

from vankien.services.search import ResultCard, SearchView
from vankien.ui.bridge import action_button
from vankien.ui.highlight import snippet_html

HEADER_HTML = (
    '<div class="vk-header"><h1>Văn kiện</h1>'
    "<p>Tra cứu văn kiện Đảng ngay trên máy này, không cần Internet. "
    "Mỗi kết quả kèm trích dẫn để đọc trong cuộc họp.</p></div>"
)


def message_html(text: str, error: bool = False) -> str:
    cls = "vk-message vk-error" if error else "vk-message"
    return f'<div class="{cls}" role="status">{html.escape(text)}</div>' if text else ""


def card_html(card: ResultCard, number: int, query: str = "") -> str:
    """One result: title, the passage around the query's words (marked), the citation."""
    return (
        f'<h3>{number}. {html.escape(card.title)}</h3>'
        f'<div class="vk-snippet">{snippet_html(card.text, query)}</div>'
        f'<div class="vk-citation">Trích dẫn: {html.escape(card.citation)}</div>'
        + (f'<div class="vk-more-passages">+{card.more} đoạn khác trong văn bản này</div>' if card.more else "")
        + (f'<div class="vk-also-in">Cũng có trong: {html.escape("; ".join(card.also_in))}</div>'
           if card.also_in else "")
    )


def cards_html(view: SearchView) -> str:
    """Every card of the view with its buttons: the page script (theme.RESULTS_JS) sends "Xem toàn
    văn" to the server as the card's number and copies the citation in the browser; "Thêm vào tài
    liệu" goes through the tab's bridge (vankien/ui/bridge.py)."""
    return "".join(
        f'<article class="vk-card"><div class="vk-card-body">{card_html(card, n, view.query)}</div>'
        '<div class="vk-card-actions">'
        f'<button type="button" class="vk-card-btn" data-vk-open="{n}">Xem toàn văn</button>'
        f'<button type="button" class="vk-card-btn" data-vk-copy="{html.escape(card.citation, quote=True)}">'
        "Sao chép trích dẫn</button>"
        + action_button("Thêm vào tài liệu", "add", f"{card.doc_id}#{card.ordinal}", "vk-card-btn vk-add-pack")
        + "</div></article>"
        for n, card in enumerate(view.cards, start=1)
    )


def remove_question_html(doc_id: str) -> str:
    question = f"Gỡ văn bản «{html.escape(str(doc_id))}» khỏi chỉ mục? Tệp gốc không bị xóa."
    return f"<p><strong>{question}</strong></p>"

