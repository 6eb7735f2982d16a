"""A saved web page (HTML): title, date, site, author and the main content, without the site's chrome.

Rules in the manner of readability, tuned on the layouts Party news sites and portals use (modern
news pages with <article>; older portals laid out in tables inside one ASP.NET <form>, with no
<nav>/<footer> at all; legal portals showing a document's full text):

1. Dropped everywhere: script, style, noscript, iframe, svg, template, button, select, input,
   textarea; nav and aside; header/footer not inside the article; elements whose class or id says
   menu / breadcrumb / sidebar / share / related / other news / comment / banner / advert / tags /
   footer / copyright (English or Vietnamese names: "tin-lien-quan", "tinkhac", "lienket" ...).
2. The content is the <article> (the largest when several), else the element whose class or id
   says content/detail/body/noidung/chitiet holding the most paragraph text, else the element that
   readability's scoring picks (each paragraph of 25+ characters scores its parent fully and its
   grandparent half; link-heavy text scores nothing).
3. Inside it, link lists ("Các tin khác", "Tin liên quan") go, and so do copyright / licence /
   visitor-counter lines at its start or end ("Bản quyền ©", "Giấy phép số .../GP-...",
   "Cơ quan chủ quản", "Đang truy cập"), so a portal's footer decree is never indexed as a citation.
4. Entities are decoded (the parser does it; text that still holds "&aacute;" or tags from a page
   saved with escaped markup is decoded and stripped once more).

Hints for the metadata: title (og:title, h1, a "title/tieude" element, else <title> without the
site's suffix), date (article:published_time, <time>, a "date/time/ngay" element), author, and the
site (og:site_name, else the <title> suffix): the site is given as the issuer of a news item only,
never for a page that carries an official document (its header names the issuer itself).

trafilatura 2.3 was tried on the same pages first: it kept the article of the modern news page
but returned the menu and the footer (decree and copyright included) of the table-laid portal,
took the date of a document cited in the body as the page's date, and its first call took 10 s.
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from ingest.records import Extracted
from ingest.records import IngestError
from vntext.legacy import fix_legacy_lines

_DROP_TAGS = ["script", "style", "noscript", "iframe", "svg", "template", "button", "select", "input",
              "textarea", "nav", "aside", "object", "embed", "map"]
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:menu\w*|nav|navbar|navigation|breadcrumbs?|sidebar|share|sharing|social|related|"
    r"relate|comments?|banner|advert\w*|ads|adv|qc|quangcao|footer|copyright|topbar|top-bar|tags?|"
    r"login|search|tin-?lien-?quan|tinlienquan|tin-?khac|tinkhac|other-?news|othernews|more-?news|"
    r"lien-?ket|lienket|weblink|popup|modal|cookie|hotline|toolbar|print|rating|poll|"
    r"most-?read|docnhieu|doc-?nhieu|xem-?nhieu|tin-?moi|tinmoi|box-?related)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content|detail|article|body|entry|post|noi-?dung|chi-?tiet|fulltext|story|main",
                      re.IGNORECASE)
_BLOCKS = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "blockquote", "section",
           "figcaption", "table", "article", "main", "td", "dd", "dt", "pre", "center"]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_CHROME_LINE = re.compile(
    r"^(?:©|\(c\)|copyright|bản quyền|giấy phép (?:số|xuất bản|thiết lập)|cơ quan chủ quản|chủ quản|"
    r"chịu trách nhiệm|tổng biên tập|phó tổng biên tập|ghi rõ nguồn|đang truy cập|đang online|"
    r"lượt truy cập|tổng (?:số )?lượt truy cập|số lượt truy cập|thiết kế bởi|phát triển bởi|"
    r"địa chỉ:|điện thoại:|email:|đường dây nóng|bảo lưu mọi quyền)",
    re.IGNORECASE,
)
_LEFTOVER_MARKUP = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});|</?(?:p|div|span|br|b|i|strong|em|a)\b[^>]*>")
_DOC_NUMBER = re.compile(r"^(?:Số|SỐ)\s*:?\s*\d+\s*[-/]", re.MULTILINE)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+")
_TITLE_CLASS = re.compile(r"(?:^|[-_\s])(?:title|tieu-?de|tieude|headline|tit)(?:$|[-_\s])", re.IGNORECASE)
_DATE_CLASS = re.compile(r"date|time|publish|ngay|thoi-?gian|ngaydang|ngay-?dang|cap-?nhat", re.IGNORECASE)


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


def _marks(tag) -> str:
    return " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")


def _text_len(tag) -> int:
    return len(" ".join(tag.get_text(" ").split()))


def _link_len(tag) -> int:
    return sum(len(" ".join(a.get_text(" ").split())) for a in tag.find_all("a"))


def _link_heavy(tag) -> bool:
    total = _text_len(tag)
    return total > 0 and len(tag.find_all("a")) >= 2 and _link_len(tag) > 0.5 * total


def _text_of(element) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    for block in element.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = [" ".join(line.split()) for line in element.get_text().split("\n")]
    return "\n\n".join(line for line in lines if line)


def _readability_pick(soup):
    """The element holding the most paragraph text (readability's parent/grandparent scoring)."""
    scores: dict[int, float] = {}
    nodes = {}
    for p in soup.find_all(["p", "td", "pre", "div", "span"]):
        if p.name in ("div", "span", "td") and p.find(["p", "div", "table"]):
            continue  # only leaf-ish text blocks count as paragraphs
        text = " ".join(p.get_text(" ").split())
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        if _link_len(p) > 0.5 * len(text):
            continue
        for ancestor, share in ((p.parent, 1.0), (p.parent.parent if p.parent else None, 0.5)):
            if ancestor is None or ancestor.name in ("html", "[document]"):
                continue
            nodes[id(ancestor)] = ancestor
            scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + score * share
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k] * (1 - min(0.9, _link_len(nodes[k]) / max(1, _text_len(nodes[k])))))
    return nodes[best]


