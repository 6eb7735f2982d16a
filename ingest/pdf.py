"""PDF, page by page with pymupdf, cleaned of what page layout leaves behind.

Each page is read from its text layer; a scanned page (an image over most of the page and next to
no text, or a text layer of unknown glyphs) is read by OCR (ingest/ocr.py), so a mixed PDF reads
its typed pages as text and its scanned ones by OCR, and the pages read by OCR are listed in
`Extracted.scanned_pages`. Spans in TCVN3/VNI fonts (".VnTime", "VNI-Times") are converted.

Damaged is not scanned: a file pymupdf had to repair whose pages come out empty (no text, no image)
is reported "PDF bị hỏng" with the pages that could be read, which are indexed; "cần cài OCR" is
said only of pages that are images, and only when Tesseract is missing.

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

from ingest import ocr
from ingest.records import Extracted
from ingest.headings import classify_line, is_upper_title
from vntext.normalize import normalize_text
from ingest.records import IngestError
from vntext.legacy import decode_with, fix_legacy_pages, font_decoder, font_encoding

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
        raise IngestError(str(path), f"PDF bị hỏng, không mở được ({type(exc).__name__}); "
                                     "hãy lấy lại bản gốc của tệp") from exc
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise IngestError(str(path), "PDF được mã hóa bằng mật khẩu; hãy gỡ mật khẩu rồi nạp lại")
    if doc.page_count == 0:
        doc.close()
        raise IngestError(str(path), "PDF bị hỏng: không có trang nào")
    return doc


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"."""
    groups: list[list[int]] = []
    for p in sorted(pages):
        if groups and p == groups[-1][1] + 1:
            groups[-1][1] = p
        else:
            groups.append([p, p])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in groups)


