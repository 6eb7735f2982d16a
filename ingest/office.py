"""DOCX with python-docx: paragraphs and tables in the order they appear in the body; legacy Word
.doc and RTF through LibreOffice headless (converted to DOCX in a private temporary folder).

Runs in TCVN3 (".VnTime", ".VnArialH" ...) or VNI ("VNI-Times") fonts are converted to Unicode run
by run (vntext/legacy.py), so a file mixing Unicode and TCVN3 runs reads right. The font of a run
is its own (w:rFonts ascii/hAnsi), else its character style's, else its paragraph style's chain,
else the document default. A font named like a legacy one whose text is already Unicode is left
alone. When no run has a legacy font, 8-bit paragraphs that read as TCVN3/VNI are still converted
(fonts lost by an earlier conversion).

Layout tables (the two-column header "CHÍNH PHỦ | CỘNG HÒA XÃ HỘI...", the signature block) are
small: at most 3 columns and 4 rows; their cells come out as lines, left to right, row by row, so
the header reads like a typed one. Data tables come out one row per line, cells joined by " | ".
Cells merged across columns (python-docx repeats them) are written once.
"""
from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Callable

from ingest.records import Extracted
from ingest.records import IngestError
from vntext.legacy import decode_with, fix_legacy_lines, font_decoder, font_encoding

SOFFICE_HINT = "cần cài LibreOffice: apt-get install libreoffice-writer-nogui"
CONVERT_TIMEOUT_S = 180
_LEGACY_FONT_XML = re.compile(rb'w:(?:ascii|hAnsi)="(?:\.?Vn[A-Z0-9]|VNI[-_ ])', re.IGNORECASE)

TextOf = Callable[[object], str]


def _plain_text(paragraph) -> str:
    return paragraph.text


def _cell_lines(cell, text_of: TextOf = _plain_text) -> list[str]:
    return [t for t in map(text_of, cell.paragraphs) if t.strip()]


def _table_lines(table, text_of: TextOf = _plain_text) -> list[str]:
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
                lines.extend(_cell_lines(cell, text_of))
                lines.extend(_nested(cell, text_of))
        else:
            texts = [" ".join(_cell_lines(c, text_of)) for c in cells]
            if any(t.strip() for t in texts):
                lines.append(" | ".join(t.strip() for t in texts))
    return lines


def _nested(cell, text_of: TextOf = _plain_text) -> list[str]:
    out = []
    for table in cell.tables:
        out.extend(_table_lines(table, text_of))
    return out


# --- fonts of runs ------------------------------------------------------------------------------------
def _rfonts_name(rpr) -> str | None:
    """The font a w:rPr names for Latin text: a legacy one among ascii/hAnsi first (TCVN3 codes
    above 0x7F are drawn with the hAnsi font), else ascii."""
    if rpr is None:
        return None
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        return None
    names = [rfonts.get(qn("w:ascii")), rfonts.get(qn("w:hAnsi"))]
    for name in names:
        if name and font_encoding(name)[0]:
            return name
    return next((n for n in names if n), None)


class _Fonts:
    """Resolves the font of each run: run, character style, paragraph style chain, defaults."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.styles = {}
        styles_el = document.styles.element
        for st in styles_el.findall(qn("w:style")):
            self.styles[st.get(qn("w:styleId"))] = st
        self.default_para = next((sid for sid, st in self.styles.items()
                                  if st.get(qn("w:type")) == "paragraph" and st.get(qn("w:default")) in ("1", "true")),
                                 None)
        defaults = styles_el.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
        self.doc_default = _rfonts_name(rpr)
        self._cache: dict[str | None, str | None] = {}

    def style_font(self, style_id: str | None) -> str | None:
        if style_id in self._cache:
            return self._cache[style_id]
        font, seen, sid = None, set(), style_id
        while sid and sid not in seen and font is None:
            seen.add(sid)
            st = self.styles.get(sid)
            if st is None:
                break
            font = _rfonts_name(st.find(self.qn("w:rPr")))
            based = st.find(self.qn("w:basedOn"))
            sid = based.get(self.qn("w:val")) if based is not None else None
        self._cache[style_id] = font
        return font

    def of_run(self, r, p_style: str | None) -> str | None:
        rpr = r.find(self.qn("w:rPr"))
        font = _rfonts_name(rpr)
        if font:
            return font
        if rpr is not None:
            rstyle = rpr.find(self.qn("w:rStyle"))
            if rstyle is not None:
                font = self.style_font(rstyle.get(self.qn("w:val")))
                if font:
                    return font
        return self.style_font(p_style or self.default_para) or self.doc_default

    def paragraph_style(self, p) -> str | None:
        ppr = p.find(self.qn("w:pPr"))
        pstyle = ppr.find(self.qn("w:pStyle")) if ppr is not None else None
        return pstyle.get(self.qn("w:val")) if pstyle is not None else None


def _runs(p_el):
    """The w:r elements of a paragraph, hyperlinks' included, in order (as Paragraph.text reads them)."""
    for child in p_el.xpath("w:r | w:hyperlink"):
        if child.tag.endswith("}r"):
            yield child
        else:
            yield from child.xpath("w:r")


