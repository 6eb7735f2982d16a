"""The PDF side of the sample-corpus generator: an A4 page writer on pymupdf with DejaVu Serif
(full Vietnamese glyphs), running page footers, and deterministic output (fixed dates, subset fonts).
Used by scripts/make_corpus.py."""
from __future__ import annotations

from pathlib import Path

import pymupdf

FICTION_NOTE = "Văn bản mẫu hư cấu, viết cho dự án Văn kiện; không phải văn bản thật."
FOOTER_PREFIX = "Trang "  # PDF footer: "Trang 2/3"
# ---------------------------------------------------------------------------------------------
# PDF (pymupdf, TrueType font with full Vietnamese glyphs, subset on save)

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
_FONT_FILES = {
    "regular": "DejaVuSerif.ttf",
    "bold": "DejaVuSerif-Bold.ttf",
    "italic": "DejaVuSerif-Italic.ttf",
}


def _font_paths() -> dict[str, Path]:
    for d in _FONT_DIRS:
        paths = {k: Path(d) / f for k, f in _FONT_FILES.items()}
        if all(p.exists() for p in paths.values()):
            return paths
    raise FileNotFoundError(
        "DejaVu Serif fonts not found (needed for Vietnamese glyphs in the PDFs); "
        "install fonts-dejavu-core, or use the committed corpus/ as is"
    )


def _pdf_date(iso: str) -> str:
    return "D:" + iso.replace("-", "") + "080000+07'00'"


