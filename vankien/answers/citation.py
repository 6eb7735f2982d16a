"""Citation lines a user can read out in a meeting.

    format_citation(DocumentHeader("Kế hoạch", "95-KH/TU", "2023-04-28", "Tỉnh ủy Tiền Giang"),
                    ("II. NỘI DUNG", "1. Nội dung tổng kết"), (2,))
    -> "Kế hoạch số 95-KH/TU ngày 28/4/2023 của Tỉnh ủy Tiền Giang — mục II.1, tr. 2"

Pure functions over a document's header and plain values; any missing field is left out without
leaving stray words.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ingest.records import DocumentHeader
from vntext.normalize import fold_lower

# Document types of news coverage (folded, lowercase): bulletins, news items, reports of events.
NEWS_TYPES = ("ban tin", "tin bai", "tin tuc", "bai viet", "thong bao noi bo", "phong su")
_BULLETIN = "ban tin"  # a bulletin's number is its issue ("số 9/2024"): cited by number like a document


def is_news(doc_type: str) -> bool:
    folded = fold_lower(doc_type)
    return any(t in folded for t in NEWS_TYPES)

_ROMAN = re.compile(r"^([IVXLC]+)\s*[.)\-–:]\s*", re.IGNORECASE)
_ARABIC = re.compile(r"^(\d+(?:\.\d+)*)\s*[.)\-–:]?\s+")
_LETTER = re.compile(r"^([a-zđ])\s*\)\s*")
_NAMED = re.compile(r"^(Phần|Chương|Mục|Điều|Khoản|Tiết)\s+(thứ\s+\w+|[\dIVXLC]+\w*)", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def format_date(date_iso: str) -> str:
    """ISO date -> Vietnamese written form: "2023-04-28" -> "ngày 28/4/2023"; partial dates too."""
    m = _ISO.match((date_iso or "").strip())
    if not m:
        return ""
    year, month, day = m.group(1), m.group(2), m.group(3)
    if day:
        return f"ngày {int(day)}/{int(month)}/{year}"
    if month:
        return f"tháng {int(month)}/{year}"
    return f"năm {year}"


def section_label(heading_path: Sequence[str]) -> str:
    """("II. NỘI DUNG", "1. Nội dung tổng kết") -> "mục II.1"; ("Điều 5. ...",) -> "Điều 5"."""
    numbered: list[str] = []
    named: list[str] = []
    for heading in heading_path:
        heading = (heading or "").strip()
        if not heading:
            continue
        m = _NAMED.match(heading)
        if m:
            which = m.group(2)
            if which.lower().startswith("thứ"):
                which = which.lower()
            named.append(f"{m.group(1).capitalize()} {which}")
            continue
        for pattern in (_ROMAN, _LETTER, _ARABIC):
            m = pattern.match(heading)
            if m and (pattern is not _ROMAN or _is_roman(m.group(1))):
                label = m.group(1)
                numbered.append(label.upper() if pattern is _ROMAN else label)
                break
    parts = list(named)
    if numbered:
        parts.append("mục " + ".".join(numbered))
    if parts:
        return ", ".join(parts)
    titled = [h.strip() for h in heading_path if h and h.strip()]
    if not titled:
        return ""
    last = titled[-1]
    if last.isupper():
        last = last.capitalize()
    if len(last) > 60:
        last = last[:57].rstrip() + "…"
    return f"mục «{last}»"


def _is_roman(token: str) -> bool:
    # "C." or "L." alone would be odd as section numbers but harmless; reject words like "CIVIL".
    return bool(re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", token.upper()))


def format_pages(pages: Iterable[int]) -> str:
    """(2,) -> "tr. 2"; (2, 3) -> "tr. 2–3"; () -> ""."""
    nums = sorted({int(p) for p in pages if p})
    if not nums:
        return ""
    if nums[0] == nums[-1]:
        return f"tr. {nums[0]}"
    return f"tr. {nums[0]}–{nums[-1]}"


SCANNED = "(bản quét)"  # the passage was read by OCR from a scanned page: check it against the original


def format_citation(header: DocumentHeader, heading_path: Sequence[str] = (), pages: Iterable[int] = (),
                    scanned: bool = False) -> str:
    """One line naming the document and where in it the passage is; "(bản quét)" after the place
    of a passage read by OCR, so a reader knows its words may differ from the signed original."""
    doc_type = (header.doc_type or "").strip()
    number = (header.number or "").strip()
    title = " ".join((header.title or "").split())
    issuer = header.issuer
    by_title = is_news(doc_type) and not fold_lower(doc_type).startswith(_BULLETIN)  # a news item has no number
    words: list[str] = []
    if number and not by_title:
        words.append(f"{doc_type or 'Văn bản'} số {number}")
    elif title:
        words.append(f"{doc_type} «{title}»".strip())
    elif doc_type:
        words.append(doc_type)
    date = format_date(header.date)
    if date:
        words.append(date)
    if issuer and issuer.strip():
        words.append(f"của {issuer.strip()}")
    head = " ".join(words)
    where = ", ".join(x for x in (section_label(heading_path), format_pages(pages)) if x)
    if head and where:
        line = f"{head} — {where}"
    else:
        line = head or where
    return f"{line} {SCANNED}" if scanned and line else line