def _pick_body(soup):
    articles = [a for a in soup.find_all("article") if _text_len(a) > 0]
    if articles:
        return max(articles, key=_text_len)
    candidates = [t for t in soup.find_all(["div", "section", "main", "td"]) if _CONTENT.search(_marks(t))]
    candidates = [t for t in candidates if _text_len(t) >= 80]
    if candidates:
        def paragraph_text(t):
            return sum(_text_len(p) for p in t.find_all("p")) or _text_len(t) // 2
        best = max(candidates, key=paragraph_text)
        # a content pane holding mostly one inner content block: take the inner block
        picked = _readability_pick(best)
        if picked is not None and _text_len(picked) >= 0.6 * _text_len(best):
            return picked if _CONTENT.search(_marks(picked)) else best
        return best
    return _readability_pick(soup) or soup.body or soup


def _trim_chrome(lines: list[str]) -> list[str]:
    """Copyright / licence / counter lines at the start or the end of the content."""
    while lines and _CHROME_LINE.match(lines[-1]):
        lines.pop()
    while lines and _CHROME_LINE.match(lines[0]):
        lines.pop(0)
    return lines


_SITE_WORDS = re.compile(r"cổng|báo|trang|tạp chí|website|portal|đài|thông tấn|\.vn\b|\.com\b", re.IGNORECASE)


def _title_parts(soup) -> list[str]:
    return [p.strip() for p in _TITLE_SUFFIX.split(soup.title.get_text(" ", strip=True))] if soup.title else []


def _site(soup) -> str:
    site = _meta(soup, "og:site_name", "application-name")
    parts = _title_parts(soup)
    if not site and len(parts) >= 2:
        named = [p for p in parts if _SITE_WORDS.search(p)]
        site = named[-1] if named else parts[-1]
    return " ".join(site.split())


