"""Document names as people write them, parsed once for search, filters, refs, coverage and asking.

"chỉ thị 45", "CT 45", "Kết luận 112", "nghi quyet 15", "quy dinh 294", "QĐ 294-QĐ/TW",
"50/CT-TW", "số 38 - HD/BTCTW", "Nghị quyết 66/NQ-CP", "09/2025/QĐ-TTg" each name one document:
a ``DocName`` with its type, bare number, type code, issuer code and year, that matches the
stored documents whose number (vntext.docnumber canonical form) and type agree.

Which type: the words around a number decide ("Quy định số 294-QĐ/TW" is a Quy định although
"QĐ" alone reads Quyết định: every Party Quy định is numbered NNN-QĐ/…). The code decides only when
the words are absent, or when they name a type that never carries that code (the words then
belong to a neighbouring reference: "Chỉ thị 45-CT/TW và 12-KH/ĐU"). A name whose type came from
a code alone matches every type that code is used for (QĐ: Quy định and Quyết định).

State documents keep their own format in labels ("66/NQ-CP", "09/2025/QĐ-TTg"); matching uses the
canonical key, so any spelling of the same number matches.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from vntext.docnumber import TYPE_CODES, find_doc_numbers, normalize_doc_number
from vntext.normalize import fold_diacritics

# folded type words -> type (title case)
TYPE_WORDS = {
    "chi thi": "Chỉ thị", "nghi quyet": "Nghị quyết", "ket luan": "Kết luận", "ke hoach": "Kế hoạch",
    "huong dan": "Hướng dẫn", "quyet dinh": "Quyết định", "quy dinh": "Quy định", "qui dinh": "Quy định",
    "thong bao": "Thông báo", "bao cao": "Báo cáo", "cong van": "Công văn", "to trinh": "Tờ trình",
    "chuong trinh": "Chương trình", "de an": "Đề án", "quy che": "Quy chế", "thong tu": "Thông tư",
    "nghi dinh": "Nghị định", "van ban hop nhat": "Văn bản hợp nhất",
}
# codes each type is printed with; a Party Quy định carries "QĐ" (older ones "QĐi")
_CODES_OF: dict[str, set[str]] = {}
for _code, _type in TYPE_CODES.items():
    _CODES_OF.setdefault(_type, set()).add(_code)
_CODES_OF["Quy định"] |= {"QĐ"}
# codes that may stand alone before a number as a name ("CT 45", "QĐ 294"); short codes that are
# also ordinary words unaccented ("da", "tt") are left out
_CODE_WORDS = {"ct": "CT", "nq": "NQ", "kl": "KL", "kh": "KH", "hd": "HD", "qd": "QĐ", "qdi": "QĐI", "tb": "TB"}
_PARTY_ISSUER = re.compile(r"(TW|TƯ|TU|HU|ĐU|QU|ĐĐ|BCS)$")

_WORDS = re.compile(r"(?<![a-z])(" + "|".join(sorted(TYPE_WORDS, key=len, reverse=True)) + r")(?![a-z])")
_CODE_WORD = re.compile(r"(?<![\w/-])(" + "|".join(sorted(_CODE_WORDS, key=len, reverse=True)) + r")(?![\w/-])")
_SO = re.compile(r"\s*(?:so\b)?\s*[:.]?\s*")
_BARE = re.compile(r"(\d{1,5})(?![\d\w]|[/.,-]\d|\s*[-/]\s*[a-z])")
# "50 ct tw", "50/ct-tw" typed loosely: number, a known type code, an issuer code (upper-cased text)
_LOOSE = re.compile(r"(?<![\w/-])\d{1,5}\s*[-/ ]?\s*(" + "|".join(sorted({*TYPE_CODES}, key=len, reverse=True))
                    + r")\s*[-/ ]\s*[A-ZĐƯ]{1,12}(?:-[A-ZĐƯ]{1,12})?(?![\w/])")


def fold(text: str) -> str:
    """Lower-case, accent-free, same length as the NFC input (spans carry over)."""
    return fold_diacritics(unicodedata.normalize("NFC", text or "")).lower()


def codes_of(doc_type: str) -> set[str]:
    """Type codes a document type is printed with ("Quy định" -> {"QĐI", "QĐ"})."""
    return _CODES_OF.get(doc_type, set())


def code_of(canonical: str) -> str:
    """The type code in a canonical number: "45-CT/TW" -> "CT"; "09/2025/QĐ-TTG" -> "QĐ"."""
    m = re.match(r"^\d+(?:/\d{4})?[-/]([A-ZĐ]+)", canonical or "")
    return m.group(1) if m else ""


def _head(canonical: str) -> str:
    m = re.match(r"^(\d+)", canonical or "")
    return str(int(m.group(1))) if m else ""


def type_of(words_type: str, code: str) -> tuple[str, bool]:
    """(type, read from words): the words win unless they name a type never printed with the code."""
    if words_type and (not code or code not in TYPE_CODES or code in codes_of(words_type)):
        return words_type, True
    if code:
        return TYPE_CODES.get(code, ""), False
    return words_type, bool(words_type)


@dataclass(frozen=True)
class DocName:
    doc_type: str  # "Quy định", "" when neither words nor code say
    number: str  # bare number without leading zeros: "294"
    code: str = ""  # type code when written: "QĐ"
    issuer_code: str = ""  # "TW", "BTCTW", "CP"
    year: str = ""  # state documents: "2025"
    canonical: str = ""  # full canonical number when written ("294-QĐ/TW"), else ""
    typed: bool = False  # the type came from words, not from the code
    state_form: bool = False  # written "N/A-B" by an issuer that is not a Party body: label keeps it
    start: int = field(default=0, compare=False)  # span in the parsed text
    end: int = field(default=0, compare=False)
    written: str = field(default="", compare=False)  # the number as written, for state labels

    @property
    def label(self) -> str:
        """How to show the name: "50-CT/TW", "66/NQ-CP", "09/2025/QĐ-TTG", or "Chỉ thị 45"."""
        if self.canonical:
            return " ".join(self.written.split()) if self.state_form and self.written else self.canonical
        return " ".join(x for x in (self.doc_type if self.typed else self.code, self.number) if x)

    def type_agrees(self, doc_type: str, canonical: str = "") -> bool:
        """Whether a stored type (and its number's code) can be the type this name means."""
        code = code_of(canonical)
        if self.typed and self.doc_type:
            if doc_type:
                return fold(doc_type) == fold(self.doc_type)
            return not code or code in codes_of(self.doc_type)
        if self.code:
            if code:
                return code == self.code or {code, self.code} <= {"QĐ", "QĐI"}
            return not doc_type or self.code in codes_of(doc_type)
        return True

    def matches(self, doc_type: str, number: str) -> bool:
        """Whether a stored document (its type and number as stored) is the one named."""
        canonical = normalize_doc_number(number or "")
        if not canonical:
            return False
        if self.canonical:
            if canonical != self.canonical:
                return False
        elif _head(canonical) != self.number:
            return False
        return self.type_agrees(doc_type, canonical)


def name_of(doc_type: str, number: str) -> DocName | None:
    """The DocName of a stored document or reference: its number, and its type as read."""
    canonical = normalize_doc_number(number or "")
    if not canonical or not any(ch.isalpha() for ch in canonical):
        return None
    return _full(canonical, doc_type, state_form=False)


def _full(canonical: str, words_type: str, state_form: bool, start: int = 0, end: int = 0,
          written: str = "") -> DocName:
    code = code_of(canonical)
    doc_type, typed = type_of(words_type, code)
    year = m.group(1) if (m := re.match(r"^\d+/(\d{4})/", canonical)) else ""
    issuer = canonical.split("/")[-1].split("-", 1)[-1] if year else canonical.split("/", 1)[-1] if "/" in canonical else ""
    return DocName(doc_type, _head(canonical), code, issuer, year, canonical, typed,
                   state_form and not _PARTY_ISSUER.search(issuer), start, end, written)


def parse_names(text: str) -> tuple[DocName, ...]:
    """Every document name in a query or a passage, in order of appearance."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold(text)
    upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in text)  # spans stay put
    fulls: list[tuple[int, int, str]] = list(find_doc_numbers(upper))
    for m in _LOOSE.finditer(upper):
        if not any(s <= m.start() < e for s, e, _ in fulls):
            canonical = normalize_doc_number(m.group(0))
            if canonical:
                fulls.append((m.start(), m.end(), canonical))
    fulls.sort()
    out: list[DocName] = []
    used: set[int] = set()  # starts of full numbers already given their words
    for m in list(_WORDS.finditer(folded)) + list(_CODE_WORD.finditer(folded)):
        after = m.end() + len(_SO.match(folded, m.end()).group(0))
        words_type = TYPE_WORDS.get(m.group(1), "")
        code = _CODE_WORDS.get(m.group(1), "")
        full = next((f for f in fulls if f[0] == after), None)
        if full is not None:
            used.add(full[0])
            state = "/" in text[full[0]:full[1]].split("-")[0]
            out.append(_full(full[2], words_type, state, m.start(), full[1], text[full[0]:full[1]]))
            continue
        bare = _BARE.match(folded, after)
        if bare is None or re.fullmatch(r"(19|20)\d\d", bare.group(1)):  # "kế hoạch 2025": a year
            continue
        doc_type, typed = type_of(words_type, code)
        out.append(DocName(doc_type, str(int(bare.group(1))), code, typed=typed, start=m.start(), end=bare.end()))
    for s, e, canonical in fulls:
        if s not in used and any(ch.isalpha() for ch in canonical):
            state = "/" in text[s:e].split("-")[0]
            out.append(_full(canonical, "", state, s, e, text[s:e]))
    out.sort(key=lambda n: n.start)
    return tuple(dict.fromkeys(out))


def parse_name(text: str) -> DocName | None:
    """The first document name in `text`, or None."""
    names = parse_names(text)
    return names[0] if names else None


def filter_names(number: str) -> tuple[DocName, ...]:
    """The documents a number filter names; a bare "45" names every document numbered 45."""
    names = parse_names(number)
    if not names and number.strip().isdigit():
        names = (DocName("", str(int(number.strip()))),)
    return names


def named_documents(names: Iterable[DocName], docs: Sequence) -> list:
    """The documents (anything with .doc_type and .number) that one of `names` names."""
    names = list(names)
    return [d for d in docs if d.number and any(n.matches(d.doc_type, d.number) for n in names)]
