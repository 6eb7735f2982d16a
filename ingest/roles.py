"""What each passage is: content, or the boilerplate around it. Pure functions over passages.

Roles:
- ``content``: what a document says; the only role that is ranked, quoted, answered from and
  offered for packs.
- ``header``: the letterhead above the title ("BAN CHẤP HÀNH TRUNG ƯƠNG * Số 45-CT/TW ĐẢNG CỘNG SẢN
  VIỆT NAM Hà Nội, ngày …"). It is split off the first passage, so the title and preamble after it
  stay content.
- ``recipients``: the "Nơi nhận:" block (with the signature printed beside it).
- ``signature``: "T/M BAN BÍ THƯ … (đã ký) …" without a recipients list.
- ``chrome``: what a saved web page wraps around an article: navigation, share buttons, copyright
  and licence footers (most of the passage's words on such lines).

The other roles still feed metadata (read from the full text) and stay in the full-text view.
Without roles the "Nơi nhận / T/M BAN BÍ THƯ" block was the top hit for "chỉ thị 45" (its few words
are all the document's name) and packs started with letterheads.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ingest.headings import is_closing_line
from ingest.records import Passage
from vntext.normalize import fold_diacritics

CONTENT, HEADER, SIGNATURE, RECIPIENTS, CHROME = "content", "header", "signature", "recipients", "chrome"
ROLES = (CONTENT, HEADER, SIGNATURE, RECIPIENTS, CHROME)

# Lines of a letterhead (folded, lower-case); the block ends at its last "anchor" line.
_ANCHOR = re.compile(
    r"^(?:(?:\w+ ){0,2}so\s*[:.]?\s*\d[\w/.-]*$|dang cong san viet nam$|cong hoa xa hoi chu nghia viet nam$"
    r"|doc lap\s*-\s*tu do\s*-\s*hanh phuc$|[\w .'-]{2,40},\s*ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}\.?$)"
)
_FILLER = re.compile(r"^(?:[*\-_=~.–—\s]*|luu hanh noi bo)$")
_HEADER_SCAN_LINES = 12

# Site chrome: lines of saved web pages that are not the article (folded, lower-case). Words that
# also occur in documents ("đăng nhập", "liên hệ") count only on short menu-like lines.
_CHROME_LINE = re.compile(
    r"(?:ban quyen|copyright|©|giay phep (?:so|thiet lap)\b|chiu trach nhiem (?:noi dung|xuat ban|chinh)"
    r"|tong bien tap|ghi ro nguon|khi phat hanh lai|powered by|designed by|ve dau trang|luot xem"
    r"|tin lien quan|tin cung chuyen muc|phien ban di dong|theo doi chung toi tren)"
)
_MENU_WORD = re.compile(
    r"\b(?:trang chu|dang nhap|dang ky|lien he|chia se|in bai|gui bai|facebook|twitter|zalo|youtube|tim kiem"
    r"|gioi thieu|so do (?:trang|site)|rss|email|hotline|xem them|tin khac|quay lai|tai ve)\b"
)
_CHROME_SHARE = 0.5


def _fold(text: str) -> str:
    return fold_diacritics(text).lower().strip(" *")


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def header_end(text: str) -> int:
    """End offset of the letterhead at the top of `text`, 0 when it has none.

    The block is the document's first lines up to its last anchor (number line, "ĐẢNG CỘNG SẢN VIỆT
    NAM", the state motto, the place-and-date line), every line before it being letterhead-like
    (upper-case issuer lines, "*", "Lưu hành nội bộ"); a separator line right after it joins it."""
    pos, end, anchors, gap = 0, 0, 0, False
    for i, line in enumerate(text.split("\n")):
        line_end = pos + len(line)
        stripped = line.strip()
        folded = _fold(stripped)
        if i >= _HEADER_SCAN_LINES:
            break
        if stripped:
            if _ANCHOR.match(folded):
                anchors, end, gap = anchors + 1, line_end, False
            elif _FILLER.match(folded):
                if end and not gap:
                    end = line_end
            elif _is_upper(stripped) and len(stripped.split()) <= 12:
                gap = bool(end)  # an issuer line before the anchors, or the title after them
            else:
                break
        pos = line_end + 1
    return end if anchors else 0


def chrome_share(text: str) -> float:
    """Share of a passage's words on web-page chrome lines (copyright, navigation, sharing)."""
    total = chrome = 0
    for line in text.split("\n"):
        n = len(line.split())
        total += n
        folded = _fold(line)
        if n and (n <= 30 and _CHROME_LINE.search(folded) or n <= 6 and _MENU_WORD.search(folded)
                  and not folded.rstrip().endswith((".", ";", ":"))):
            chrome += n
    return chrome / total if total else 0.0


def passage_role(passage: Passage) -> str:
    """The role of one passage (not the letterhead: see assign_roles). The chunker gives the closing
    block passages of their own, starting with its first line ("Nơi nhận:", "T/M BAN THƯỜNG VỤ")."""
    first_line = passage.text.lstrip().split("\n", 1)[0]
    closing_only = len(passage.heading_path) == 1 and is_closing_line(passage.heading_path[0])
    # an appendix printed after the signature sits under the closing line too: it is content
    if is_closing_line(first_line) or closing_only and len(passage.text.split()) <= 60:
        folded = _fold(passage.text)
        return RECIPIENTS if "noi nhan" in folded else SIGNATURE
    if chrome_share(passage.text) >= _CHROME_SHARE:
        return CHROME
    return CONTENT


def assign_roles(text: str, passages: Sequence[Passage]) -> tuple[Passage, ...]:
    """Passages with their roles; the letterhead is split off the first passage into a passage of
    its own (ordinals renumbered, ``p.text == text[p.start:p.end]`` kept)."""
    out: list[Passage] = []
    for p in passages:
        cut = header_end(p.text) if p.ordinal == 0 else 0
        if not cut:
            out.append(replace(p, role=passage_role(p)))
            continue
        out.append(replace(p, end=p.start + cut, text=p.text[:cut], role=HEADER))
        rest = p.text[cut:]
        if rest.strip():
            start = p.start + cut + len(rest) - len(rest.lstrip())
            body = replace(p, start=start, text=text[start:p.end])
            out.append(replace(body, role=passage_role(body)))
    return tuple(replace(p, ordinal=i) for i, p in enumerate(out))
