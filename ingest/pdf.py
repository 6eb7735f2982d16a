"""PDF with a text layer, page by page with pymupdf, cleaned of what page layout leaves behind.

- Running headers/footers: a line among the first or last three of a page that recurs (digits
  ignored) on at least half the pages of a document of 2+ pages is dropped there.
- Bare page numbers ("12", "- 12 -", "Trang 3/10") at the top or bottom of a page are dropped.
- Lines are re-flowed: a line that does not end a sentence and is followed by a line starting in
  lower case is joined to it with a space; "xuy-" + "ên" (hyphenated across lines) becomes "xuyên".
  Headings ("Điều 3.", "2.", upper-case titles) are never joined.

Memory: pages are read one at a time and only their text is kept (no images, no second copy of the
file), so a 1,000-page Công báo costs a few MB. `page_starts` records where each page begins in the
normalised text.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ingest.records import Extracted
from ingest.headings import classify_line, is_upper_title
from vntext.normalize import normalize_text
from ingest.records import IngestError

EDGE_LINES = 3
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?:;…”\"»)]$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_STARTS_LOWER = re.compile(r"^[a-zà-ỹđ]")


def _open(path: Path):
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # pymupdf raises FileDataError/RuntimeError on damaged files
        raise IngestError(str(path), f"PDF hỏng, không đọc được ({type(exc).__name__})") from exc
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise IngestError(str(path), "PDF được mã hóa bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại")
    if doc.page_count == 0:
        doc.close()
        raise IngestError(str(path), "PDF hỏng: không có trang nào")
    return doc


def _page_lines(path: Path) -> list[list[str]]:
    doc = _open(path)
    pages = []
    try:
        for index in range(doc.page_count):
            try:
                raw = doc.load_page(index).get_text("text")
            except Exception as exc:
                raise IngestError(str(path), f"PDF hỏng ở trang {index + 1} ({type(exc).__name__})") from exc
            pages.append([line for line in normalize_text(raw).split("\n") if line])
    finally:
        doc.close()
    return pages


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    counts: Counter = Counter()
    for lines in pages:
        edges = set(map(_edge_key, lines[:EDGE_LINES] + lines[-EDGE_LINES:]))
        counts.update(edges)
    threshold = max(2, (len(pages) + 1) // 2)
    running = {key for key, n in counts.items() if n >= threshold} if len(pages) >= 2 else set()
    cleaned = []
    for lines in pages:
        n = len(lines)
        keep = []
        for i, line in enumerate(lines):
            at_edge = i < EDGE_LINES or i >= n - EDGE_LINES
            if at_edge and (_edge_key(line) in running or _PAGE_NUMBER.match(line)):
                continue
            keep.append(line)
        cleaned.append(keep)
    return cleaned


def _joins(prev: str, line: str) -> str | None:
    """How `line` continues `prev`: " " (same paragraph), "" (hyphenated word) or None (new line)."""
    if classify_line(line) is not None or is_upper_title(line) or is_upper_title(prev):
        return None
    if _HYPHENATED.search(prev) and _STARTS_LOWER.match(line):
        return ""
    if not _ENDS_SENTENCE.search(prev) and _STARTS_LOWER.match(line):
        return " "
    return None


def extract_pdf(path: Path) -> Extracted:
    pages = _drop_running_lines(_page_lines(path))
    parts: list[str] = []
    page_starts: list[int] = []
    length = 0
    prev = ""
    for lines in pages:
        page_start = None
        for line in lines:
            glue = _joins(prev, line) if parts else None
            if glue == "":
                parts[-1] = parts[-1][:-1]  # drop the hyphen
                length -= 1
                sep = ""
            else:
                sep = "" if not parts else (" " if glue == " " else "\n")
            if page_start is None:
                page_start = length + len(sep)
            parts.append(sep + line)
            length += len(sep) + len(line)
            prev = line
        page_starts.append(page_start if page_start is not None else length)
    text = "".join(parts)
    if not text.strip():
        raise IngestError(str(path), "PDF chỉ có ảnh, không có lớp chữ — cần OCR")
    return Extracted("pdf", text, tuple(page_starts), normalized=True)