def _image_coverage(page) -> float:
    """Share of the page covered by images (a scanned page is one image over the whole page)."""
    area = abs(page.rect) or 1.0
    covered = 0.0
    try:
        if not page.get_images():  # cheap: the page's image resources
            return 0.0
        infos = page.get_image_info()
    except Exception:
        return 0.0
    for info in infos:
        bbox = page.rect & info.get("bbox", (0, 0, 0, 0))
        covered += abs(bbox) if not bbox.is_empty else 0.0
    return min(1.0, covered / area)


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _garbled(text: str) -> bool:
    """A text layer of unknown glyphs (fonts without a Unicode map): U+FFFD or private-use codes."""
    bad = sum(1 for ch in text if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    return bad > 0.3 * max(1, len(text.strip()))


def _legacy_fonts(page) -> dict[str, tuple[str, bool]]:
    fonts = {}
    try:
        entries = page.get_fonts()
    except Exception:
        return fonts
    for entry in entries:
        name = entry[3]
        encoding, upper = font_encoding(name)
        if encoding:
            fonts[name] = (encoding, upper)
    return fonts


def _page_text(page) -> str:
    """The page's text layer; spans in TCVN3/VNI fonts converted to Unicode (before normalising:
    TCVN3 writes ư as the code of a soft hyphen, which normalising would delete)."""
    if not _legacy_fonts(page):
        return page.get_text("text")
    data = page.get_text("dict")
    spans_by_font: dict[str, list[str]] = {}
    for block in data.get("blocks", []):
        for line in block.get("lines", []):
            for span in line.get("spans", []):
                spans_by_font.setdefault(span.get("font", ""), []).append(span.get("text", ""))
    decoders = {font: font_decoder(font, " ".join(texts)) for font, texts in spans_by_font.items()}
    lines = []
    for block in data.get("blocks", []):
        for line in block.get("lines", []):
            lines.append("".join(decode_with(span.get("text", ""), *decoders.get(span.get("font", ""), ("", False)))
                                 for span in line.get("spans", [])))
        lines.append("")
    return "\n".join(lines)


_DAMAGE_WARNING = re.compile(r"cannot load|syntax error|format error|not a stream|broken|endobj|endstream|"
                             r"truncated|premature|corrupt", re.IGNORECASE)


def _read_pages(path: Path, progress) -> tuple[list[str], list[int], list[str]]:
    """Raw text of each page (text layer, or OCR for scanned pages), the 1-based pages read by
    OCR, and notes for the user. Raises IngestError when nothing could be read, saying why:
    damaged file, or scanned pages without OCR installed."""
    import pymupdf

    doc = _open(path)
    texts: list[str] = []
    kinds: list[str] = []  # "text" | "scan" | "blank" | "broken"
    try:
        repaired = bool(getattr(doc, "is_repaired", False))
        pymupdf.TOOLS.mupdf_warnings(reset=True)
        for index in range(doc.page_count):
            try:
                page = doc.load_page(index)
                raw = _page_text(page)
                coverage = _image_coverage(page) if _alnum(raw) < 50 or _garbled(raw) else 0.0
            except Exception:
                texts.append("")
                kinds.append("broken")
                continue
            warned = bool(_DAMAGE_WARNING.search(pymupdf.TOOLS.mupdf_warnings(reset=True) or ""))
            if _garbled(raw) or (coverage >= 0.5 and _alnum(raw) < 50):
                kinds.append("scan")
            elif _alnum(raw) > 0:
                kinds.append("text")
            elif coverage > 0.1:
                kinds.append("scan")
            else:
                kinds.append("broken" if repaired or warned else "blank")
            texts.append(raw if kinds[-1] == "text" else "")
        scans = [i for i, k in enumerate(kinds) if k == "scan"]
        notes: list[str] = []
        ocr_done: list[int] = []
        reason = ocr.missing_reason() if scans else ""
        if scans and not reason:
            for index, text in ocr.ocr_pages(doc, scans, str(path), progress).items():
                if _alnum(text):
                    texts[index] = text
                    ocr_done.append(index + 1)
                else:
                    kinds[index] = "scan-empty"
    finally:
        doc.close()
    n = len(kinds)
    read = [i + 1 for i, t in enumerate(texts) if _alnum(t)]
    broken = [i + 1 for i, k in enumerate(kinds) if k == "broken"]
    if broken:
        if not read:
            raise IngestError(str(path), f"PDF bị hỏng (cắt cụt hoặc lỗi cấu trúc): không đọc được trang nào "
                                         f"trong {n} trang; hãy lấy lại bản gốc của tệp")
        notes.append(f"PDF bị hỏng: đọc được trang {page_ranges(read)}, không đọc được trang "
                     f"{page_ranges(broken)} (trong {n} trang)")
    if scans and reason:
        if not read:
            raise IngestError(str(path), ocr.OCR_MISSING if reason.startswith("chưa cài")
                              else f"{ocr.OCR_MISSING} — {reason}")
        notes.append(f"{len(scans)} trang chỉ có ảnh ({page_ranges([i + 1 for i in scans])}) chưa đọc được, "
                     f"cần cài OCR: {ocr.INSTALL_HINT}")
    if ocr_done:
        notes.append(f"đã nhận dạng chữ (OCR) {len(ocr_done)} trang quét: {page_ranges(ocr_done)}")
    empty_scans = [i + 1 for i, k in enumerate(kinds) if k == "scan-empty"]
    if empty_scans:
        if not read:
            raise IngestError(str(path), f"PDF chỉ có ảnh và OCR không nhận ra chữ nào ({n} trang)")
        notes.append(f"OCR không nhận ra chữ ở trang {page_ranges(empty_scans)}")
    if not read:
        raise IngestError(str(path), "PDF không có chữ nào (các trang đều trống)")
    texts, _ = fix_legacy_pages(texts)
    return texts, ocr_done, notes


_DRAWN_SOFT_HYPHEN = re.compile("\u00ad(?=\\S)")


def _page_lines(path: Path, progress=None) -> tuple[list[list[str]], list[int], list[str]]:
    texts, scanned, notes = _read_pages(path, progress)
    # A soft hyphen inside a line was drawn, so it is a hyphen some fonts' maps name U+00AD
    # ("45\u00adCT/TW"); normalising would delete it and break the number.
    pages = [[line for line in normalize_text(_DRAWN_SOFT_HYPHEN.sub("-", raw)).split("\n") if line]
             for raw in texts]
    return pages, scanned, notes


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


def extract_pdf(path: Path, progress=None) -> Extracted:
    """Text of a PDF, page by page; scanned pages through OCR (see ingest/ocr.py). `progress`:
    called after each OCR'd page (path, done, total), else the one set by `ocr.page_progress`."""
    raw, scanned, notes = _page_lines(path, progress)
    pages = _drop_running_lines(raw)
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
    if not text.strip() and any(raw):  # every line was a running header/footer or a page number
        raise IngestError(str(path), "PDF không có nội dung: chỉ có dòng đầu/chân trang lặp lại trên mọi trang")
    if not text.strip():
        raise IngestError(str(path), "PDF không có chữ nào (các trang đều trống)")
    return Extracted("pdf", text, tuple(page_starts), normalized=True, scanned_pages=tuple(scanned),
                     notes=tuple(notes))
