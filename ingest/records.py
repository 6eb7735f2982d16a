"""Named records that flow from ingestion to the index and the UI.

Frozen dataclasses, never bare dicts: every passage carries what a citation needs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class DocumentHeader:
    """What names a document in a citation: type, number, date, issuer and display title. One
    record, shared by metadata, stored documents, search hits, citations, packs and links."""

    doc_type: str = ""  # "Kế hoạch", "Chỉ thị", ...; "Tin bài" for news
    number: str = ""  # normalised number/symbol, e.g. "95-KH/TU"
    date: str = ""  # ISO "2023-04-28"
    issuer: str = ""  # "Tỉnh ủy Tiền Giang"
    title: str = ""


class HeaderFields:
    """The header's fields read through a record that has a `header` (record.title, record.number)."""

    header: DocumentHeader

    @property
    def doc_type(self) -> str:
        return self.header.doc_type

    @property
    def number(self) -> str:
        return self.header.number

    @property
    def date(self) -> str:
        return self.header.date

    @property
    def issuer(self) -> str:
        return self.header.issuer

    @property
    def title(self) -> str:
        return self.header.title


@dataclass(frozen=True)
class Metadata:
    """Fields read from the document's own header/footer; empty string = not in the text."""

    doc_type: str = ""  # "Kế hoạch", "Hướng dẫn", "Chỉ thị", ... (title case); "Tin bài" for news
    number: str = ""  # normalised number/symbol, e.g. "95-KH/TU"
    issuer: str = ""  # as printed, title case: "Tỉnh ủy Tiền Giang"
    place: str = ""  # "Tiền Giang"
    date: str = ""  # ISO "2023-04-28"
    subject: str = ""  # trích yếu
    title: str = ""  # display title: "Kế hoạch 95-KH/TU: Tổng kết 35 năm ..." or a news headline
    signer: str = ""
    signer_capacity: str = ""  # "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ"
    author: str = ""  # news/bulletin author where present

    @property
    def header(self) -> DocumentHeader:
        return DocumentHeader(self.doc_type, self.number, self.date, self.issuer, self.title)


@dataclass(frozen=True)
class Reference:
    """A document cited in the body: "Chỉ thị số 50-CT/TW, ngày 23/7/2025 của Ban Bí thư"."""

    doc_type: str  # "Chỉ thị"
    number: str  # normalised "50-CT/TW"
    date: str  # ISO or ""
    issuer: str  # "Ban Bí thư" or ""
    start: int  # char span in the normalised document text
    end: int


@dataclass(frozen=True)
class Passage:
    doc_id: str
    ordinal: int  # 0-based position in the document
    heading_path: tuple[str, ...]  # ("II. NỘI DUNG", "1. Nội dung tổng kết")
    pages: tuple[int, ...]  # 1-based PDF pages; () for formats without pages
    start: int  # char offsets into ParsedDocument.text
    end: int
    text: str  # == ParsedDocument.text[start:end]
    role: str = "content"  # or header, signature, recipients, chrome (ingest/roles.py)
    scanned: bool = False  # read by OCR from a scanned page: citations say "(bản quét)"

    @property
    def passage_id(self) -> str:
        return f"{self.doc_id}#{self.ordinal}"

    @property
    def section(self) -> str:
        return " > ".join(self.heading_path)


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str  # stable id: file stem slug; the Library adds a path hash when another file holds it
    source_path: str
    source_format: str  # "pdf" | "docx" | "doc" | "rtf" | "text" | "markdown" | "html"
    content_hash: str  # sha256 of the file bytes
    text: str  # normalised full text
    page_starts: tuple[int, ...]  # char offset where each PDF page starts in text; () otherwise
    metadata: Metadata
    references: tuple[Reference, ...]
    passages: tuple[Passage, ...]
    notes: tuple[str, ...] = ()  # for the user, not indexed: "PDF bị hỏng: đọc được trang 1–3 ...", OCR'd pages

    def to_json(self) -> dict:
        return asdict(self)

    def with_doc_id(self, doc_id: str) -> "ParsedDocument":
        """The same document under another id (its passages too)."""
        return replace(self, doc_id=doc_id, passages=tuple(replace(p, doc_id=doc_id) for p in self.passages))


class IngestError(Exception):
    """A file that cannot be ingested: reported by name with a Vietnamese reason, the batch goes on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):  # crosses process boundaries (parse workers, a cluster) by its two fields
        return (type(self), (self.path, self.reason))


@dataclass(frozen=True)
class Extracted:
    """Text as extracted, before metadata: `text` is normalised when `normalized` is True (PDF)."""

    source_format: str  # "pdf" | "docx" | "doc" | "rtf" | "text" | "markdown" | "html"
    text: str
    page_starts: tuple[int, ...] = ()
    normalized: bool = False
    hints: dict = field(default_factory=dict)  # title/date/author read from HTML markup
    scanned_pages: tuple[int, ...] = ()  # 1-based pages whose text came from OCR
    notes: tuple[str, ...] = ()  # what the reader should know: damaged pages skipped, pages OCR'd...
