"""DOCX with python-docx: paragraphs and tables in the order they appear in the body.

Layout tables (the two-column header "CHÍNH PHỦ | CỘNG HÒA XÃ HỘI...", the signature block) are
small: at most 3 columns and 4 rows; their cells come out as lines, left to right, row by row, so
the header reads like a typed one. Data tables come out one row per line, cells joined by " | ".
Cells merged across columns (python-docx repeats them) are written once.
"""
from __future__ import annotations

import io
from pathlib import Path

from ingest.records import Extracted
from ingest.records import IngestError


def _cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _table_lines(table) -> list[str]:
    try:
        rows = [list(row.cells) for row in table.rows]
    except (IndexError, ValueError):  # malformed grid: fall back to the raw text of each row
        return [" | ".join(t.strip() for t in row._tr.itertext() if t.strip()) for row in table.rows]
    n_cols = max((len(r) for r in rows), default=0)
    layout = n_cols <= 3 and len(rows) <= 4
    lines = []
    for row in rows:
        seen, cells = set(), []
        for cell in row:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell)
        if layout:
            for cell in cells:
                lines.extend(_cell_lines(cell))
                lines.extend(_nested(cell))
        else:
            texts = [" ".join(_cell_lines(c)) for c in cells]
            if any(t.strip() for t in texts):
                lines.append(" | ".join(t.strip() for t in texts))
    return lines


def _nested(cell) -> list[str]:
    out = []
    for table in cell.tables:
        out.extend(_table_lines(table))
    return out


def extract_docx(path: Path, data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise IngestError(str(path), f"tệp DOCX hỏng, không mở được ({type(exc).__name__})") from exc
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            lines.append("")
            lines.extend(_table_lines(Table(element, document)))
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError(str(path), "tệp DOCX không có chữ (có thể chỉ chứa ảnh — cần OCR)")
    return Extracted("docx", text)
