"""Documents cited in the body: "Chỉ thị số 50-CT/TW, ngày 23/7/2025 của Ban Bí thư".

Each number/symbol found by `find_doc_numbers` becomes a Reference. Its type is the word printed
before it ("Kế hoạch số ..."; "Luật Hải quan số ..."), else the type named by the code in the
symbol ("-CT/" -> Chỉ thị), else "". The date and the issuer ("của Ban Bí thư Trung ương khóa XII")
are read just after the number. Citations without a number ("Nghị quyết Trung ương 6, khóa X")
are skipped: they cannot be linked reliably. The document's own number is not a reference.
"""
from __future__ import annotations

import re
from datetime import date

from ingest.docnumber import find_doc_numbers, type_from_code
from ingest.records import Reference

REFERENCE_TYPES = [
    "Kế hoạch", "Hướng dẫn", "Chỉ thị", "Nghị quyết", "Kết luận", "Quy định", "Quyết định", "Thông báo",
    "Báo cáo", "Công văn", "Tờ trình", "Chương trình", "Đề án", "Quy chế", "Thông tri", "Nghị định",
    "Thông tư", "Bộ luật", "Luật", "Pháp lệnh", "Văn bản hợp nhất", "Văn bản", "Điều lệ",
]
_TYPES = "|".join(sorted(REFERENCE_TYPES, key=len, reverse=True))
# Type word, up to six more words ("Luật Hải quan", "Nghị quyết liên tịch"), optional "số", then the number.
_BEFORE = re.compile(
    r"(?P<type>" + _TYPES + r")(?P<name>(?:\s+[^\s,;.:()“”\"]+){0,6}?)\s+(?:số\s*:?\s*)?$", re.IGNORECASE
)
_DATE_AFTER = re.compile(
    r"\s*,?\s*(?:ban hành\s+)?(?:ngày\s+)?(?:"
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))",
    re.IGNORECASE,
)
_ISSUER_AFTER = re.compile(
    r"^\s*,?\s*của\s+(?P<issuer>[A-ZĐÀ-Ỹ][^,;.:()“”\"\n]{1,80}?)"
    r"(?=\s+(?:về|khóa|khoá|để|nhằm|trong|tại|đã|với|ban hành|quy định|hướng dẫn|và\s+(?:" + _TYPES + r"))\b"
    r"|[,;.:()“”\"\n]|$)"
)


def _iso(d: str, m: str, y: str) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


def _canonical_type(word: str) -> str:
    for t in REFERENCE_TYPES:
        if t.lower() == word.lower():
            return t
    return word


def find_references(text: str, own_number: str = "") -> tuple[Reference, ...]:
    """Every cited document in `text` (normalised), in order; `own_number` is left out."""
    refs = []
    for start, end, number in find_doc_numbers(text):
        if own_number and number == own_number:
            continue
        before = _BEFORE.search(text, max(0, start - 80), start)
        doc_type = ""
        if before and before.end() == start:
            doc_type = _canonical_type(before.group("type"))
            start = before.start()
        doc_type = doc_type or type_from_code(number)
        iso = ""
        m = _DATE_AFTER.match(text, end)
        if m:
            iso = _iso(m["d"], m["m"], m["y"]) if m["d"] else _iso(m["d2"], m["m2"], m["y2"])
            end = m.end()
        issuer = ""
        m = _ISSUER_AFTER.match(text[end:end + 120])
        if m:
            issuer = m["issuer"].strip()
            end += m.end("issuer")
        refs.append(Reference(doc_type=doc_type, number=number, date=iso, issuer=issuer, start=start, end=end))
    return tuple(refs)