def _title(soup, body, site: str) -> str:
    title = _meta(soup, "og:title", "twitter:title")
    if not title and soup.h1:
        title = soup.h1.get_text(" ", strip=True)
    if not title and body is not None:
        inside = [t for t in body.find_all(class_=_TITLE_CLASS) if 10 <= _text_len(t) <= 300]
        before = [t for t in body.find_all_previous(class_=_TITLE_CLASS, limit=5) if 10 <= _text_len(t) <= 300]
        tagged = (inside or before or [None])[0]
        if tagged is not None:
            title = tagged.get_text(" ", strip=True)
    if not title:
        parts = [p for p in _title_parts(soup) if p != site]
        title = " - ".join(parts) if parts else (soup.title.get_text(" ", strip=True) if soup.title else "")
    return " ".join(title.split())


def _dates(soup) -> tuple[str, str]:
    """(ISO date of publication, the date line as printed on the page)."""
    time_tag = soup.find("time")
    date_text = _meta(soup, "article:published_time", "pubdate", "publishdate", "date", "dc.date.issued")
    if not date_text and time_tag is not None:
        date_text = time_tag.get("datetime", "") or time_tag.get_text(" ", strip=True)
    date_line = time_tag.get_text(" ", strip=True) if time_tag is not None else ""
    if not date_line:
        for dated in soup.find_all(class_=_DATE_CLASS):
            line = dated.get_text(" ", strip=True)
            if _iso_date(line) and len(line) < 80:
                date_line = line
                break
        date_text = date_text or date_line
    return _iso_date(date_text), date_line


def _clean_leftovers(text: str) -> str:
    """A page saved with escaped markup ("&lt;p&gt;...&amp;aacute;"): decode and strip once more."""
    for _ in range(2):
        if not _LEFTOVER_MARKUP.search(text):
            break
        text = html_lib.unescape(text)
        text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
        text = re.sub(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", "", text)
    return text


# Server-side code left in a page saved from its template ("<?php echo '<img ...>'; ?>", "<% ... %>"):
# an HTML parser ends it at the first ">" inside it and shows the rest as text.
_SERVER_CODE = re.compile(rb"<\?(?:php|=).*?(?:\?>|$)|<%.*?(?:%>|$)", re.DOTALL | re.IGNORECASE)


def extract_html(path: Path, data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_SERVER_CODE.sub(b"", data), "lxml")
    site = _site(soup)
    date, date_line = _dates(soup)
    author = _meta(soup, "author", "article:author")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(["header", "footer"]):
        if not tag.decomposed and tag.find_parent(["article", "main"]) is None:
            tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main", "form"):
            continue
        marks = _marks(tag)
        if marks.strip() and _BOILERPLATE.search(marks) and not _CONTENT.search(" ".join(tag.get("class") or [])):
            tag.decompose()
    body = _pick_body(soup)
    title = _title(soup, body, site)
    for tag in body.find_all(["ul", "ol", "div", "table", "p"]):
        if not tag.decomposed and _link_heavy(tag) and tag is not body:
            tag.decompose()
    text, _ = fix_legacy_lines(_clean_leftovers(_text_of(body)))  # pages saved from .VnTime documents
    lines = _trim_chrome([line.strip() for line in text.split("\n") if line.strip()])
    text = "\n\n".join(lines)
    if title and not text.startswith(title):
        head = [title] + ([date_line] if date_line and date_line not in text[:500] else [])
        text = "\n\n".join(head + [text])
    if not text.strip():
        raise IngestError(str(path), "trang HTML không có nội dung chữ")
    is_document = bool(_DOC_NUMBER.search("\n".join(lines[:15])))
    hints = {"title": title, "author": author}
    if not is_document:  # a news item: the page's date and site are its own
        hints["date"] = date
        hints["issuer"] = site
    return Extracted("html", text, hints={k: v for k, v in hints.items() if v})
