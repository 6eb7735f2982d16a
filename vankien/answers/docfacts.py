"""Which document a question names, and answers about a document's own facts from its metadata.

    named_document(library, "Chỉ thị 45 do ai ký?")   -> DocName(label="Chỉ thị 45", info=DocumentInfo(...))
    fact_answer(library, info, "Chỉ thị 45 do ai ký?") -> Fact("Chỉ thị số 45-CT/TW do đồng chí Võ Minh Quang ký …",
                                                              hit, (start, end))

Who signed, when it was issued, who issued it and which documents it implements, is based on or
replaces are read from the Library's stored metadata (signer, date, issuer) and reference table, not
guessed from sentences; the citation points at the passage that prints the fact.

Document names are read by the shared query-side parser (vntext/docname.py), as search, refs and
coverage read them; only bulletins, which carry no number ("Bản tin số 9/2024"), are read here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from index.records import SearchHit
from vntext.docname import DocName, fold, parse_names
from vntext.docnumber import normalize_doc_number
from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers.citation import format_date

# "Bản tin số 9/2024", "ban tin 10": bulletins are named by their issue in the title, not by a number
_BULLETIN = re.compile(r"\bban tin\s+(?:so\s+)?(\d{1,3})(?:\s*/\s*((?:19|20)\d{2}))?(?![\w-])")
# "Bản tin nào …", "văn bản nào …": the question asks for another document, it does not name one.
_ASKS_FOR_DOC = re.compile(r"\b(van ban|ban tin|chi thi|nghi quyet|ket luan|ke hoach|huong dan|quy dinh|"
                           r"thong bao|tin bai)\s+nao\b")


@dataclass(frozen=True)
class Fact:
    text: str  # the answer, one sentence
    hit: SearchHit  # the passage cited
    span: tuple[int, int]  # the cited part of the passage


def parse_doc_name(question: str) -> list[DocName]:
    """Document names in a question, in order: "Chỉ thị 45", "chi thi so 45", "CT 45", "45-CT/TW",
    and bulletins by issue ("Bản tin số 9/2024": type "Bản tin", number "9", year "2024")."""
    text = normalize_query(question or "")
    names = list(parse_names(text))
    for m in _BULLETIN.finditer(fold(text)):
        names.append(DocName("Bản tin", str(int(m.group(1))), year=m.group(2) or "", typed=True,
                             start=m.start(), end=m.end()))
    return sorted(names, key=lambda d: d.start)


def _fold_question(question: str) -> str:
    """Folded, lower-case; "kỳ" (period) kept apart from "ký" (sign) first."""
    return fold_diacritics(re.sub(r"\bkỳ\b", "kyy", normalize_query(question or "").lower()))


def _matches(name: DocName, info: Any) -> bool:
    if name.doc_type == "Bản tin" and name.typed:  # by the issue in the title
        if fold(info.doc_type or "") != "ban tin":
            return False
        wanted = f"so {name.number}/{name.year}" if name.year else f"so {name.number}/"
        return wanted in fold(info.title or "")
    return name.matches(info.doc_type or "", info.number or "")


_SOURCE_BEFORE = re.compile(r"(?:^|\b(?:theo|trong|tai|cua|o))\s*$")


def named_document(library: Any, question: str, about_document: bool = False) -> tuple[DocName | None, Any | None]:
    """(the document the question answers from, the indexed document it names or None).

    A name is the source when it opens the question ("Hướng dẫn 05 yêu cầu …") or follows "theo",
    "trong", "tại", "của" ("… theo Kế hoạch 27"); a name after "thực hiện" or "về" is the topic and
    restricts nothing. With `about_document` (who signed it, when it was issued …) the first name is
    the source. (None, None) when there is none or the question asks which document ("văn bản nào")."""
    names = parse_doc_name(question)
    folded = fold_diacritics(normalize_query(question or "")).lower()
    if not names or (_ASKS_FOR_DOC.search(folded) and not about_document):
        return None, None
    sources = names if about_document else [d for d in names if _SOURCE_BEFORE.search(folded[:d.start])]
    if not sources:
        return None, None
    name = sources[0]
    docs = [d for d in library.documents() if _matches(name, d)]
    return name, (docs[0] if len(docs) == 1 else None)


def asks_about_document(question: str) -> bool:
    """Whether the question asks for a fact of a document itself (signer, date, issuer, relations)."""
    folded = _fold_question(question)
    return bool(_SIGNER.search(folded) or _ISSUED.search(folded) or _ISSUER.search(folded)
                or any(asks.search(folded) for asks, _ in _RELATIONS.values()))


# ---------------------------------------------------------------- facts from metadata

_SIGNER = re.compile(r"\b(ai ky|nguoi ky|ky ban hanh|ky ten|ky boi|do ai ky|ai da ky|ky la ai)\b")
_ISSUED = re.compile(r"\b(ban hanh|ky|ra doi)\b.*\b(ngay nao|khi nao|bao gio|luc nao|thoi gian nao|nam nao)\b"
                     r"|\b(ngay|thoi gian) (ban hanh|ky)\b|\b(ngay nao|khi nao|bao gio)\b.*\b(ban hanh|ky)\b")
_ISSUER = re.compile(r"\b(co quan|don vi|ai|cap nao)\b.*\bban hanh\b|\bban hanh boi\b|\bcua co quan nao\b")
_RELATIONS = {  # question words -> words printed before the cited number in the document
    "implements": (re.compile(r"\b(thuc hien|trien khai|cu the hoa)\s+(van ban|chi thi|nghi quyet|ket luan|"
                              r"ke hoach|huong dan|quy dinh)\s+nao\b"),
                   ("thuc hien", "trien khai", "cu the hoa")),
    "basis": (re.compile(r"\b(can cu|dua (tren|vao))\b.*\b(nao|gi|dau)\b"), ("can cu", "thuc hien", "trien khai")),
    "replaces": (re.compile(r"\bthay the\b"), ("thay the",)),
}


def document_hit(stored: Any, ordinal: int) -> SearchHit:
    info, p = stored.info, stored.passages[ordinal]
    return SearchHit(info.doc_id, p.ordinal, info.header, tuple(p.heading_path), tuple(p.pages), p.text, 0.0,
                     p.start, p.end, scanned=p.scanned)


def _find(stored: Any, needle: str) -> tuple[int, int, int] | None:
    """(passage ordinal, start, end) of the first passage printing `needle` (case-insensitive)."""
    low = needle.lower()
    for p in stored.passages:
        at = p.text.lower().find(low)
        if at >= 0:
            return p.ordinal, at, at + len(needle)
    return None


def _name(info: Any) -> str:
    return f"{info.doc_type} số {info.number}" if info.number else info.title


def fact_answer(library: Any, info: Any, question: str) -> Fact | None:
    """An answer from the document's metadata and references when the question asks for one of them."""
    folded = _fold_question(question)
    stored = library.document(info.doc_id)
    if stored is None or not stored.passages:
        return None
    meta = stored.metadata
    if _SIGNER.search(folded) and meta.signer:
        where = _find(stored, meta.signer) or (0, 0, 0)
        capacity = f" ({meta.signer_capacity})" if meta.signer_capacity else ""
        return Fact(f"{_name(info)} do đồng chí {meta.signer} ký{capacity}.",
                    document_hit(stored, where[0]), where[1:])
    if _ISSUED.search(folded) and info.date:
        when = format_date(info.date)
        m = re.search(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", stored.passages[0].text)
        return Fact(f"{_name(info)} được ban hành {when}.", document_hit(stored, 0), m.span() if m else (0, 0))
    if _ISSUER.search(folded) and info.issuer:
        where = _find(stored, info.number) if info.number else None
        return Fact(f"{_name(info)} do {info.issuer} ban hành.", document_hit(stored, where[0] if where else 0),
                    where[1:] if where else (0, 0))
    for relation, (asks, printed) in _RELATIONS.items():
        if asks.search(folded):
            return _related(stored, info, printed)
    return None


def _related(stored: Any, info: Any, printed: tuple[str, ...]) -> Fact | None:
    """The documents this one cites right after one of the `printed` words ("Căn cứ", "Thực hiện")."""
    own = normalize_doc_number(info.number or "")
    found, first = [], None
    for ref in stored.references:
        if not ref.number or normalize_doc_number(ref.number) == own:
            continue  # a document never cites itself
        before = fold_diacritics(stored.text[max(0, ref.start - 60):ref.start]).lower()
        before = re.split(r"[.;\n]", before)[-1]
        if not any(w in before for w in printed) or ref.number in [r.number for r in found]:
            continue
        found.append(ref)
        first = first or ref
    if not found:
        return None
    names = [" ".join(x for x in (r.doc_type, "số", r.number, format_date(r.date),
                                  f"của {r.issuer}" if r.issuer else "") if x) for r in found]
    verb = {"thay the": "thay thế"}.get(printed[0], "căn cứ" if printed[0] == "can cu" else "thực hiện")
    p = next((p for p in stored.passages if p.start <= first.start < p.end), stored.passages[0])
    span = (max(0, first.start - p.start), max(0, first.end - p.start))
    return Fact(f"{_name(info)} {verb} {'; '.join(names)}.", document_hit(stored, p.ordinal), span)
