"""Document numbers and symbols ("số và ký hiệu"), one canonical form for matching.

Party documents print "Số 95-KH/TU": a number, a dash, the type code, a slash, the issuer code.
State documents print "168/2024/NĐ-CP": number / year / type code - issuer code. People type
them every which way ("50/CT-TW", "50 CT TW", "50-ct/tw", "12HD/BTCTW"), so every variant maps to:

- with a year:    ``N/YYYY/A-B``  ("168/2024/NĐ-CP", "80/2015/QH13", "36/2024/TT-BYT")
- without a year: ``N-A/B[-C]``   ("50-CT/TW", "12-HD/BTCTW", "23-VBHN/VPQH")

Letters are upper-cased (so the Party's "QĐi" reads "QĐI"); leading zeros are kept as printed
("07-HD/BTGDV"). The canonical form is a key for matching and display, not a legal citation style.
"""
from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_PREFIX = re.compile(r"^\s*(?:số|so)\s*[:.]?\s*", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_HEAD = re.compile(r"^(\d{1,5})([A-ZĐ].*)?$", re.IGNORECASE)

# A symbol group: starts with an upper-case letter; the Party's "QĐi" ends in a lower-case i.
_SYM = r"[A-ZĐ][A-ZĐ0-9]*(?:i(?![a-zà-ỹđ]))?"
_NUMBER_PATTERNS = re.compile(
    r"(?<![\w/.-])(?:"
    + r"\d{1,5}[/-](?:19|20)\d{2}[/-]" + _SYM + r"(?:-" + _SYM + r")*"  # 168/2024/NĐ-CP
    + r"|\d{1,5}\s?-?\s?" + _SYM + r"/" + _SYM + r"(?:-" + _SYM + r")*"  # 95-KH/TU, 12HD/BTCTW
    + r"|\d{1,5}/" + _SYM + r"(?:-" + _SYM + r")+"  # 23/VBHN-VPQH, 50/CT-TW
    + r")(?![\w/])"
)


def normalize_doc_number(s: str) -> str:
    """Canonical number/symbol: "50/CT-TW", "50 CT TW", "50-ct/tw" -> "50-CT/TW"; "" if not a number."""
    s = unicodedata.normalize("NFC", s).translate(_DASHES)
    s = _PREFIX.sub("", s).strip().strip(".,;:()")
    parts = [p for p in re.split(r"[\s/\-.]+", s) if p]
    if not parts:
        return ""
    head = _HEAD.match(parts[0])
    if not head:
        return ""
    number, glued = head.group(1), head.group(2)  # "12HD" -> "12", "HD"
    rest = ([glued] if glued else []) + parts[1:]
    rest = [p.upper() for p in rest]
    if not rest:
        return number
    if _YEAR.match(rest[0]):
        year, symbols = rest[0], rest[1:]
        return f"{number}/{year}/" + "-".join(symbols) if symbols else f"{number}/{year}"
    if len(rest) == 1:
        return f"{number}-{rest[0]}"
    return f"{number}-{rest[0]}/" + "-".join(rest[1:])


def find_doc_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every number/symbol in running text: (start, end, canonical). Dates and plain numbers are not."""
    out = []
    for m in _NUMBER_PATTERNS.finditer(text):
        canonical = normalize_doc_number(m.group(0))
        if canonical and any(ch.isalpha() for ch in canonical):
            out.append((m.start(), m.end(), canonical))
    return out


# Type code in the symbol -> document type (title case). Used only when the text names no type.
TYPE_CODES = {
    "NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐI": "Quy định", "QĐ": "Quyết định",
    "HD": "Hướng dẫn", "KH": "Kế hoạch", "TB": "Thông báo", "BC": "Báo cáo", "CV": "Công văn",
    "TTR": "Tờ trình", "CTR": "Chương trình", "ĐA": "Đề án", "QC": "Quy chế", "TT": "Thông tư",
    "NĐ": "Nghị định", "VBHN": "Văn bản hợp nhất",
}


def type_from_code(canonical: str) -> str:
    """Document type named by the code in a canonical number: "50-CT/TW" -> "Chỉ thị"; "" if unknown."""
    m = re.match(r"^\d+(?:/\d{4})?[-/]([A-ZĐ]+)", canonical)
    return TYPE_CODES.get(m.group(1), "") if m else ""
