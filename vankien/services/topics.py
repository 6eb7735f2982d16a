"""What the Chủ đề tab asks of the index: topics with their counts, a topic's months, its passages.

Records only (plain text, Vietnamese messages); the HTML is made in vankien/ui/topics_tab.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vankien.answers.citation import format_citation
from vntext.text import shorten

if TYPE_CHECKING:
    from index.library import Library

ALL = ""  # the period "every date"
UNDATED = "-"  # the period of documents without a date
LIMIT = 50  # passages listed for one topic and period
TITLE_CHARS = 161


@dataclass(frozen=True)
class TopicRow:
    key: str
    label: str
    passages: int
    documents: int


@dataclass(frozen=True)
class PeriodRow:
    value: str  # ALL, "2024", "2024-08" or UNDATED
    label: str  # "Năm 2024", "Tháng 8/2024", "Không rõ ngày"
    passages: int
    documents: int


@dataclass(frozen=True)
class TopicItem:
    doc_id: str
    ordinal: int
    title: str
    citation: str
    date: str  # ISO or ""
    text: str  # the passage as stored (plain; the UI escapes it)
    score: float


@dataclass(frozen=True)
class TopicOverview:
    topics: tuple[TopicRow, ...]
    message: str  # what to run when the index is not labelled with the current list; "" when it is


@dataclass(frozen=True)
class TopicPage:
    key: str
    label: str
    period: str
    periods: tuple[PeriodRow, ...]  # every period of this topic: years, then their months
    items: tuple[TopicItem, ...]
    message: str


def period_label(value: str) -> str:
    if value == ALL:
        return "Mọi thời gian"
    if value == UNDATED:
        return "Không rõ ngày"
    if len(value) == 4:
        return f"Năm {value}"
    year, month = value.split("-")
    return f"Tháng {int(month)}/{year}"


class TopicService:
    def __init__(self, library: Library):
        self.library = library

    def overview(self) -> TopicOverview:
        self.library.refresh()
        topics = self.library.topic_list()
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for c in self.library.topic_counts():
            per[c.topic][0] += c.passages
            per[c.topic][1] += c.documents  # a document has one date, so it counts in one month only
        rows = tuple(TopicRow(t.key, t.label, *per.get(t.key, (0, 0))) for t in topics.topics)
        return TopicOverview(rows, self.library.topic_status())

    def periods(self, key: str) -> tuple[PeriodRow, ...]:
        """Years (newest first), each followed by its months; undated documents last."""
        months = [c for c in self.library.topic_counts() if c.topic == key]
        years: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for c in months:
            years[c.month[:4] or UNDATED][0] += c.passages
            years[c.month[:4] or UNDATED][1] += c.documents
        rows = []
        for year in sorted((y for y in years if y != UNDATED), reverse=True):
            rows.append(PeriodRow(year, period_label(year), *years[year]))
            rows += [PeriodRow(c.month, period_label(c.month), c.passages, c.documents)
                     for c in sorted(months, key=lambda c: c.month, reverse=True)
                     if c.month.startswith(year) and len(c.month) == 7]
        if UNDATED in years:
            rows.append(PeriodRow(UNDATED, period_label(UNDATED), *years[UNDATED]))
        return tuple(rows)

    def browse(self, key: str, period: str = ALL, limit: int = LIMIT) -> TopicPage:
        topics = self.library.topic_list()
        if not key or key not in topics.keys():
            return TopicPage(key or "", "", period, (), (), "Hãy chọn một chủ đề.")
        label = topics.label(key)
        hits = self.library.topic_hits(key, period, limit)
        periods = self.periods(key)
        items = tuple(TopicItem(h.doc_id, h.ordinal, shorten(h.title or h.doc_id, TITLE_CHARS),
                                format_citation(h.header, h.heading_path, h.pages), h.date, h.text, float(h.score))
                      for h in hits)
        total = next((p for p in periods if p.value == period), None) if period else None
        n = total.passages if total else sum(p.passages for p in periods if len(p.value) != 7)
        docs = total.documents if total else sum(p.documents for p in periods if len(p.value) != 7)
        if not items:
            message = self.library.topic_status() or f"Chưa có đoạn nào thuộc chủ đề «{label}» trong {period_label(period).lower()}."
        else:
            shown = f"; hiện {len(items)} đoạn mới nhất" if n > len(items) else ""
            message = f"Chủ đề «{label}», {period_label(period).lower()}: {n} đoạn trong {docs} văn bản{shown}."
        return TopicPage(key, label, period, periods, items, message)
