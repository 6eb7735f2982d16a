"""The secretary's handout as a chi bộ prints it: DOCX laid out the way Party documents are
(Hướng dẫn 36-HD/VPTW), and PDF through LibreOffice when it is installed.

    export_docx(handout, Path("tai-lieu.docx"), Letterhead("ĐẢNG BỘ XÃ HÒA AN", "CHI BỘ THÔN 3", "Hòa An"))

Layout: A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt throughout,
black. A two-column header block: the issuing đảng bộ and chi bộ with "*" under them on the left,
"ĐẢNG CỘNG SẢN VIỆT NAM" and the place-date line on the right. Then the title, the theme, the
secretary's note, each excerpt under a heading that names its source (number, date, issuer,
section, page) with its body upright, and "Tài liệu tham khảo". Pages from the second on carry
their number at the top centre.

The chi bộ's name and place (`Letterhead`) are saved beside the index, so the secretary types them
once (load_letterhead / save_letterhead).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from vankien.answers.pack import Handout, excerpt_lines
from vntext.normalize import fold_diacritics

FONT = "Times New Roman"
BODY_PT = 14
LETTERHEAD_FILE = "tai-lieu-sinh-hoat.json"


@dataclass(frozen=True)
class Letterhead:
    """Who issues the handout. parent: the đảng bộ above the chi bộ ("ĐẢNG BỘ XÃ HÒA AN");
    branch: the chi bộ ("CHI BỘ THÔN 3"); place: the place name of the date line ("Hòa An")."""
    parent: str = ""
    branch: str = ""
    place: str = ""


def load_letterhead(folder: Path) -> Letterhead:
    path = Path(folder) / LETTERHEAD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Letterhead()
    return Letterhead(**{k: str(data.get(k, "")).strip() for k in ("parent", "branch", "place")})


def save_letterhead(folder: Path, letterhead: Letterhead) -> None:
    path = Path(folder) / LETTERHEAD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(letterhead), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def date_line(place: str, day: date) -> str:
    """ "Hòa An, ngày 02 tháng 12 năm 2026": day and month below 10 take a leading zero (HD 36)."""
    text = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place.strip()}, {text}" if place.strip() else text.capitalize()


def handout_filename(theme: str, day: date, suffix: str = ".docx") -> str:
    """A file name from the topic and the date, ASCII so it survives e-mail and Zalo."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold_diacritics(theme.lower())).strip("-")[:60].rstrip("-")
    return f"tai-lieu-sinh-hoat-{slug or 'chuyen-de'}-{day.isoformat()}{suffix}"


def export_docx(handout: Handout, path: Path, letterhead: Letterhead | None = None,
                day: date | None = None) -> Path:
    """Write the handout as DOCX (python-docx), to a temporary sibling first, then renamed."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt

    letterhead = letterhead or Letterhead()
    day = day or date.today()
    path = Path(path)
    doc = Document()
    _page_setup(doc.sections[0], Mm)
    _fonts(doc, Pt)
    doc.core_properties.title = f"{handout.title}: {handout.theme}"
    doc.core_properties.subject = handout.theme
    doc.core_properties.language = "vi-VN"

    _header_block(doc, letterhead, day, WD_ALIGN_PARAGRAPH, Pt)
    _page_numbers(doc.sections[0], WD_ALIGN_PARAGRAPH)

    title = doc.add_paragraph(style="Title")
    title.add_run(handout.title.upper())
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    theme = doc.add_paragraph()
    theme.alignment = WD_ALIGN_PARAGRAPH.CENTER
    theme.add_run(f"Chuyên đề: {handout.theme}").bold = True
    rule = doc.add_paragraph("-----")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if handout.note:
        p = doc.add_paragraph()
        p.add_run("Ghi chú: ").bold = True
        p.add_run(handout.note)

    for n, item in enumerate(handout.items, 1):
        doc.add_paragraph(f"{n}. {item.citation}", style="Heading 2")
        for line in excerpt_lines(item.text):
            p = doc.add_paragraph(line)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Cm(1)

    doc.add_paragraph("Tài liệu tham khảo", style="Heading 1")
    for item in handout.sources():
        doc.add_paragraph(item.source, style="List Number")

    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def export_pdf(docx_path: Path, timeout: float = 180) -> Path | None:
    """The DOCX rendered to PDF by LibreOffice (beside it); None when LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    docx_path = Path(docx_path)
    with tempfile.TemporaryDirectory(prefix="vankien-lo-") as profile:
        # A private profile: two conversions at once must not share LibreOffice's user folder.
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)],
                       check=True, capture_output=True, timeout=timeout)
    pdf = docx_path.with_suffix(".pdf")
    return pdf if pdf.exists() else None


# ---------------------------------------------------------------- layout pieces


def _page_setup(section, Mm) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def _fonts(doc, Pt) -> None:
    """Times New Roman, black, for every style used: Word's heading styles default to a blue theme
    font, which a theme attribute keeps even after the font name is set, so those go."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Number", "Header"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        style.font.size = Pt(BODY_PT)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    doc.styles["Title"].font.size = Pt(16)
    doc.styles["Title"].font.bold = True
    for name in ("Heading 1", "Heading 2"):
        doc.styles[name].font.bold = True
        doc.styles[name].paragraph_format.space_before = Pt(12)
        doc.styles[name].paragraph_format.keep_with_next = True
    # Title's bottom border line and spacing are Word's decoration, not a Party document's.
    pPr = doc.styles["Title"].element.get_or_add_pPr()
    for border in pPr.findall(qn("w:pBdr")):
        pPr.remove(border)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    normal.line_spacing = 1.15


def _header_block(doc, letterhead: Letterhead, day: date, align, Pt) -> None:
    """Two columns without borders: the issuing body on the left, the Party's name and the
    place-date line on the right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    issuer = [(letterhead.parent.upper(), False), (letterhead.branch.upper(), True), ("*", False)]
    for i, (text, bold) in enumerate((t, b) for t, b in issuer if t):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        p.alignment = align.CENTER
        p.add_run(text).bold = bold
    p = right.paragraphs[0]
    p.alignment = align.CENTER
    run = p.add_run("ĐẢNG CỘNG SẢN VIỆT NAM")
    run.bold = run.underline = True
    p = right.add_paragraph()
    p.alignment = align.CENTER
    p.add_run(date_line(letterhead.place, day)).italic = True
    for cell in (left, right):
        for para in cell.paragraphs:
            para.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()


def _page_numbers(section, align) -> None:
    """PAGE field at the top centre from the second page on; the first page has none."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = align.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
