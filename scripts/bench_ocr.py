"""OCR benchmark: `python scripts/bench_ocr.py [--docs N] [--size PT] [--variants clean,skew,noise]`.

Renders PDFs itself from the project's own Party-document texts (scripts/corpus_src, the sources of
the fictional sample corpus): A4, Liberation Serif (metric twin of Times New Roman) at 13 pt, the
document's header lines and body. Each page is rasterised at 300 dpi in grey and, per variant,
  clean  as rendered,
  skew   turned by 0.5–1.5° (alternating direction, fixed seed), as a sheet fed askew,
  noise  speckled (2 % of pixels flipped to grey levels) and lightly blurred, as a worn photocopy,
wrapped into an image-only PDF and parsed by the real ingest path (`parse_file`: page triage, OCR
with Tesseract `vie`, normalisation). Printed per variant: pages/min (wall clock of parse_file) and
character accuracy 1 − CER, CER = edit distance / length over NFC, whitespace-normalised text of
each page, against the text layer of the rendered PDF (read by the same reader). Target: ≥ 97 %
on clean 300-dpi pages. For the clean variant it also prints the accuracy without the two lexicon
corrections (ingest/ocr.py FIX_CONFUSIONS).

Then searchability: the text-layer PDFs and the clean OCR'd PDFs are ingested into two real
Libraries (default encoder) and the same queries are asked of both; for each query the top hit's
document and section are compared.

Liberation Serif's cmap maps the hyphen and the space to U+00AD and U+00A0 when text is read back;
the truth takes them as "-" and " " (a font quirk, not something the reader of real PDFs meets).
"""
from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf")
SOURCES = ["01-chi-thi-45", "03-ke-hoach-27", "09-thong-bao-58", "10-ket-luan-112", "05-ke-hoach-12",
           "07-quy-dinh-03"]
QUERIES = [
    "sinh hoạt chi bộ vào ngày 3 hằng tháng",
    "Sổ tay đảng viên điện tử",
    "phát triển đảng viên trong đoàn viên thanh niên",
    "đảng viên hỗ trợ số giúp đảng viên cao tuổi",
    "kiểm tra, giám sát việc thực hiện chỉ thị",
    "chi bộ không kết nạp được đảng viên",
]
DPI = 300


def _source_lines(name: str) -> list[tuple[str, bool]]:
    """(line, bold) of a corpus source: header lines, then the body with its markup taken off."""
    text = (ROOT / "scripts" / "corpus_src" / f"{name}.src.txt").read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    lines: list[tuple[str, bool]] = []
    for line in head.splitlines():
        if line.startswith(("left: ", "right: ")):
            lines.append((line.split(": ", 1)[1], True))
    for line in body.splitlines():
        line = line.rstrip()
        if not line or re.fullmatch(r"#?\s*-{3,}", line):
            continue
        bold = line.startswith(("# ", "= "))
        lines.append((re.sub(r"^(?:#|=|\*)\s+", "", line), bold))
    return lines


def render_pdf(name: str, size: float):
    """A4 pages of the document in Liberation Serif at `size` pt; returns the pymupdf document."""
    import pymupdf

    regular, bold = pymupdf.Font(fontfile=str(FONT)), pymupdf.Font(fontfile=str(FONT_BOLD))
    doc = pymupdf.open()
    left, right, top, bottom = 70.0, 540.0, 60.0, 790.0
    page, writer, y = None, None, bottom
    for text, is_bold in _source_lines(name):
        font = bold if is_bold else regular
        words, line = text.split(), ""
        wrapped = []
        for word in words:
            trial = f"{line} {word}".strip()
            if font.text_length(trial, fontsize=size) > right - left and line:
                wrapped.append(line)
                line = word
            else:
                line = trial
        wrapped.append(line)
        for piece in wrapped:
            if y + size * 1.5 > bottom:
                if writer is not None:
                    writer.write_text(page)
                page = doc.new_page(width=595, height=842)
                writer = pymupdf.TextWriter(page.rect)
                y = top
            y += size * 1.5
            writer.append((left, y), piece, font=font, fontsize=size)
        y += size * 0.4
    writer.write_text(page)
    return pymupdf.open("pdf", doc.tobytes(garbage=3, deflate=True))


def page_images(doc, variant: str, seed: int = 12) -> list[bytes]:
    """PNG images of the pages at 300 dpi, grey, with the variant's damage."""
    import pymupdf
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    out = []
    for number, page in enumerate(doc):
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
        img = Image.open(io.BytesIO(pix.tobytes("png"))).convert("L")
        if variant == "skew":
            angle = rng.uniform(0.5, 1.5) * (1 if number % 2 == 0 else -1)
            img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        elif variant == "noise":
            arr = np.array(img, dtype=np.int16)
            mask = np.random.default_rng(seed + number).random(arr.shape) < 0.02
            arr[mask] = np.random.default_rng(seed).integers(60, 200, int(mask.sum()))
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        out.append(buf.getvalue())
    return out


