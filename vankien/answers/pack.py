"""Thematic-meeting pack (Chuẩn bị sinh hoạt chuyên đề): passages on a theme, grouped by document,
picked and ordered by the secretary, exported as a DOCX handout and as Markdown.

    pack = build_pack(library, "nâng cao chất lượng sinh hoạt chi bộ", k=30)
    handout = make_handout(pack, keep=[item.key for item in pack.items()][:5], note="...")
    export_markdown(handout)   # the printable DOCX/PDF: vankien.answers.handout_docx

Groups come central documents first (issuer "Trung ương", "Ban Bí thư", "Bộ Chính trị", or a number
ending "/TW"), then local ones, newest first within each. Every passage in the handout carries its
full citation (type, number, date, issuer, section, page) and the handout ends with the list of
sources ("Tài liệu tham khảo").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from index.records import SearchHit
from ingest.records import DocumentHeader, HeaderFields
from vankien.answers.citation import format_citation
from vntext.normalize import fold_lower, normalize_query

if TYPE_CHECKING:
    from index.library import Library

DEFAULT_TITLE = "TÀI LIỆU SINH HOẠT CHUYÊN ĐỀ"
_CENTRAL_ISSUERS = ("trung uong", "ban bi thu", "bo chinh tri")
# Lines that are layout, not content: the "*" under an issuer, "-----" rules.
_ORNAMENT = re.compile(r"^[\s*\-–—_=.·•]*$")


@dataclass(frozen=True)
class PackItem(SearchHit):
    """A search hit taken into a pack: the same record, plus its key and citation lines."""

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.ordinal}"

    @property
    def citation(self) -> str:
        return format_citation(self.header, self.heading_path, self.pages, self.scanned)

    @property
    def source(self) -> str:
        """The document alone (no section/page), for the source list."""
        return document_citation(self.header)


@dataclass(frozen=True)
class PackGroup(HeaderFields):
    doc_id: str
    header: DocumentHeader
    central: bool
    items: tuple[PackItem, ...]

    @property
    def source(self) -> str:
        return document_citation(self.header)


@dataclass(frozen=True)
class Pack:
    theme: str
    groups: tuple[PackGroup, ...]

    def items(self) -> list[PackItem]:
        return [item for g in self.groups for item in g.items]

    def item(self, key: str) -> PackItem | None:
        return next((i for i in self.items() if i.key == key), None)


@dataclass(frozen=True)
class Handout:
    theme: str
    items: tuple[PackItem, ...]  # in the chosen order
    note: str = ""
    title: str = DEFAULT_TITLE

    def sources(self) -> list[PackItem]:
        """One item per document, in order of first appearance."""
        seen: dict[str, PackItem] = {}
        for item in self.items:
            seen.setdefault(item.doc_id, item)
        return list(seen.values())


def document_citation(header: DocumentHeader) -> str:
    number, title = header.number, header.title
    line = format_citation(header)
    # A numbered document's citation does not name its subject: add the title when it says more.
    if number and title and number not in title and title not in line:
        line = f"{line}: {title}" if line else title
    elif number and title and number in title and ":" in title:
        line = f"{line}: {title.split(':', 1)[1].strip()}"
    return line


def is_central(issuer: str, number: str) -> bool:
    """A document of the Party centre: issuer names the Central Committee, the Secretariat or the
    Politburo, or its number ends in "/TW"."""
    folded = fold_lower(issuer)
    if any(name in folded for name in _CENTRAL_ISSUERS):
        return True
    return bool(re.search(r"/TW$", (number or "").strip().upper()))


def group_hits(theme: str, hits: Iterable[SearchHit]) -> Pack:
    """Group passages by document; central documents first, newest first within each kind;
    passages in document order within a group."""
    by_doc: dict[str, list[SearchHit]] = {}
    for hit in hits:
        bucket = by_doc.setdefault(hit.doc_id, [])
        if all(h.ordinal != hit.ordinal for h in bucket):
            bucket.append(hit)
    groups = []
    for doc_id, bucket in by_doc.items():
        first = bucket[0]
        items = tuple(
            PackItem(**{f.name: getattr(h, f.name) for f in fields(SearchHit)})
            for h in sorted(bucket, key=lambda h: h.ordinal))
        groups.append(PackGroup(doc_id, first.header, is_central(first.issuer, first.number), items))
    groups.sort(key=lambda g: g.doc_id)
    groups.sort(key=lambda g: g.date or "", reverse=True)
    groups.sort(key=lambda g: not g.central)
    return Pack(theme=theme, groups=tuple(groups))


def build_pack(library: Library, theme: str, k: int = 30) -> Pack:
    """Candidate passages on `theme` (the k best), grouped by document."""
    theme = normalize_query(theme or "")
    if not theme:
        raise ValueError("Hãy nhập chủ đề sinh hoạt chuyên đề, ví dụ: nâng cao chất lượng sinh hoạt chi bộ")
    return group_hits(theme, library.search(theme, k=max(1, k)))


def make_handout(pack: Pack, keep: Sequence[str] | None = None, note: str = "",
                 title: str = "") -> Handout:
    """The chosen passages (by key, in the given order; unknown keys skipped), or all of them."""
    if keep is None:
        items = pack.items()
    else:
        index = {i.key: i for i in pack.items()}
        items = [index[key] for key in dict.fromkeys(keep) if key in index]
    items = [items[0], *(_without_overlap(prev, item) for prev, item in zip(items, items[1:]))] if items else []
    return Handout(theme=pack.theme, items=tuple(items), note=(note or "").strip(),
                   title=(title or "").strip() or DEFAULT_TITLE)


def _without_overlap(prev: PackItem, item: PackItem) -> PackItem:
    """Passages overlap by a sentence or so (chunking keeps context); when two neighbours of one
    document follow each other in the handout, the shared words are printed once."""
    shared = prev.end - item.start
    if item.doc_id != prev.doc_id or not 0 < shared < len(item.text) or not prev.start < item.start:
        return item
    if item.text[:shared] != prev.text[-shared:]:
        return item
    return replace(item, text=item.text[shared:].lstrip())


# ---------------------------------------------------------------- export


def excerpt_lines(text: str) -> list[str]:
    """The excerpt's lines without layout ornaments ("*", "-----") or blank lines."""
    return [ln.strip() for ln in text.strip().split("\n") if ln.strip() and not _ORNAMENT.match(ln)]


