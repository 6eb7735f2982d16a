"""News items (Tin bài, Bản tin) read as news: their own dateline, headline and byline, never a
date borrowed from a document they discuss. Pure functions over a text's first and last lines."""
from __future__ import annotations

import re
from datetime import date

_NEWS_DATE_ANY = re.compile(r"(?<!\d)(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?!\d)")
_BYLINE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<outlet>[^()]{3,120})\))?\s*$")
NAME_LINE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,5}$")


def iso_date(d: str, m: str, y: str) -> str:
    try:
        return date(int(y.replace(" ", "")), int(m.replace(" ", "")), int(d.replace(" ", ""))).isoformat()
    except ValueError:
        return ""


_DATELINE_WORDS = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|ngày|cập\s+nhật|đăng|lúc|giờ|gmt|sa|ch|am|pm|"
    r"xuất\s+bản|tin|bài)\b|\d{1,2}[:h]\d{2}|[+\-]\d+|[(),:|/–\-]",
    re.IGNORECASE,
)


def news_date_line(line: str) -> str:
    """ISO publication date when the line is a dateline ("Thứ Hai, 13/05/2025 09:30", "(Cập nhật:
    13/05/2025)"); "" for a sentence that merely starts with a date ("Ngày 15/10/2024, Ban Thường
    vụ ban hành ..." dates the document it discusses, not the item)."""
    line = line.strip()
    if len(line) > 80:
        return ""
    m = _NEWS_DATE_ANY.search(line)
    if not m or not iso_date(m["d"], m["m"], m["y"]):
        return ""
    rest = _DATELINE_WORDS.sub(" ", line[:m.start()] + " " + line[m.end():])
    if len(rest.split()) > 3:
        return ""
    return iso_date(m["d"], m["m"], m["y"])


def news_fields(lines: list[str]) -> dict:
    found: dict = {}
    for line in lines[:6]:
        iso = news_date_line(line)
        if iso:
            found["date"] = iso
            break
    if lines and not news_date_line(lines[0]):
        found["title"] = lines[0].strip(" *#")
    tail = [line for line in lines[-4:] if line.strip()]
    byline = _BYLINE.match(tail[-1].strip()) if tail else None
    if byline and NAME_LINE.match(byline["name"]) and len(byline["name"].split()) <= 5:
        found["author"] = byline["name"]
        if byline["outlet"]:  # "Minh Châu (Cổng Thông tin điện tử Đảng bộ tỉnh Sông Lam)"
            found["issuer"] = byline["outlet"].strip()
    if any(re.match(r"^BẢN TIN\b", line) for line in lines[:5]):
        found["doc_type"] = "Bản tin"
    else:
        found["doc_type"] = "Tin bài"
    return found


def has_news_date(lines: list[str]) -> bool:
    return any(news_date_line(line) for line in lines[:6])


def looks_like_article(lines: list[str]) -> bool:
    """A headline over running text: a short first line without a final stop, then a paragraph."""
    if len(lines) < 2:
        return False
    first = lines[0].strip(" *#")
    body = " ".join(lines[1:6])
    return 10 <= len(first) <= 250 and not first.endswith((".", ":", ";")) and len(body) >= 200