def image_pdf(images: list[bytes], path: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    for png in images:
        page = doc.new_page(width=595, height=842)
        page.insert_image(page.rect, stream=png)
    doc.save(path, deflate=True)


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row per character of `a`."""
    if not a or not b:
        return max(len(a), len(b))
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    prev = idx.copy()
    for i, ch in enumerate(a, start=1):
        cost = (bb != ord(ch)).astype(np.int64)
        tmp = np.empty(len(b) + 1, dtype=np.int64)
        tmp[0] = i
        tmp[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        prev = np.minimum.accumulate(tmp - idx) + idx
    return int(prev[-1])


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u00ad", "-").replace("\u00a0", " "))
    return " ".join(text.split())


def _pages(doc) -> list[str]:
    starts = list(doc.page_starts) + [len(doc.text)]
    return [doc.text[starts[i]:starts[i + 1]] for i in range(len(doc.page_starts))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=4, help="how many source documents (default 4)")
    ap.add_argument("--size", type=float, default=13.0, help="font size in pt (default 13)")
    ap.add_argument("--variants", default="clean,skew,noise")
    ap.add_argument("--no-search", action="store_true", help="skip the searchability comparison")
    args = ap.parse_args(argv)

    from ingest import ocr, parse_file

    if not ocr.available():
        print(f"OCR không chạy được: {ocr.missing_reason()}", file=sys.stderr)
        return 2
    names = SOURCES[: args.docs]
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        tmp = Path(tmp)
        text_dir, truths = tmp / "text", {}
        text_dir.mkdir()
        rendered = {}
        for name in names:
            doc = render_pdf(name, args.size)
            path = text_dir / f"{name}.pdf"
            doc.save(path)
            rendered[name] = doc
            truths[name] = [_squash(p) for p in _pages(parse_file(path))]
        n_pages = sum(len(t) for t in truths.values())
        print(f"{len(names)} văn bản, {n_pages} trang A4, Liberation Serif {args.size:g} pt, {DPI} dpi, "
              f"{ocr.workers()} tiến trình Tesseract song song")
        print(f"{'biến thể':<8} {'trang':>5} {'trang/phút':>10} {'độ chính xác ký tự':>19}")
        ocr_dirs = {}
        for variant in args.variants.split(","):
            vdir = tmp / variant
            vdir.mkdir()
            for name in names:
                image_pdf(page_images(rendered[name], variant), vdir / f"{name}.pdf")
            dist = length = pages = 0
            started = time.perf_counter()
            parsed = {name: parse_file(vdir / f"{name}.pdf") for name in names}
            elapsed = time.perf_counter() - started
            raw_dist = 0
            for name in names:
                got = [_squash(p) for p in _pages(parsed[name])]
                for truth, text in zip(truths[name], got + [""] * (len(truths[name]) - len(got))):
                    dist += levenshtein(truth, text)
                    length += len(truth)
                pages += len(truths[name])
            print(f"{variant:<8} {pages:>5} {pages / elapsed * 60:>10.1f} {100 * (1 - dist / length):>18.2f}%")
            if variant == "clean":
                ocr.FIX_CONFUSIONS = False
                try:
                    for name in names:
                        got = [_squash(p) for p in _pages(parse_file(vdir / f"{name}.pdf"))]
                        raw_dist += sum(levenshtein(t, g) for t, g in zip(truths[name], got))
                finally:
                    ocr.FIX_CONFUSIONS = True
                print(f"{'':<8} {'':>5} {'':>10} {100 * (1 - raw_dist / length):>18.2f}%  (clean, không sửa "
                      f"đẳng→đảng, chỉ bộ→chi bộ)")
            ocr_dirs[variant] = vdir
        if not args.no_search and "clean" in ocr_dirs:
            _compare_search(tmp, text_dir, ocr_dirs["clean"])
    return 0


def _compare_search(tmp: Path, text_dir: Path, ocr_dir: Path) -> None:
    from index.library import Library

    libs = {}
    for label, folder in (("lớp chữ", text_dir), ("OCR", ocr_dir)):
        lib = Library.open(tmp / f"lib-{label}")
        report = lib.ingest([folder])
        assert not report.failed, [(o.path, o.reason) for o in report.failed]
        libs[label] = lib
    print("\nTìm cùng câu hỏi trên bản có lớp chữ và bản OCR (kết quả đầu):")
    same = 0
    for query in QUERIES:
        tops = {}
        for label, lib in libs.items():
            hits = lib.search(query, k=3)
            tops[label] = (hits[0].doc_id, " > ".join(hits[0].heading_path)[:50]) if hits else ("-", "")
        match = tops["lớp chữ"][0] == tops["OCR"][0]
        same += match
        mark = "=" if match else "≠"
        print(f"  {mark} {query!r}: {tops['lớp chữ'][0]} [{tops['lớp chữ'][1]}] | OCR: {tops['OCR'][0]} "
              f"[{tops['OCR'][1]}]")
    print(f"Cùng văn bản đứng đầu: {same}/{len(QUERIES)} câu hỏi")


if __name__ == "__main__":
    sys.exit(main())
