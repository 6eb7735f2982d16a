"""Documents cited in the body: "Chỉ thị số 50-CT/TW, ngày 23/7/2025 của Ban Bí thư".

Each number/symbol found by `find_doc_numbers` becomes a Reference. Its type is the word printed
before it ("Kế hoạch số ..."; "Luật Hải quan số ..."), else the type named by the code in the
symbol ("-CT/" -> Chỉ thị), else "". The date and the issuer ("của Ban Bí thư Trung ương khóa XII")
are read just after the number. Citations without a number ("Nghị quyết Trung ương 6, khóa X")
are skipped: they cannot be linked reliably. The document's own number is not a reference, nor a
number on a saved page's footer line (licence, copyright, the decree the portal runs under).

A document usually dates a citation once ("Chỉ thị số 45-CT/TW, ngày 12/5/2024 ...") and then
writes "Chỉ thị số 45-CT/TW" alone: the later mentions take that date (when the document gives
the number one date only). `resolve_references` does the same across a batch of parsed documents,
from the cited document's own header when it is in the batch, else from the other documents'
dated citations of it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from vntext.docnumber import find_doc_numbers, number_key, type_from_code
from ingest.records import ParsedDocument, Reference

REFERENCE_TYPES = [
    "Kế hoạch", "Hướng dẫn", "Chỉ thị", "Nghị quyết", "Kết luận", "Quy định", "Quyết định", "Thông báo",
    "Báo cáo", "Công văn", "Tờ trình", "Chương trình", "Đề án", "Quy chế", "Thông tri", "Nghị định",
    "Thông tư", "Bộ luật", "Luật", "Pháp lệnh", "Văn bản hợp nhất", "Văn bản", "Điều lệ",
]
_TYPES = "|".join(sorted(REFERENCE_TYPES, key=len, reverse=True))
# Type word, up to six more words ("Luật Hải quan", "Nghị quyết liên tịch"), optional "số", then the number.
# The words between hold no digit and no "số": in "Chỉ thị số 45-CT/TW và Kế hoạch số 12-KH/ĐU" the
# type of 12-KH/ĐU is "Kế hoạch", and the nearest type word before a number is tried first.
_TYPE_WORD = re.compile(r"(?<!\w)(?:" + _TYPES + r")(?!\w)", re.IGNORECASE)
_BEFORE = re.compile(
    r"(?P<type>" + _TYPES + r")(?P<name>(?:\s+(?!số\b)[^\s\d,;.:()“”\"]+){0,6}?)\s+(?:số\s*:?\s*)?$",
    re.IGNORECASE,
)
_DATE_AFTER = re.compile(
    r"\s*,?\s*(?:ban hành\s+)?(?:ngày\s+)?(?:"
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))",
    re.IGNORECASE,
)
# News style, the date first: "Ngày 15/10/2024, Ban Thường vụ Đảng ủy ban hành Quy định số 03-QĐ/ĐU".
_DATE_BEFORE = re.compile(
    r"(?<![\w/])[Nn]gày\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\s*,\s*"
    r"[^.;:\n\d]{0,80}?\s(?:đã\s+)?(?:ban hành|ký ban hành|ký)\s+$"
)
_ISSUER_AFTER = re.compile(
    r"^\s*,?\s*của\s+(?P<issuer>[A-ZĐÀ-Ỹ][^,;.:()“”\"\n]{1,80}?)"
    r"(?=\s+(?:về|khóa|khoá|để|nhằm|trong|tại|đã|với|ban hành|quy định|hướng dẫn|và\s+(?:" + _TYPES + r"))\b"
    r"|[,;.:()“”\"\n]|$)"
)


# A saved web page's footer names the portal's licence and the decree it runs under on every page
# ("Giấy phép số 45/GP-TTĐT ... theo Nghị định 72/2013/NĐ-CP"): those lines cite nothing.
_CHROME_LINE = re.compile(
    r"giấy phép|bản quyền|©|copyright|ghi rõ nguồn|chịu trách nhiệm (?:chính|xuất bản|nội dung)|"
    r"cơ quan chủ quản|tổng biên tập|trưởng ban biên tập|điện thoại\s*:|email\s*:|fax\s*:",
    re.IGNORECASE,
)


def _chrome(text: str, start: int, end: int) -> bool:
    """The number sits on a footer line of a saved page (licence, copyright, contact)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    return len(line) <= 400 and bool(_CHROME_LINE.search(line))


