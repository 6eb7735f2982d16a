"""Build the sample corpus (corpus/*.pdf|docx|txt) from the UTF-8 sources in scripts/corpus_src/.

All documents are fictional samples written for Văn kiện (see corpus/README.md). The output is
deterministic: fixed metadata dates, subset fonts, fixed zip timestamps, so regenerating does not
churn bytes. Run:  .venv/bin/python scripts/make_corpus.py

Source format (one file per document, `*.src.txt`):

    format: pdf | docx | txt          header lines "key: value" up to a line "---"
    output: 2024-05-12-chi-thi-45-CT-TW   file stem written into corpus/
    title: ...                        document metadata title
    type: Kế hoạch                    document type (title case); "Bản tin", "Tin bài" for those
    number: 27-KH/TU                  the document's number/symbol (absent for bulletins, news)
    issuer: Ban Thường vụ Tỉnh ủy Sông Lam   issuing body, title case (PDF/DOCX author)
    date: 2024-05-12                  fixed metadata date (ISO)
    left: TỈNH ỦY SÔNG LAM            issuing-body column, top left (repeatable); the line just
                                      before "*" is bold
    right: ĐẢNG CỘNG SẢN VIỆT NAM     top-right column (repeatable); the first line is bold, the
                                      place-and-date line is italic
    ---
    # TEXT      centred bold line (document type, trích yếu, bulletin masthead)
    ~ TEXT      centred italic line
    = TEXT      bold heading at the left margin (I., 1., a), article titles)
    |a|b|c|     table row (the first row of a run is the header row)
    @sign       signature block until @end: "< " lines go left (Nơi nhận), "> " lines go right
    other       a body paragraph (one per line); blank lines are ignored
"""
from __future__ import annotations

import io
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "scripts" / "corpus_src"
OUT_DIR = ROOT / "corpus"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the PDF writer beside this script
from corpus_pdf import FICTION_NOTE, FOOTER_PREFIX, _PdfWriter, _font_paths  # noqa: E402,F401

# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass
class Block:
    kind: str  # "center" | "center_i" | "heading" | "para" | "table" | "sign"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # table
    left: list[str] = field(default_factory=list)  # sign
    right: list[str] = field(default_factory=list)  # sign


@dataclass
class Source:
    path: Path
    meta: dict[str, str]
    left: list[str]
    right: list[str]
    blocks: list[Block]

    @property
    def format(self) -> str:
        return self.meta["format"]

    @property
    def out_name(self) -> str:
        return f"{self.meta['output']}.{self.format}"


def parse_source(path: Path) -> Source:
    raw = path.read_text(encoding="utf-8")
    if not unicodedata.is_normalized("NFC", raw):
        raise ValueError(f"{path.name}: source is not NFC; normalise it first")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise ValueError(f"{path.name}: missing the '---' line that ends the header")
    meta: dict[str, str] = {}
    left: list[str] = []
    right: list[str] = []
    for line in head.splitlines():
        if not line.strip():
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "left":
            left.append(value)
        elif key == "right":
            right.append(value)
        else:
            meta[key] = value
    for key in ("format", "output", "title", "date"):
        if key not in meta:
            raise ValueError(f"{path.name}: header needs '{key}:'")
    if meta["format"] not in ("pdf", "docx", "txt"):
        raise ValueError(f"{path.name}: format must be pdf, docx or txt")

    blocks: list[Block] = []
    sign: Block | None = None
    for line in body.splitlines():
        line = line.rstrip()
        if sign is not None:
            if line == "@end":
                blocks.append(sign)
                sign = None
            elif line.startswith("< "):
                sign.left.append(line[2:])
            elif line.startswith("> "):
                sign.right.append(line[2:])
            elif line.strip():
                raise ValueError(f"{path.name}: in @sign, lines start with '< ' or '> ': {line!r}")
            continue
        if not line.strip():
            continue
        if line == "@sign":
            sign = Block("sign")
        elif line.startswith("# "):
            blocks.append(Block("center", line[2:]))
        elif line.startswith("~ "):
            blocks.append(Block("center_i", line[2:]))
        elif line.startswith("= "):
            blocks.append(Block("heading", line[2:]))
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        else:
            blocks.append(Block("para", line.strip()))
    if sign is not None:
        raise ValueError(f"{path.name}: @sign without @end")
    return Source(path, meta, left, right, blocks)


def load_sources() -> list[Source]:
    return [parse_source(p) for p in sorted(SRC_DIR.glob("*.src.txt"))]


def plain_lines(src: Source) -> list[str]:
    """The document's text in reading order (header left, header right, body, signature).

    This is the order the PDF and DOCX carry their text in; tests compare against it.
    """
    lines = list(src.left) + list(src.right)
    for b in src.blocks:
        if b.kind == "table":
            for row in b.rows:
                lines.extend(row)
        elif b.kind == "sign":
            lines.extend(b.left)
            lines.extend(b.right)
        else:
            lines.append(b.text)
    return lines


# ---------------------------------------------------------------------------------------------
# TXT


def _pad(text: str, width: int) -> str:
    return text + " " * max(2, width - len(text))


