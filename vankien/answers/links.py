"""Links between documents, from the references extracted at ingestion.

A reference ("Chỉ thị số 45-CT/TW, ngày 12/5/2024 của Ban Bí thư") resolves to an indexed document
only when their canonical numbers are equal (vntext/docnumber.py normalize_doc_number) and the
type it names is the document's (vntext/docname.py: "Quy định số 294-QĐ/TW" is a Quy định, the
code "QĐ" alone would read Quyết định); two documents whose numbers differ are never linked, and a
document never cites itself. When several indexed documents share the number
(the same "08-KH/ĐU" issued by two party committees, or in two years), the reference's date and
then its issuer pick one; when neither does, the reference stays unresolved rather than guessed.
A single candidate whose full date contradicts the reference's is not linked either.

For one document: what it cites (căn cứ) and what cites it (được triển khai in / được nhắc đến
trong). For editors, "Đã đưa tin chưa?": the bulletins and news reports that cite a directive and
are dated on or after it, and apart from them those that may be related (same topic), by date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from index.records import DocumentInfo
from ingest.records import Reference
from vankien.answers.citation import is_news
from vntext.docname import TYPE_WORDS, DocName, name_of, parse_name, parse_names
from vntext.docnumber import normalize_doc_number
from vntext.normalize import fold_lower, normalize_query

if TYPE_CHECKING:
    from index.library import Library

# Words just before a reference that say the citing document implements the cited one.
_IMPLEMENTS = re.compile(r"(thuc hien|trien khai|can cu|quan triet|cu the hoa|theo tinh than)\W*"
                         r"(\w+\W+){0,6}$")
_IMPLEMENTING_TYPES = ("ke hoach", "huong dan", "chuong trinh", "de an", "quy dinh", "quy che",
                       "cong van", "thong bao", "nghi quyet", "ket luan", "chi thi", "quyet dinh")

REL_CITES = "căn cứ"
REL_IMPLEMENTED = "được triển khai trong"
REL_MENTIONED = "được nhắc đến trong"


def is_news_doc(doc: DocumentInfo) -> bool:
    """A bulletin or news report: by its type, or, when ingestion read no type or one that is not
    a Party or state document's, by its title or file name ("ban-tin-sinh-hoat-chi-bo-so-9-2024", "tin-hoi-nghi-...")."""
    if doc.doc_type and is_news(doc.doc_type):
        return True
    if doc.doc_type in TYPE_WORDS.values():
        return False  # a Party or state document type, whatever its title says
    name = fold_lower(doc.title) + " " + fold_lower(doc.doc_id).replace("-", " ")
    return bool(re.search(r"\b(ban tin|tin bai|tin tuc|bai viet)\b|^tin\b|\d tin\b", name))


@dataclass(frozen=True)
class Link:
    source_id: str  # the citing document
    target_id: str  # the cited document ("" when not indexed)
    doc_type: str  # of the reference as printed
    number: str  # canonical
    date: str
    issuer: str
    start: int  # span of the reference in the citing document's text
    end: int
    relation: str  # REL_IMPLEMENTED or REL_MENTIONED, from the citing side
    context: str  # the sentence around the reference


@dataclass(frozen=True)
class DocumentLinks:
    doc: DocumentInfo
    cites: tuple[Link, ...]  # this document's references, resolved (target_id) or not ("")
    cited_by: tuple[Link, ...]  # references in other documents that resolve to this one

    def to_json(self, titles: dict[str, str] | None = None) -> dict:
        titles = titles or {}

        def one(link: Link, other: str) -> dict:
            return {"doc_id": other, "title": titles.get(other, ""), "reference":
                    " ".join(x for x in (link.doc_type, link.number) if x),
                    "date": link.date, "issuer": link.issuer, "relation": link.relation,
                    "context": link.context}

        return {"doc_id": self.doc.doc_id, "title": self.doc.title, "number": self.doc.number,
                "cites": [one(x, x.target_id) for x in self.cites],
                "cited_by": [one(x, x.source_id) for x in self.cited_by]}


def _year(date: str) -> str:
    return (date or "")[:4]


def _issuer_match(a: str, b: str) -> bool:
    a, b = fold_lower(a), fold_lower(b)
    return bool(a and b and (a in b or b in a))


