"""Recognise the heading lines of Vietnamese Party and State documents and rank them.

Ranks (smaller = higher in the outline), fixed so that one ranking serves both kinds of document:

    0 Phần ("Phần thứ nhất", "PHẦN I"),     4 Roman numeral
      Phụ lục ("PHỤ LỤC II") ("I.", "II -")
    1 Chương ("Chương II")                  5 Arabic number ("1.", "2)")   — a khoản inside an Điều
    2 Mục ("Mục 2")                          6 Decimal ("1.1.", "2.3.1")
    3 Điều ("Điều 5."), capital letter      7 Lower-case letter ("a)", "đ)") — an điểm
      ("A. TÌNH HÌNH")

Markdown headings ("## ...") take the rank of their level minus one. The closing block of a
document (signature, "Nơi nhận:") is recognised separately by `is_closing_line`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from vntext.text import shorten as shorten_text

_LETTER = r"A-Za-zÀ-ỹĐđ"
_ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})"
_PATTERNS: list[tuple[int, re.Pattern]] = [
    (0, re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?[0-9IVXA-Z]+)?\s*[.:]?\s*$|^(?:PHỤ LỤC|Phụ lục)\s+[0-9IVX]+\b")),
    (0, re.compile(r"^(?:PHẦN|Phần)\s+(?:THỨ|thứ)\s+\w+|^(?:PHẦN|Phần)\s+(?:" + _ROMAN + r"|\d{1,2})\b")),
    (1, re.compile(r"^(?:CHƯƠNG|Chương)\s+(?:" + _ROMAN + r"|\d{1,3})\b")),
    (2, re.compile(r"^(?:MỤC|Mục)\s+(?:" + _ROMAN + r"|\d{1,3})\b(?!\s*(?:đích|tiêu))")),
    (3, re.compile(r"^(?:ĐIỀU|Điều)\s+\d{1,3}[a-zđ]?\s*(?:[.:]|$)")),  # "Điều 1" alone: Hiến pháp 2013
    (3, re.compile(r"^[A-HK-UWYZ]\s*[.)\-–]\s+[A-ZĐÀ-Ỹ]{2}")),  # "A. TÌNH HÌNH" (not I, V, X: Roman)
    (4, re.compile(r"^" + _ROMAN + r"\s*[.)\-–]\s*[" + _LETTER + r"]")),
    (6, re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+[" + _LETTER + r"]")),
    (5, re.compile(r"^\d{1,2}\s*[.)]\s*[" + _LETTER + r"(“\"]")),
    (7, re.compile(r"^[a-zđ]\s*\)\s*\S")),
]
_MARKDOWN = re.compile(r"^(#{1,6})\s+\S")
_LABEL_ONLY = re.compile(r"^(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+\S+(?:\s+\S+)?$")
_CLOSING = re.compile(
    r"^\**\s*(?:Nơi nhận\s*:|NƠI NHẬN\s*:|(?:T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|TUQ\.?|Q\.)\s*[A-ZĐÀ-Ỹ]{2})"
)

MAX_LABEL_CHARS = 80


@dataclass(frozen=True)
class Heading:
    rank: int
    label: str  # display form for the heading path, shortened with "…" if the line is long


def classify_line(line: str) -> Heading | None:
    """The heading this line opens, or None for body text."""
    line = line.strip().strip("*").strip()
    if not line or len(line) > 600:
        return None
    md = _MARKDOWN.match(line)
    if md:
        return Heading(len(md.group(1)) - 1, shorten(line[len(md.group(1)):].strip()))
    for rank, pattern in _PATTERNS:
        if pattern.match(line):
            return Heading(rank, shorten(line))
    return None


def is_label_only(line: str) -> bool:
    """"Chương I" alone on its line: its title follows on the next line."""
    return bool(_LABEL_ONLY.match(line.strip()))


def is_appendix(line: str) -> bool:
    """"PHỤ LỤC I": an appendix after the signature opens a new top-level section."""
    return bool(_PATTERNS[0][1].match(line.strip().strip("*").strip()))


def is_closing_line(line: str) -> bool:
    """First line of the closing block: "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "KT. BỘ TRƯỞNG"."""
    return bool(_CLOSING.match(line.strip()))


def is_upper_title(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return shorten_text(text, limit)
