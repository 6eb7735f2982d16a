"""A saved news page (HTML): title, date, author and the article body, without the site's chrome.

Dropped: script, style, nav, header, footer, aside, form, iframe, and elements whose class or id
says menu / breadcrumb / sidebar / share / related / comment / banner / advert. The body is the
<article>, else the element whose class or id says content/detail/body with the most text, else
<body>. The text starts with the title and the date line as printed, so metadata and passages
see the same document a reader sees.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.records import Extracted
from ingest.records import IngestError

_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
              "button", "template"]
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:menu|nav|navbar|breadcrumbs?|sidebar|share|social|related|comments?|banner|advert|ads|"
    r"footer|header|topbar|tags|login|search)(?:$|[-_\s])",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content|detail|article|body|entry|post", re.IGNORECASE)
_BLOCKS = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "blockquote", "section",
           "figcaption", "table"]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _meta(soup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return ""


def _iso_date(text: str) -> str:
    m = _DATE.search(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _DMY.search(text)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(1)) <= 31:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def _text_of(element) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    for block in element.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = [" ".join(line.split()) for line in element.get_text().split("\n")]
    return "\n\n".join(line for line in lines if line)


def extract_html(path: Path, data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    title = _meta(soup, "og:title") or (soup.h1.get_text(" ", strip=True) if soup.h1 else "")
    if not title and soup.title:
        title = soup.title.get_text(" ", strip=True)
    time_tag = soup.find("time")
    date_text = _meta(soup, "article:published_time", "pubdate", "date")
    if not date_text and time_tag is not None:
        date_text = time_tag.get("datetime", "") or time_tag.get_text(" ", strip=True)
    date_line = time_tag.get_text(" ", strip=True) if time_tag is not None else ""
    if not date_line:
        dated = soup.find(class_=re.compile(r"date|time|publish", re.IGNORECASE))
        date_line = dated.get_text(" ", strip=True) if dated else ""
        date_text = date_text or date_line
    author = _meta(soup, "author", "article:author")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        marks = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
        if marks.strip() and _BOILERPLATE.search(marks):
            tag.decompose()
    body = soup.find("article")
    if body is None:
        candidates = [t for t in soup.find_all(["div", "section", "main"])
                      if _CONTENT.search(" ".join(t.get("class") or []) + " " + (t.get("id") or ""))]
        body = max(candidates, key=lambda t: len(t.get_text()), default=None) or soup.body or soup
    text = _text_of(body)
    if title and not text.startswith(title):
        head = [title] + ([date_line] if date_line and date_line not in text[:500] else [])
        text = "\n\n".join(head + [text])
    if not text.strip():
        raise IngestError(str(path), "trang HTML không có nội dung chữ")
    hints = {"title": title, "date": _iso_date(date_text), "author": author}
    return Extracted("html", text, hints={k: v for k, v in hints.items() if v})