def resolve(ref: Reference, docs: Sequence[DocumentInfo], citing_id: str = "") -> DocumentInfo | None:
    """The indexed document a reference names, or None. Numbers must be equal in canonical form and
    the type the reference names (vntext.docname: its words, unless they contradict the code) must
    be the document's; date (exact, then year) and issuer only choose among documents sharing it."""
    name = name_of(ref.doc_type or "", ref.number or "")
    if name is None:
        return None
    # a document whose type was not read is not guessed to be the one meant
    same = [d for d in docs if d.doc_id != citing_id and d.number and d.doc_type and not is_news_doc(d)
            and name.matches(d.doc_type, d.number)]
    if ref.date and len(ref.date) == 10:  # a full date that contradicts rules a document out
        same = [d for d in same if not d.date or len(d.date) < 10 or d.date == ref.date]
    if len(same) <= 1:
        return same[0] if same else None
    for narrow in (
        lambda d: ref.date and d.date == ref.date,
        lambda d: ref.date and _year(d.date) == _year(ref.date),
        lambda d: _issuer_match(ref.issuer, d.issuer),
    ):
        picked = [d for d in same if narrow(d)]
        if len(picked) == 1:
            return picked[0]
        if picked:
            same = picked
    return None


def reference_type(ref: Reference) -> str:
    """The type a reference names: the words read around it, unless they name a type never printed
    with its number's code (they then belong to a neighbouring reference); the code alone otherwise."""
    name = name_of(ref.doc_type or "", ref.number or "")
    return name.doc_type if name else (ref.doc_type or "")


def _sentence_around(text: str, start: int, end: int, width: int = 220) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), start - width)
    right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates + [end + width, len(text)])
    return " ".join(text[left + 1:right + 1].split())


def relation_of(citing: DocumentInfo, text: str, start: int) -> str:
    """Does the citing document implement the reference, or only mention it?"""
    if is_news_doc(citing):
        return REL_MENTIONED
    before = fold_lower(text[max(0, start - 120):start])
    if _IMPLEMENTS.search(before) and any(t in fold_lower(citing.doc_type) for t in _IMPLEMENTING_TYPES):
        return REL_IMPLEMENTED
    return REL_MENTIONED


class LinkGraph:
    """Every stored reference resolved once; build with LinkGraph.build(library)."""

    def __init__(self, docs: Sequence[DocumentInfo], links: Sequence[Link]):
        self.docs = {d.doc_id: d for d in docs}
        self.links = list(links)

    @classmethod
    def build(cls, library: Library) -> "LinkGraph":
        docs = list(library.documents())
        links: list[Link] = []
        for info in docs:
            stored = library.document(info.doc_id)
            if stored is None:
                continue
            links += links_of(info, stored.text, stored.references, docs)
        return cls(docs, links)

    def for_document(self, doc_id: str) -> DocumentLinks | None:
        doc = self.docs.get(doc_id)
        if doc is None:
            return None
        cites = tuple(x for x in self.links if x.source_id == doc_id)
        cited_by = tuple(sorted((x for x in self.links if x.target_id == doc_id),
                                key=lambda x: (self.docs[x.source_id].date or "", x.source_id)))
        return DocumentLinks(doc, _dedupe(cites, "target"), _dedupe(cited_by, "source"))

    def titles(self) -> dict[str, str]:
        return {d.doc_id: d.title for d in self.docs.values()}


def links_of(info: DocumentInfo, text: str, references: Iterable[Reference],
             docs: Sequence[DocumentInfo]) -> list[Link]:
    out = []
    own = normalize_doc_number(getattr(info, "number", "") or "")
    for ref in references:
        if own and normalize_doc_number(ref.number or "") == own:
            continue  # a document never cites itself (its own number in its header or body)
        target = resolve(ref, docs, citing_id=info.doc_id)
        out.append(Link(info.doc_id, target.doc_id if target else "", reference_type(ref),
                        normalize_doc_number(ref.number or "") or ref.number, ref.date, ref.issuer,
                        ref.start, ref.end, relation_of(info, text, ref.start),
                        _sentence_around(text, ref.start, ref.end)))
    return out


def _dedupe(links: Iterable[Link], side: str) -> tuple[Link, ...]:
    """One link per other document (unresolved ones: per number); an implementing mention wins."""
    best: dict[str, Link] = {}
    for link in links:
        key = (link.target_id or "?" + link.number) if side == "target" else link.source_id
        if key not in best or (best[key].relation != REL_IMPLEMENTED and link.relation == REL_IMPLEMENTED):
            best[key] = link
    return tuple(best.values())