def _legacy_text_of(document) -> TextOf | None:
    """A paragraph -> text function converting TCVN3/VNI runs, or None when no run needs it."""
    fonts = _Fonts(document)
    body = document.element.body
    samples: dict[str, list[str]] = {}
    for p_el in body.iter(fonts.qn("w:p")):
        p_style = fonts.paragraph_style(p_el)
        for r in _runs(p_el):
            font = fonts.of_run(r, p_style)
            if font and font_encoding(font)[0]:
                samples.setdefault(font, []).append(r.text)
    decoders = {font: font_decoder(font, " ".join(texts)) for font, texts in samples.items()}
    decoders = {font: d for font, d in decoders.items() if d[0]}
    if not decoders:
        return None

    def text_of(paragraph) -> str:
        p_el = paragraph._p
        p_style = fonts.paragraph_style(p_el)
        parts = []
        for r in _runs(p_el):
            encoding, upper = decoders.get(fonts.of_run(r, p_style), ("", False))
            parts.append(decode_with(r.text, encoding, upper))
        return "".join(parts)

    return text_of


def _mentions_legacy_font(data: bytes) -> bool:
    """Whether document.xml or styles.xml names a .Vn*/VNI-* font (cheap check before run-level reading)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in ("word/document.xml", "word/styles.xml"):
                if name in zf.namelist() and _LEGACY_FONT_XML.search(zf.read(name)):
                    return True
    except zipfile.BadZipFile:
        return False
    return False


def extract_docx(path: Path, data: bytes, source_format: str = "docx") -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise IngestError(str(path), f"tệp DOCX hỏng, không mở được ({type(exc).__name__})") from exc
    text_of = (_legacy_text_of(document) if _mentions_legacy_font(data) else None) or _plain_text
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(text_of(Paragraph(element, document)))
        elif tag == "tbl":
            lines.append("")
            lines.extend(_table_lines(Table(element, document), text_of))
            lines.append("")
    text = "\n".join(lines)
    if text_of is _plain_text:
        text, _ = fix_legacy_lines(text)
    if not text.strip():
        raise IngestError(str(path), "tệp Word không có chữ (có thể chỉ chứa ảnh)")
    return Extracted(source_format, text)


# --- legacy .doc / .rtf through LibreOffice ---------------------------------------------------------
_soffice_lock = threading.Lock()
_profile_dir: Path | None = None


def soffice_program() -> str | None:
    """LibreOffice's program: $VANKIEN_SOFFICE, else soffice/libreoffice on PATH."""
    named = os.environ.get("VANKIEN_SOFFICE")
    if named:
        return shutil.which(named)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> Path:
    """One private LibreOffice profile per process (parallel runs never share one; reusing it
    within the process saves the few seconds a new profile costs), removed at exit."""
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = Path(tempfile.mkdtemp(prefix=f"vankien-soffice-{os.getpid()}-"))
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def convert_to_docx(path: Path, kind: str, timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    """DOCX bytes of a legacy .doc/.rtf file, converted by LibreOffice headless."""
    label = "tệp Word cũ (.doc)" if kind == "doc" else "tệp RTF"
    exe = soffice_program()
    if exe is None:
        raise IngestError(str(path), f"{label} chưa đọc được, {SOFFICE_HINT}")
    with _soffice_lock, tempfile.TemporaryDirectory(prefix="vankien-convert-") as tmp:
        src = Path(tmp) / f"input.{kind}"  # a plain name: the original may hold any characters
        shutil.copyfile(path, src)
        out_dir = Path(tmp) / "out"
        cmd = [exe, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               f"-env:UserInstallation={_profile().as_uri()}",
               "--convert-to", "docx", "--outdir", str(out_dir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise IngestError(str(path), f"{label}: LibreOffice chuyển đổi quá {timeout:.0f} giây, bỏ qua") from None
        result = out_dir / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise IngestError(str(path), f"{label} hỏng, LibreOffice không chuyển được"
                                         + (f" ({detail[0][:120]})" if detail else ""))
        return result.read_bytes()


def extract_legacy_word(path: Path, kind: str) -> Extracted:
    """A Word 97-2003 .doc or an RTF file: converted to DOCX by LibreOffice, then read as DOCX."""
    return extract_docx(path, convert_to_docx(path, kind), source_format=kind)
