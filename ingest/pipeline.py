"""File or text in, ParsedDocument out: extract -> normalise -> metadata -> references -> passages
(with their roles: content or boilerplate, ingest/roles.py)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ingest.chunking import DEFAULT_MAX_TOKENS, DEFAULT_MIN_TOKENS, DEFAULT_OVERLAP_SENTENCES, chunk_document
from ingest.formats import DEFAULT_MAX_BYTES, extract
from ingest.limits import Limits, check_before_extract, check_passages, check_text_size
from ingest.metadata import extract_metadata
from vntext.normalize import fold_diacritics, normalize_text
from ingest.records import IngestError, Metadata, ParsedDocument
from ingest.references import find_references
from ingest.roles import assign_roles


def slugify(name: str) -> str:
    """ASCII, lower-case id from a file stem: "Nghị định 168-2024-NĐ-CP" -> "nghi_dinh_168-2024-nd-cp"."""
    folded = fold_diacritics(normalize_text(name)).lower()
    slug = re.sub(r"[^a-z0-9._-]+", "_", folded).strip("_.-")
    return slug or "tai_lieu"


def file_sha256(path: Path) -> str:
    """Content hash of a file, read in blocks (bounded memory on large files)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _assemble(
    text: str,
    doc_id: str,
    source_path: str,
    source_format: str,
    content_hash: str,
    page_starts: tuple[int, ...] = (),
    hints: dict | None = None,
    fallback_title: str = "",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    overlap_sentences: int = DEFAULT_OVERLAP_SENTENCES,
    scanned_pages: tuple[int, ...] = (),
    notes: tuple[str, ...] = (),
) -> ParsedDocument:
    metadata: Metadata = extract_metadata(text, hints, fallback_title)
    passages = assign_roles(text, chunk_document(text, doc_id, page_starts, max_tokens, min_tokens,
                                                 overlap_sentences))
    if scanned_pages:
        scanned = set(scanned_pages)
        passages = [replace(p, scanned=True) if scanned.intersection(p.pages) else p for p in passages]
    return ParsedDocument(
        doc_id=doc_id,
        source_path=source_path,
        source_format=source_format,
        content_hash=content_hash,
        text=text,
        page_starts=page_starts,
        metadata=metadata,
        references=find_references(text, own_number=metadata.number),
        passages=tuple(passages),
        notes=notes,
    )


def parse_file(
    path: Path,
    doc_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    overlap_sentences: int = DEFAULT_OVERLAP_SENTENCES,
    limits: Limits | None = None,
    progress=None,
) -> ParsedDocument:
    """Parse one file (PDF, DOCX, .doc/.rtf, HTML, text/Markdown). Raises IngestError(path, reason)
    for bad input, including a file over `limits` (pages, passages, inflated size; ingest/limits.py).
    `progress(path, done, total)`: after each page read by OCR (ingest/ocr.py)."""
    path = Path(path)
    limits = limits or Limits(max_bytes=max_bytes)
    if max_bytes != DEFAULT_MAX_BYTES:  # an explicit max_bytes wins
        limits = replace(limits, max_bytes=max_bytes)
    check_before_extract(path, limits, max_tokens)
    extracted = extract(path, limits.max_bytes, progress=progress)
    check_text_size(str(path), extracted.text, max_tokens, limits)
    text = extracted.text if extracted.normalized else normalize_text(extracted.text)
    if not text.strip():
        raise IngestError(str(path), "tệp không có nội dung chữ")
    doc = _assemble(
        text,
        doc_id or slugify(path.stem),
        str(path),
        extracted.source_format,
        file_sha256(path),
        extracted.page_starts,
        extracted.hints,
        fallback_title=path.stem,
        max_tokens=max_tokens,
        min_tokens=min_tokens,
        overlap_sentences=overlap_sentences,
        scanned_pages=extracted.scanned_pages,
        notes=extracted.notes,
    )
    check_passages(str(path), len(doc.passages), limits)
    return doc


def parse_text(
    text: str,
    doc_id: str,
    source_format: str = "text",
    title: str = "",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    overlap_sentences: int = DEFAULT_OVERLAP_SENTENCES,
) -> ParsedDocument:
    """Parse text already in memory (e.g. a BEIR corpus entry); `title`, when given, is the title.

    content_hash is the sha256 of the UTF-8 text as given. Empty text raises ValueError.
    """
    normalized = normalize_text(text)
    if not normalized:
        raise ValueError(f"parse_text: document {doc_id!r} has no text; skip it before parsing")
    hints = {"title": normalize_text(title)} if title.strip() else None
    return _assemble(
        normalized,
        doc_id,
        source_path="",
        source_format=source_format,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        hints=hints,
        fallback_title=doc_id,
        max_tokens=max_tokens,
        min_tokens=min_tokens,
        overlap_sentences=overlap_sentences,
    )