def find_document(library: Library, query: str) -> DocumentInfo | None:
    """A document by id, by name ("chỉ thị 45", "50/CT-TW", "quy dinh 3": vntext.docname) or by a
    unique piece of its title. Several documents of one name: the newest."""
    query = normalize_query(query or "")
    if not query:
        return None
    docs = list(library.documents())
    for d in docs:
        if d.doc_id == query:
            return d
    name = parse_name(query)
    if name is not None:
        same = [d for d in docs if d.number and not is_news_doc(d) and name.matches(d.doc_type, d.number)]
        if same:
            return sorted(same, key=lambda d: d.date or "", reverse=True)[0]
    folded = fold_lower(query)
    titled = [d for d in docs if folded in fold_lower(d.title)]
    return titled[0] if len(titled) == 1 else None


# ---------------------------------------------------------------- "Đã đưa tin chưa?"


COVERED_BY_NUMBER = "nêu số hiệu"
COVERED_BY_NAME = "nêu tên"
RELATED = "có thể liên quan"


@dataclass(frozen=True)
class Coverage:
    doc_id: str
    title: str
    doc_type: str
    date: str
    how: str  # COVERED_BY_NUMBER, COVERED_BY_NAME, or RELATED (a search match on the topic)
    context: str

    @property
    def covered(self) -> bool:
        """It cites the document: "Đã đưa tin". A RELATED item only shares the topic."""
        return self.how != RELATED


def _citation_in(stored: Any, target: Any, name: DocName, docs: Sequence[Any]) -> tuple[str, tuple[int, int]] | None:
    """Where a news item cites the target: a stored reference or a number in its text (by number),
    or a bare name ("Kết luận 112") that names no other indexed document (by name)."""
    canonical = normalize_doc_number(target.number) if target is not None else name.canonical
    for r in stored.references:
        if canonical and normalize_doc_number(r.number or "") == canonical:
            return COVERED_BY_NUMBER, (r.start, r.end)
    for found in parse_names(stored.text):
        if found.canonical:
            if canonical and found.canonical == canonical:
                return COVERED_BY_NUMBER, (found.start, found.end)
        elif target is not None and found.matches(target.doc_type, target.number):
            others = [d for d in docs if d.doc_id != target.doc_id and d.number and not is_news_doc(d)
                      and found.matches(d.doc_type, d.number)]
            if not others:  # unambiguous
                return COVERED_BY_NAME, (found.start, found.end)
    return None


def names_a_document(label: str) -> bool:
    """Whether a coverage label is a document (its number or name) rather than a topic."""
    return parse_name(label) is not None


def coverage(library: Library, target: str, k: int = 40) -> tuple[str, list[Coverage]]:
    """The bulletins and news reports that covered a document or a topic, oldest first.

    Returns (what was looked for, items). A document (named in any form: "Kết luận 112", "45/CT-TW")
    is covered by the news items that cite it (a stored reference, its number, or an unambiguous
    name in their text) dated on or after it: those are "Đã đưa tin" (Coverage.covered). Items
    found by searching its subject, or a topic, are listed apart as RELATED; nothing dated before
    the document is listed, since it cannot be about it."""
    target = normalize_query(target or "")
    if not target:
        raise ValueError("Hãy nhập số hiệu văn bản (ví dụ 45-CT/TW) hoặc một chủ đề")
    docs = list(library.documents())
    news = [d for d in docs if is_news_doc(d)]
    news_ids = {d.doc_id for d in news}
    name = parse_name(target)
    document = find_document(library, target) if name is not None else None
    if document is not None and name is None:
        name = name_of(document.doc_type, document.number)
    found: dict[str, Coverage] = {}
    label, topic, since = target, target, ""
    if name is not None:
        label = document.number if document is not None and document.number else name.label
        topic = document.title if document is not None else ""
        since = document.date if document is not None else ""
        for d in news:
            stored = library.document(d.doc_id)
            cited = _citation_in(stored, document, name, docs) if stored is not None else None
            if cited is None or (since and d.date and d.date < since):
                continue
            how, (s, e) = cited
            found[d.doc_id] = Coverage(d.doc_id, d.title, d.doc_type, d.date, how, _sentence_around(stored.text, s, e))
    if topic and news:
        for hit in library.search(topic, k=k if name is None else min(k, 10)):
            if hit.doc_id in found or hit.doc_id not in news_ids or (since and hit.date and hit.date < since):
                continue
            text = " ".join(hit.text.split())
            found[hit.doc_id] = Coverage(hit.doc_id, hit.title, hit.doc_type, hit.date, RELATED,
                                         text[:300] + ("…" if len(text) > 300 else ""))
    items = sorted(found.values(), key=lambda c: (not c.covered, c.date or "9999", c.doc_id))
    return label, items
