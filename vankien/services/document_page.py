"""One document as a legal portal shows it: its properties, a table of contents from the section
paths, the text in display segments (tables as rows of cells), the documents it is related to,
and the original file. Records only; the HTML is made in vankien/ui/document_view.py.

PDF text keeps the line breaks of the printed page ("Chỉ\\nthị\\n45"): for display they are joined
by `join_hard_breaks`, which keeps the text's length, so every stored offset (passages, the query's
marks) still points at the same characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vankien.answers import links as links_mod
from vankien.answers.citation import format_citation, format_date
from vntext.normalize import fold_lower, normalize_query
from vntext.text import shorten

if TYPE_CHECKING:
    from index.library import Library

TITLE_CHARS = 161
REL_REPLACES = "thay thế"
REL_REPLACED_BY = "bị thay thế bởi"
_REPLACE_WORDS = re.compile(r"\b(thay the|bai bo|het hieu luc)\b")
# A line that starts a new item, heading or signature line rather than continuing the last one.
_NEW_LINE = re.compile(r"^\s*([-+•*–—]|\d+(\.\d+)*[.)]\s|[IVXLC]+\.\s|[a-zđ]\)\s|(Điều|Chương|Mục|Phần)\s)")
_SENTENCE_END = re.compile(r"[.:;!?…)\]”\"]\s*$")


@dataclass(frozen=True)
class TocEntry:
    label: str
    level: int  # 1 = top section
    ordinal: int  # the first passage of the section (anchor vk-p-<ordinal>)


@dataclass(frozen=True)
class Related:
    relation: str  # "căn cứ", "thay thế", "bị thay thế bởi", "được triển khai trong", "được nhắc đến trong"
    label: str  # the reference as printed, or the other document's title
    doc_id: str = ""  # the other document when it is in the index ("" = not indexed)
    context: str = ""


@dataclass(frozen=True)
class DocumentPage:
    doc_id: str
    title: str
    citation: str  # of the chosen passage (with its section), or of the document
    properties: tuple[tuple[str, str], ...] = ()  # (label, value), only the fields known
    toc: tuple[TocEntry, ...] = ()
    text: str = ""  # for display: PDF hard line breaks joined, same length as the stored text
    anchors: tuple[tuple[int, int], ...] = ()  # (offset, passage ordinal), in text order
    passage: tuple[int, int] | None = None  # the chosen passage's span in `text`
    ordinal: int | None = None
    query: str = ""
    related: tuple[Related, ...] = ()
    original: str = ""  # path of the original file when it is still on disk
    found: bool = True
    message: str = ""


def join_hard_breaks(text: str) -> str:
    """A PDF line's break becomes a space where the next line continues the sentence; blank lines,
    list items, headings and lines after a full stop keep theirs. Same length as `text`."""
    out = list(text)
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)  # `pos` is the "\n" after this line
        nxt = lines[i + 1]
        if _continues(line, nxt):
            out[pos] = " "
        pos += 1
    return "".join(out)


def _continues(line: str, nxt: str) -> bool:
    """Whether `nxt` goes on with the sentence `line` was cut in by the page's width."""
    line, nxt = line.strip(), nxt.strip()
    if not line or not nxt or " | " in line + nxt or _NEW_LINE.match(nxt) or not any(c.isalnum() for c in line):
        return False
    first = nxt[:1]
    if first.islower():
        return True
    if _SENTENCE_END.search(line) or (line.isupper() and nxt.isupper()):  # a header block's lines
        return False
    # a name or number carried over ("Chỉ thị\n45-CT/TW"), or a long line that reached the margin
    return first.isdigit() or len(line) >= 60


def table_of_contents(passages) -> tuple[TocEntry, ...]:
    """Each section path's headings, at the first passage under them, in document order."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for p in sorted(passages, key=lambda p: p.ordinal):
        if getattr(p, "role", "content") != "content":
            continue
        path = tuple(p.heading_path)
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in seen:
                seen.add(prefix)
                out.append(TocEntry(" ".join(prefix[-1].split()), depth, p.ordinal))
    return tuple(out)


def related_documents(doc_links: links_mod.DocumentLinks | None, titles: dict[str, str]) -> tuple[Related, ...]:
    """Căn cứ / thay thế first, then what implements, replaces or mentions this document."""
    if doc_links is None:
        return ()
    out = []
    for x in doc_links.cites:
        replaces = bool(_REPLACE_WORDS.search(fold_lower(x.context)))
        printed = " ".join(p for p in (x.doc_type, x.number, format_date(x.date)) if p)
        label = titles.get(x.target_id, printed) if x.target_id else printed
        out.append(Related(REL_REPLACES if replaces else links_mod.REL_CITES, label, x.target_id, x.context))
    for x in doc_links.cited_by:
        replaced = bool(_REPLACE_WORDS.search(fold_lower(x.context)))
        out.append(Related(REL_REPLACED_BY if replaced else x.relation, titles.get(x.source_id, x.source_id),
                           x.source_id, x.context))
    return tuple(out)


def document_page(library: Library, doc_id: str, ordinal: int | None = None, query: str = "",
                  graph: links_mod.LinkGraph | None = None) -> DocumentPage:
    doc = library.document(doc_id) if doc_id else None
    if doc is None:
        return DocumentPage(doc_id=doc_id or "", title="", citation="", found=False,
                            message="Không tìm thấy văn bản này; có thể nó vừa được gỡ khỏi chỉ mục.")
    meta = doc.metadata
    passage = next((p for p in doc.passages if p.ordinal == ordinal), None) if ordinal is not None else None
    citation = format_citation(meta.header)
    if passage is not None:
        citation = format_citation(meta.header, passage.heading_path, passage.pages, passage.scanned) or citation
    text = doc.text or ""
    if doc.info.source_format == "pdf":
        text = join_hard_breaks(text)
    source = Path(doc.info.source_path) if doc.info.source_path else None
    signer = " ".join(x for x in (meta.signer_capacity, meta.signer) if x)
    properties = tuple((label, value) for label, value in (
        ("Số hiệu", meta.number), ("Loại văn bản", meta.doc_type), ("Cơ quan ban hành", meta.issuer),
        ("Ngày ban hành", format_date(meta.date).removeprefix("ngày ") if meta.date else ""),
        ("Người ký", signer), ("Trích yếu", meta.subject)) if value)
    related = ()
    if graph is not None:
        related = related_documents(graph.for_document(doc_id), graph.titles())
    anchors = tuple(sorted({p.start: p.ordinal for p in sorted(doc.passages, key=lambda p: -p.ordinal)}.items()))
    return DocumentPage(
        doc_id=doc_id, title=shorten(meta.title or citation or doc_id, TITLE_CHARS), citation=citation,
        properties=properties, toc=table_of_contents(doc.passages), text=text, anchors=anchors,
        passage=(passage.start, passage.end) if passage is not None else None,
        ordinal=passage.ordinal if passage is not None else None, query=normalize_query(query or ""),
        related=related, original=str(source) if source is not None and source.is_file() else "",
    )


def share_query(doc_id: str, ordinal: int | None = None) -> str:
    """The part of the address that opens the app at this document (and passage): "?doc=…&p=…"."""
    from urllib.parse import urlencode

    params = {"doc": doc_id} | ({"p": str(ordinal)} if ordinal is not None else {})
    return "?" + urlencode(params)