def render_txt(src: Source) -> bytes:
    out: list[str] = []
    if src.left or src.right:
        n = max(len(src.left), len(src.right))
        for i in range(n):
            left = src.left[i] if i < len(src.left) else ""
            right = src.right[i] if i < len(src.right) else ""
            out.append((_pad(left, 40) + right).rstrip())
        out.append("")
    for b in src.blocks:
        if b.kind in ("center", "center_i"):
            out.append(b.text)
        elif b.kind == "heading":
            out.extend(["", b.text])
        elif b.kind == "para":
            out.append(b.text)
        elif b.kind == "table":
            out.append("")
            out.extend(" | ".join(row) for row in b.rows)
            out.append("")
        elif b.kind == "sign":
            out.append("")
            n = max(len(b.left), len(b.right))
            for i in range(n):
                left = b.left[i] if i < len(b.left) else ""
                right = b.right[i] if i < len(b.right) else ""
                out.append((_pad(left, 48) + right).rstrip())
    text = "\n".join(out).strip() + "\n"
    return unicodedata.normalize("NFC", text).encode("utf-8")


def render_pdf(src: Source) -> bytes:
    w = _PdfWriter()
    w.header(src.left, src.right)
    for b in src.blocks:
        if b.kind == "center":
            w.center(b.text, "bold")
        elif b.kind == "center_i":
            w.center(b.text, "italic")
        elif b.kind == "heading":
            w.para(b.text, "bold", indent=0.0)
        elif b.kind == "para":
            w.para(b.text)
        elif b.kind == "table":
            w.table(b.rows)
        elif b.kind == "sign":
            w.sign(b.left, b.right)
    return w.finish(src.meta, issuer=_issuer(src))


def _issuer(src: Source) -> str:
    if src.meta.get("issuer"):
        return src.meta["issuer"]
    star = src.left.index("*") if "*" in src.left else len(src.left)
    return " ".join(src.left[:star])


# ---------------------------------------------------------------------------------------------
# DOCX (python-docx; fixed core properties and zip timestamps)

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def render_docx(src: Source) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(6)

    def add(container, text, *, bold=False, italic=False, align=None, size=None, indent=False):
        p = container.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        return p

    def first_cell_paragraph(cell):
        # a new table cell already holds one empty paragraph: reuse it for the first line
        return cell.paragraphs[0]

    def fill(cell, lines, styles, size, align):
        for i, (text, (bold, italic)) in enumerate(zip(lines, styles)):
            p = first_cell_paragraph(cell) if i == 0 else cell.add_paragraph()
            run = p.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            run.font.size = Pt(size)
            p.alignment = align
            p.paragraph_format.space_after = Pt(0)

    if src.left or src.right:
        t = doc.add_table(rows=1, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        star = src.left.index("*") if "*" in src.left else len(src.left)
        fill(t.cell(0, 0), src.left, [(i == star - 1, False) for i in range(len(src.left))], 13, WD_ALIGN_PARAGRAPH.CENTER)
        fill(t.cell(0, 1), src.right, [(i == 0, ", ngày" in s) for i, s in enumerate(src.right)], 13, WD_ALIGN_PARAGRAPH.CENTER)
        t.cell(0, 0).width, t.cell(0, 1).width = Cm(7), Cm(9)

    for b in src.blocks:
        if b.kind == "center":
            add(doc, b.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif b.kind == "center_i":
            add(doc, b.text, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif b.kind == "heading":
            add(doc, b.text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif b.kind == "para":
            add(doc, b.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        elif b.kind == "table":
            ncol = max(len(r) for r in b.rows)
            t = doc.add_table(rows=len(b.rows), cols=ncol)
            t.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c, text in enumerate(row):
                    fill(t.cell(r, c), [text], [(r == 0, False)], 12, WD_ALIGN_PARAGRAPH.LEFT)
        elif b.kind == "sign":
            t = doc.add_table(rows=1, cols=2)
            fill(t.cell(0, 0), b.left, [(i == 0, i == 0) for i in range(len(b.left))], 11, WD_ALIGN_PARAGRAPH.LEFT)
            fill(t.cell(0, 1), b.right, [(not s.startswith("("), s.startswith("(")) for s in b.right], 14, WD_ALIGN_PARAGRAPH.CENTER)

    stamp = datetime.fromisoformat(src.meta["date"]).replace(hour=8, tzinfo=timezone.utc)
    cp = doc.core_properties
    cp.title = src.meta["title"]
    cp.author = _issuer(src)
    cp.subject = FICTION_NOTE
    cp.keywords = "văn bản mẫu; Văn kiện"
    cp.comments = FICTION_NOTE
    cp.last_modified_by = "scripts/make_corpus.py"
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = stamp

    buf = io.BytesIO()
    doc.save(buf)
    return _fix_zip_dates(buf.getvalue())


def _fix_zip_dates(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry timestamps so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------

RENDERERS = {"pdf": render_pdf, "docx": render_docx, "txt": render_txt}


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    sources = load_sources()
    names = [s.out_name for s in sources]
    if len(set(names)) != len(names):
        raise ValueError("two sources write the same output file")
    for src in sources:
        path = out_dir / src.out_name
        data = RENDERERS[src.format](src)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else OUT_DIR
    for p in build(out_dir):
        print(f"{p.stat().st_size:>8}  {p.relative_to(out_dir.parent) if p.is_relative_to(out_dir.parent) else p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