def export_markdown(handout: Handout) -> str:
    lines = [f"# {handout.title}", "", f"**Chuyên đề:** {handout.theme}", ""]
    if handout.note:
        lines += ["**Ghi chú:** " + handout.note.replace("\n", "  \n"), ""]
    for n, item in enumerate(handout.items, 1):
        lines += [f"### {n}. {item.citation}", ""]
        lines += ["> " + _md_text(ln) for ln in excerpt_lines(item.text)]
        lines.append("")
    lines += ["## Tài liệu tham khảo", ""]
    lines += [f"{n}. {item.source}" for n, item in enumerate(handout.sources(), 1)]
    return "\n".join(lines).rstrip() + "\n"


def _md_text(line: str) -> str:
    """Passage text shown as text: no raw HTML reaches a Markdown renderer."""
    return line.replace("\\", "\\\\").replace("<", "\\<")


def pack_to_json(pack: Pack) -> dict:
    return {"theme": pack.theme, "groups": [
        {"doc_id": g.doc_id, "title": g.title, "doc_type": g.doc_type, "number": g.number,
         "issuer": g.issuer, "date": g.date, "central": g.central, "source": g.source,
         "items": [{"key": i.key, "ordinal": i.ordinal, "citation": i.citation, "text": i.text,
                    "score": round(i.score, 6)} for i in g.items]}
        for g in pack.groups]}

