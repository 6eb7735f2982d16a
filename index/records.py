"""Records the index hands to the CLI, the service and the UI (DocumentHeader comes from ingest)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import DocumentHeader, HeaderFields, Metadata, Passage, Reference


@dataclass(frozen=True)
class SearchFilters:
    doc_types: tuple[str, ...] = ()  # any of these Metadata.doc_type values; () = all
    issuer: str = ""  # case/diacritic-insensitive substring of the issuer
    date_from: str = ""  # ISO, inclusive
    date_to: str = ""  # ISO, inclusive
    number: str = ""  # document number in any variant ("50-CT/TW", "50/CT-TW")
    topics: tuple[str, ...] = ()  # passages carrying any of these topic keys (index/topics.py); () = all


@dataclass(frozen=True)
class PassageRow:
    """One stored passage, as the store reads it back by passage id."""

    pid: int
    doc_id: str
    ordinal: int  # position in its document
    heading_path: tuple[str, ...]
    pages: tuple[int, ...]
    start: int  # char offsets in the document text
    end: int
    text: str
    scanned: bool = False  # read by OCR from a scanned page


@dataclass(frozen=True)
class SearchHit(HeaderFields):
    doc_id: str
    ordinal: int  # passage position in its document
    header: DocumentHeader  # hit.title, hit.number, ... read through it
    heading_path: tuple[str, ...]
    pages: tuple[int, ...]
    text: str
    score: float
    start: int  # char offsets of the passage in the document text
    end: int
    # read by OCR from a scanned page: citations say "(bản quét)". Keyword-only, so records that
    # extend a hit with fields of their own (answers' Citation) need not give them defaults.
    scanned: bool = field(default=False, kw_only=True)
    # doc_ids of other documents holding this passage word for word (index/twins.py), not shown
    # as hits of their own: "cũng có trong …"
    also_in: tuple[str, ...] = field(default=(), kw_only=True)

    def to_json(self) -> dict:
        return {
            "doc_id": self.doc_id, "title": self.title, "doc_type": self.doc_type,
            "number": self.number, "issuer": self.issuer, "date": self.date,
            "heading_path": list(self.heading_path), "pages": list(self.pages),
            "text": self.text, "score": round(float(self.score), 6),
            "ordinal": self.ordinal, "start": self.start, "end": self.end, "scanned": self.scanned,
            "also_in": list(self.also_in),
        }


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # "added" | "updated" | "unchanged" | "failed" | "removed"
    doc_id: str = ""
    reason: str = ""  # Vietnamese reason when failed
    note: str = ""  # for a file that was read: what the user should know (damaged pages skipped, OCR)
    passages: int = 0  # passages indexed from this file (added or updated)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


@dataclass(frozen=True)
class DocumentInfo(HeaderFields):
    """What the document list shows: metadata of one indexed document."""

    doc_id: str
    header: DocumentHeader  # info.title, info.number, ... read through it
    source_path: str
    source_format: str
    n_passages: int
    ingested_at: str  # ISO timestamp (UTC)


@dataclass(frozen=True)
class StoredDocument:
    """One document as stored: metadata + full normalised text + passages + references."""

    info: DocumentInfo
    text: str
    passages: tuple[Passage, ...]
    references: tuple[Reference, ...]
    metadata: Metadata
    content_hash: str = ""
    page_starts: tuple[int, ...] = ()


@dataclass
class PublishedChanges:
    """What one commit changed: the documents added, replaced, corrected or removed, and the passage
    ids deleted with them (the Library patches its in-memory maps from this)."""

    docs: set[str] = field(default_factory=set)
    gone_pids: list[int] = field(default_factory=list)
