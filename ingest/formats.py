"""Detect a file's format from its bytes and extract its text.

Magic bytes decide, not the extension: ``%PDF`` -> pdf; a zip holding ``word/document.xml`` -> docx;
an OLE container (``D0 CF 11 E0``) holding a WordDocument stream -> legacy Word .doc, and ``{\\rtf``
-> RTF, both converted to DOCX by LibreOffice (ingest/office.py); HTML by sniffing its first
kilobyte; otherwise text if it decodes (Markdown, by its .md extension, without its markup).
Anything else is an IngestError with a Vietnamese reason naming what is wrong, never an empty
document.
"""
from __future__ import annotations

import re

import io
import zipfile
from pathlib import Path

from ingest.records import Extracted, IngestError  # Extracted stays importable from here

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 200 MB

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {b"\x89PNG": "ảnh PNG", b"\xff\xd8\xff": "ảnh JPEG", b"GIF8": "ảnh GIF", b"II*\x00": "ảnh TIFF",
           b"MM\x00*": "ảnh TIFF"}
UNSUPPORTED = "định dạng chưa hỗ trợ"


def detect_format(head: bytes) -> str:
    """"pdf" | "docx" | "zip" | "ole" | "rtf" | "image" | "html" | "text" from the first bytes of a file."""
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # docx is decided by looking inside, see `sniff`
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if any(head.startswith(magic) for magic in _IMAGES):
        return "image"
    probe = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head[:4096].lower():
        return "html"
    if b"<html" in probe or (b"<head" in probe and b"<body" in head.lower()):
        return "html"
    return "text"


# Block tags of an article body: a page saved without its <html>/<head> (a CMS's article fragment,
# "<h1>...</h1><p>...</p>") is still a web page, not text with markup in it.
_BLOCK_TAG = re.compile(rb"<(?:p|div|h[1-6]|article|section|br|ul|li|table|tr|td|em|strong|i|b)\b", re.IGNORECASE)


def _saved_page(path: Path, head: bytes) -> bool:
    """A web page that `detect_format` could not tell from its first bytes: named .html/.htm, or
    opening with markup and holding several block tags (never a Markdown file, which may hold tags)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml", ".shtml"):
        return True
    if suffix in (".md", ".markdown"):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and len(_BLOCK_TAG.findall(head)) >= 3


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _check_size(path: Path, max_bytes: int) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(str(path), f"không đọc được tệp ({exc.strerror or exc})") from exc
    if size == 0:
        raise IngestError(str(path), "tệp rỗng (0 byte)")
    if size > max_bytes:
        raise IngestError(
            str(path), f"tệp quá lớn ({size / 1048576:.1f} MB, giới hạn {max_bytes / 1048576:.0f} MB)"
        )
    return size


MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


def _is_word_ole(data: bytes) -> bool:
    """An OLE container holding a Word document (its directory names the "WordDocument" stream)."""
    return "WordDocument".encode("utf-16-le") in data


def extract(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, progress=None) -> Extracted:
    """Text of one file, or IngestError(path, reason) saying why it cannot be read.
    `progress(path, done, total)`: after each PDF page read by OCR."""
    path = Path(path)
    _check_size(path, max_bytes)
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind = detect_format(head)
    if kind == "pdf":
        from ingest.pdf import extract_pdf

        return extract_pdf(path, progress=progress)
    if kind in ("ole", "rtf"):
        if kind == "ole" and not _is_word_ole(path.read_bytes()):
            raise IngestError(str(path), f"{UNSUPPORTED}: tệp Office cũ không phải Word (.xls, .ppt?); "
                                         "hãy lưu lại thành PDF")
        from ingest.office import extract_legacy_word

        return extract_legacy_word(path, "doc" if kind == "ole" else "rtf")
    if kind == "image":
        raise IngestError(str(path), f"{UNSUPPORTED}: tệp ảnh, cần OCR")
    data = path.read_bytes()
    if kind == "zip":
        if not _is_docx(data):
            raise IngestError(str(path), f"{UNSUPPORTED}: tệp nén không phải .docx")
        from ingest.office import extract_docx

        return extract_docx(path, data)
    if kind == "text" and _saved_page(path, head):
        kind = "html"
    if kind == "html":
        from ingest.webpage import extract_html

        return extract_html(path, data)
    from ingest.textfile import decode_text, markdown_to_text

    text = decode_text(path, data)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return Extracted("markdown", markdown_to_text(text))
    return Extracted("text", text)