class _PdfWriter:
    PAGE_W, PAGE_H = 595.0, 842.0  # A4
    LEFT, RIGHT, TOP, BOTTOM = 80.0, 56.0, 56.0, 70.0
    SIZE = 12.0
    LEADING = 1.45

    def __init__(self) -> None:
        import pymupdf

        self.pymupdf = pymupdf
        self.fonts = {k: pymupdf.Font(fontfile=str(p)) for k, p in _font_paths().items()}
        self.doc = pymupdf.open()
        self.page = None
        self.writer = None
        self.y = 0.0
        self._new_page()

    # -- page handling
    def _flush(self) -> None:
        if self.writer is not None:
            self.writer.write_text(self.page)
            self.writer = None

    def _new_page(self) -> None:
        self._flush()
        self.page = self.doc.new_page(width=self.PAGE_W, height=self.PAGE_H)
        self.writer = self.pymupdf.TextWriter(self.page.rect)
        self.y = self.TOP

    def _ensure(self, height: float) -> None:
        if self.y + height > self.PAGE_H - self.BOTTOM:
            self._new_page()

    # -- text primitives
    def _wrap(self, text: str, width: float, style: str, size: float, indent: float = 0.0) -> list[str]:
        font = self.fonts[style]
        lines: list[str] = []
        cur = ""
        avail = width - indent
        for word in text.split(" "):
            cand = word if not cur else cur + " " + word
            if font.text_length(cand, fontsize=size) <= avail or not cur:
                cur = cand
            else:
                lines.append(cur)
                cur = word
                avail = width
        lines.append(cur)
        return lines

    def _put(self, x: float, y: float, text: str, style: str, size: float) -> None:
        self.writer.append((x, y), text, font=self.fonts[style], fontsize=size)

    def _centered(self, text: str, x0: float, x1: float, style: str, size: float) -> None:
        lh = size * self.LEADING
        for line in self._wrap(text, x1 - x0, style, size):
            self._ensure(lh)
            w = self.fonts[style].text_length(line, fontsize=size)
            self.y += lh
            self._put(x0 + (x1 - x0 - w) / 2, self.y - size * 0.3, line, style, size)

    def _column(self, lines: list[tuple[str, str]], x0: float, x1: float, size: float, centred: bool) -> float:
        """Write a column of (text, style) lines from self.y without page breaks; return its bottom."""
        y = self.y
        lh = size * self.LEADING
        for text, style in lines:
            for line in self._wrap(text, x1 - x0, style, size):
                y += lh
                w = self.fonts[style].text_length(line, fontsize=size)
                x = x0 + (x1 - x0 - w) / 2 if centred else x0
                self._put(x, y - size * 0.3, line, style, size)
        return y

    # -- blocks
    def header(self, left: list[str], right: list[str]) -> None:
        if not left and not right:
            return
        star = left.index("*") if "*" in left else len(left)
        lstyles = [(t, "bold" if i == star - 1 else "regular") for i, t in enumerate(left)]
        rstyles = [(t, "bold" if i == 0 else ("italic" if ", ngày" in t else "regular")) for i, t in enumerate(right)]
        mid = self.LEFT + 215
        y1 = self._column(lstyles, self.LEFT - 20, mid, 11.5, centred=True)
        y2 = self._column(rstyles, mid + 10, self.PAGE_W - self.RIGHT + 10, 11.5, centred=True)
        self.y = max(y1, y2) + 14

    def center(self, text: str, style: str) -> None:
        self._centered(text, self.LEFT, self.PAGE_W - self.RIGHT, style, self.SIZE + (1 if style == "bold" else 0))

    def para(self, text: str, style: str = "regular", indent: float = 28.0) -> None:
        size = self.SIZE
        lh = size * self.LEADING
        width = self.PAGE_W - self.LEFT - self.RIGHT
        self.y += 8 if style == "bold" else 3  # a little air above headings
        for i, line in enumerate(self._wrap(text, width, style, size, indent)):
            self._ensure(lh)
            self.y += lh
            self._put(self.LEFT + (indent if i == 0 else 0), self.y - size * 0.3, line, style, size)

    def table(self, rows: list[list[str]]) -> None:
        size = self.SIZE - 1.5
        lh = size * self.LEADING
        width = self.PAGE_W - self.LEFT - self.RIGHT
        ncol = max(len(r) for r in rows)
        colw = width / ncol
        self.y += 6
        for r, row in enumerate(rows):
            style = "bold" if r == 0 else "regular"
            wrapped = [self._wrap(c, colw - 8, style, size) for c in row]
            h = max(len(w) for w in wrapped) * lh + 6
            self._ensure(h)
            for c, lines in enumerate(wrapped):
                x = self.LEFT + c * colw
                for i, line in enumerate(lines):
                    self._put(x + 4, self.y + 3 + (i + 1) * lh - size * 0.3, line, style, size)
                self.page.draw_rect(self.pymupdf.Rect(x, self.y, x + colw, self.y + h), width=0.5)
            self.y += h

    def sign(self, left: list[str], right: list[str]) -> None:
        lsize, rsize = 10.0, self.SIZE
        need = max(len(left) * lsize, len(right) * rsize) * self.LEADING + 20
        self._ensure(need)
        self.y += 14
        lstyles = [(t, "bold" if i == 0 else "regular") for i, t in enumerate(left)]
        rstyles = [(t, "italic" if t.startswith("(") else "bold") for t in right]
        mid = self.LEFT + 230
        y1 = self._column(lstyles, self.LEFT, mid, lsize, centred=False)
        y2 = self._column(rstyles, mid + 10, self.PAGE_W - self.RIGHT, rsize, centred=True)
        self.y = max(y1, y2)

    def finish(self, meta: dict[str, str], issuer: str) -> bytes:
        self._flush()
        n = self.doc.page_count
        for i, page in enumerate(self.doc):
            tw = self.pymupdf.TextWriter(page.rect)
            label = f"{FOOTER_PREFIX}{i + 1}/{n}"
            w = self.fonts["regular"].text_length(label, fontsize=10)
            tw.append(((self.PAGE_W - w) / 2, self.PAGE_H - 36), label, font=self.fonts["regular"], fontsize=10)
            tw.write_text(page)
        self.doc.subset_fonts()
        date = _pdf_date(meta["date"])
        self.doc.set_metadata(
            {
                "title": meta["title"],
                "author": issuer,
                "subject": FICTION_NOTE,
                "keywords": "văn bản mẫu; Văn kiện",
                "creator": "scripts/make_corpus.py",
                "producer": "PyMuPDF",
                "creationDate": date,
                "modDate": date,
            }
        )
        return self.doc.tobytes(garbage=4, deflate=True, no_new_id=True)