def _iso(d: str, m: str, y: str) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


def _type_before(text: str, start: int) -> re.Match | None:
    """"Kế hoạch số " (or "Luật Hải quan số ") ending right at `start`, the nearest type word first."""
    for word in reversed(list(_TYPE_WORD.finditer(text, max(0, start - 80), start))):
        m = _BEFORE.match(text, word.start(), start)
        if m:
            return m
    return None


def _canonical_type(word: str) -> str:
    for t in REFERENCE_TYPES:
        if t.lower() == word.lower():
            return t
    return word


def find_references(text: str, own_number: str = "") -> tuple[Reference, ...]:
    """Every cited document in `text` (normalised), in order; `own_number` is left out."""
    refs = []
    own_key = number_key(own_number) if own_number else ""
    for start, end, number in find_doc_numbers(text):
        if own_key and number_key(number) == own_key:
            continue
        if "/GP-" in number or number.split("-")[-1].startswith("GP") or _chrome(text, start, end):
            continue  # a licence, or the portal's footer
        before = _type_before(text, start)
        doc_type = ""
        if before:
            doc_type = _canonical_type(before.group("type"))
            start = before.start()
        doc_type = doc_type or type_from_code(number)
        iso = ""
        m = _DATE_AFTER.match(text, end)
        if m:
            iso = _iso(m["d"], m["m"], m["y"]) if m["d"] else _iso(m["d2"], m["m2"], m["y2"])
            end = m.end()
        if not iso:
            m = _DATE_BEFORE.search(text, max(0, start - 140), start)
            if m:
                iso = _iso(m["d"], m["m"], m["y"])
        issuer = ""
        m = _ISSUER_AFTER.match(text[end:end + 120])
        if m:
            issuer = m["issuer"].strip()
            end += m.end("issuer")
        refs.append(Reference(doc_type=doc_type, number=number, date=iso, issuer=issuer, start=start, end=end))
    return _fill_dates(refs, _dates_by_number(refs))


def _dates_by_number(refs: Iterable[Reference]) -> dict[str, set[str]]:
    dates: dict[str, set[str]] = {}
    for r in refs:
        if r.date:
            dates.setdefault(r.number, set()).add(r.date)
    return dates


def _fill_dates(refs: Iterable[Reference], known: dict[str, set[str]], before: str = "") -> tuple[Reference, ...]:
    """Undated references take the one date known for their number; none when it is ambiguous.

    A date after `before` (the citing document's own date) is not taken: nothing cites a later text.
    """
    out = []
    for r in refs:
        dates = known.get(r.number, set())
        found = next(iter(dates)) if len(dates) == 1 else ""
        if not r.date and found and (not before or found <= before):
            r = replace(r, date=found)
        out.append(r)
    return tuple(out)


def resolve_references(docs: Sequence[ParsedDocument]) -> list[ParsedDocument]:
    """The same documents, with undated references dated from the rest of the batch.

    A cited number takes the date of the document in the batch that bears it (its header is the
    authority), else the date that the batch's dated citations of it agree on. Numbers borne by two
    documents with different dates (two communes' "12-KH/ĐU"), or cited with different dates, stay
    undated: nothing is guessed. Pure: the documents passed in are not changed.
    """
    own: dict[str, set[str]] = {}
    for d in docs:
        if d.metadata.number and d.metadata.date:
            own.setdefault(d.metadata.number, set()).add(d.metadata.date)
    cited = _dates_by_number(r for d in docs for r in d.references)
    known = {n: own.get(n) or cited[n] for n in own.keys() | cited.keys()}
    out = []
    for d in docs:
        refs = _fill_dates(d.references, known, before=d.metadata.date)
        out.append(d if refs == d.references else replace(d, references=refs))
    return out
