"""Document numbers and symbols ("số và ký hiệu"), one canonical form for matching.

Party documents print "Số 95-KH/TU": a number, a dash, the type code, a slash, the issuer code.
State documents print "66/NQ-CP" or "168/2024/NĐ-CP": number / (year /) type code - issuer code.
People type them every which way ("50/CT-TW", "50 CT TW", "50-ct/tw", "12HD/BTCTW", "66-NQ/CP"),
and real files print them with stray spaces and dashes ("Số  38 - HD/BTCTW", "08 –HD/BTCTU",
"773 /QĐ-TTg") or markdown escapes ("57\\-NQ/TW"), so every variant maps to one form:

- with a year:              ``N/YYYY/A-B``  ("168/2024/NĐ-CP", "80/2015/QH13", "09/2025/QĐ-TTg")
- Party, without a year:    ``N-A/B[-C]``   ("50-CT/TW", "12-HD/BTCTW", "03-TTR/ĐU")
- State, without a year:    ``N/A-B[-C]``   ("66/NQ-CP", "494/NQ-UBTVQH13", "2638/LĐTBXH-KHTC")

Party or State is decided by the issuer code (TW, TU, HU, ĐU, BTCTW ... are the Party's; CP, TTg,
UBND, QH15, BTC ... the State's), else by how the number is printed. Letters are upper-cased (the
Party's "QĐi" reads "QĐI") except the State's "TTg", which keeps its official spelling; leading
zeros are kept as printed ("07-HD/BTGDV"). `number_key` drops the style altogether, for equality
between forms nobody agrees on.
"""
from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_PREFIX = re.compile(r"^\s*(?:số|so)\s*[:.]?\s*", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_HEAD = re.compile(r"^(\d{1,5})([A-ZĐ].*)?$", re.IGNORECASE)

# Issuer codes of Party bodies: the Central Committee and its departments (TW, BTCTW, VPTW, UBKTTW),
# provincial/city (TU), district (HU, QU), grassroots (ĐU, CB) committees, party groups (BCSĐ, ĐĐ).
_PARTY_ISSUER = re.compile(r"^(?:[A-ZĐ]*(?:TW|TƯ|TU|HU|QU|ĐU|ĐUK|CB|BCSĐ|ĐĐ)|ĐUK[A-ZĐ]*|ĐUQS[A-ZĐ]*)$")
# Issuer codes of State bodies: government, prime minister, people's committees and councils,
# national assembly, ministries ("BTC", "BLĐTBXH"), courts, prosecutors, central bank.
_STATE_ISSUER = re.compile(r"^(?:CP|TTG|CTN|VPCP|UBND|HĐND|QH\d*|UBTVQH\d*|NHNN|TANDTC|VKSNDTC|KTNN|HĐTP)$")
# Ministries ("BTC", "BLĐTBXH") and departments ("SNV"): State when the print does not say; the
# Party's own departments use the same letters ("BTGDV", "BTC" of a committee).
_MINISTRY = re.compile(r"^(?:B|S)[A-ZĐ]{1,7}$")

# A symbol group: starts with an upper-case letter; the Party's "QĐi" ends in a lower-case i, the
# State's "TTg" in a lower-case g.
_SYM = r"[A-ZĐ][A-ZĐ0-9]*(?:[ig](?![a-zà-ỹđ]))?"
_LOWER_SYM = r"[a-zđ]{2,8}"  # "221-kl/tw" as a careless file prints it
_NUMBER_PATTERNS = re.compile(
    r"(?<![\w/.-])(?:"
    + r"\d{1,5}[/-](?:19|20)\d{2}[/-]" + _SYM + r"(?:-" + _SYM + r")*"  # 168/2024/NĐ-CP
    + r"|\d{1,5}\s?\\?[-–]?\s?" + _SYM + r"/" + _SYM + r"(?:-" + _SYM + r")*"  # 95-KH/TU, 57\-NQ/TW
    + r"|\d{1,5}/" + _SYM + r"(?:-" + _SYM + r")+"  # 23/VBHN-VPQH, 66/NQ-CP
    + r"|\d{1,5}-" + _LOWER_SYM + r"/" + _LOWER_SYM  # 221-kl/tw
    + r")(?![\w/])"
)
# A number at the start of a header cell, spaces and dashes as real files print them:
# "38 - HD/BTCTW", "08 –HD/BTCTU", "773 /QĐ-TTg", "57\-NQ/TW", "02/2020/UBTVQH14".
_LEADING = re.compile(
    r"^\s*\d{1,5}(?:\s*[/-]\s*(?:19|20)\d{2}\b)?"
    r"(?:\s*\\?[/-]?\s*[A-Za-zĐđ][A-Za-z0-9Đđ]*(?:\s*\\?[/-]\s*[A-Za-zĐđ][A-Za-z0-9Đđ]*)*)?"
)


def _clean(s: str) -> str:
    return unicodedata.normalize("NFC", s).translate(_DASHES).replace("\\", "")


def _issuer_kind(codes: list[str]) -> str:
    """"party" | "state" | "" from the issuer codes (the groups after the type code)."""
    if not codes:
        return ""
    if _PARTY_ISSUER.match(codes[-1]):
        return "party"
    if any(_STATE_ISSUER.match(code) for code in codes):
        return "state"
    return ""


def _printed_kind(s: str) -> str:
    """"state" for "66/NQ-CP" (slash, then dash), "party" for "50-CT/TW", "" when it shows neither."""
    compact = re.sub(r"\s+", "", s)
    if re.match(r"^\d+/[^/-]+-", compact):
        return "state"
    if re.match(r"^\d+-?[^/-]+/", compact):
        return "party"
    return ""


def _case(symbols: list[str], state: bool) -> list[str]:
    out = []
    for sym in symbols:
        sym = sym.upper()
        if state and sym == "TTG":
            sym = "TTg"
        out.append(sym)
    return out


def normalize_doc_number(s: str) -> str:
    """Canonical number/symbol: "50/CT-TW", "50 CT TW", "50-ct/tw" -> "50-CT/TW"; "66-NQ/CP" ->
    "66/NQ-CP"; "" if not a number."""
    s = _PREFIX.sub("", _clean(s)).strip().strip(".,;:()")
    parts = [p for p in re.split(r"[\s/\-.]+", s) if p]
    if not parts:
        return ""
    head = _HEAD.match(parts[0])
    if not head:
        return ""
    number, glued = head.group(1), head.group(2)  # "12HD" -> "12", "HD"
    rest = ([glued] if glued else []) + parts[1:]
    if not rest:
        return number
    if _YEAR.match(rest[0]):
        year, symbols = rest[0], _case(rest[1:], state=True)
        return f"{number}/{year}/" + "-".join(symbols) if symbols else f"{number}/{year}"
    if len(rest) == 1:
        return f"{number}-{rest[0].upper()}"
    codes = [p.upper() for p in rest[1:]]
    kind = _issuer_kind(codes) or _printed_kind(s) or ("state" if _MINISTRY.match(codes[0]) else "party")
    symbols = _case(rest, state=kind == "state")
    if kind == "state":
        return f"{number}/{symbols[0]}-" + "-".join(symbols[1:])
    return f"{number}-{symbols[0]}/" + "-".join(symbols[1:])


def number_key(s: str) -> str:
    """Style-free key: "66/NQ-CP", "66-NQ/CP", "66 nq cp" -> "66 NQ CP"; "" if not a number."""
    canonical = normalize_doc_number(s)
    return " ".join(p for p in re.split(r"[/-]", canonical.upper()) if p) if canonical else ""


def parse_leading_number(cell: str) -> str:
    """The number at the start of a header cell after "Số", or "": "38 - HD/BTCTW" -> "38-HD/BTCTW"."""
    m = _LEADING.match(_clean(cell))
    if not m:
        return ""
    canonical = normalize_doc_number(m.group(0))
    return canonical if any(ch.isalpha() for ch in canonical) else ""


def find_doc_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every number/symbol in running text: (start, end, canonical). Dates and plain numbers are not."""
    out = []
    for m in _NUMBER_PATTERNS.finditer(text):
        canonical = normalize_doc_number(m.group(0))
        if canonical and any(ch.isalpha() for ch in canonical):
            out.append((m.start(), m.end(), canonical))
    return out


# Type code in the symbol -> document type (title case). Used only when the text names no type.
# The Party numbers its Quy định and its Quyết định alike ("144-QĐ/TW", "99-QĐ/TW"): QĐ in Party
# form names no type; in State form ("1766/QĐ-UBND") it is a Quyết định.
TYPE_CODES = {
    "NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐI": "Quy định", "QĐ": "Quyết định",
    "HD": "Hướng dẫn", "KH": "Kế hoạch", "TB": "Thông báo", "BC": "Báo cáo", "CV": "Công văn",
    "TTR": "Tờ trình", "CTR": "Chương trình", "ĐA": "Đề án", "QC": "Quy chế", "TT": "Thông tư",
    "NĐ": "Nghị định", "VBHN": "Văn bản hợp nhất", "TTLT": "Thông tư liên tịch",
}


def type_from_code(canonical: str) -> str:
    """Document type named by the code in a canonical number: "50-CT/TW" -> "Chỉ thị"; "" if unknown."""
    m = re.match(r"^\d+(?:/\d{4})?([-/])([A-ZĐ]+)", canonical)
    if not m:
        return ""
    code = m.group(2)
    if code == "QĐ" and m.group(1) == "-":  # Party form: Quy định or Quyết định, the words decide
        return ""
    return TYPE_CODES.get(code, "")
