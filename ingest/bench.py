"""Parsing throughput on a generated PDF, without embedding: `python -m ingest.bench [PAGES]`.

Writes a PDF of PAGES pages (default 200) of Vietnamese plan-style text with running headers and
page numbers into a temporary folder, parses it with `parse_file` and prints pages per minute.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_BODY = [
    "Tiếp tục đổi mới nội dung, phương thức sinh hoạt chi bộ theo Chỉ thị số 50-CT/TW, ngày",
    "23/7/2025 của Ban Bí thư; nâng cao chất lượng Bản tin sinh hoạt chi bộ, bảo đảm thiết thực,",
    "hiệu quả, phù hợp với từng loại hình chi bộ và tình hình thực tiễn của địa phương, đơn vị.",
]


def make_pdf(path: Path, pages: int) -> None:
    import pymupdf

    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()
        font = {"fontname": "dv", "fontfile": str(FONT)} if FONT.exists() else {"fontname": "helv"}
        if "fontfile" in font:
            page.insert_font(**font)
        name = font["fontname"]
        page.insert_text((72, 40), "BÁO CÁO TỔNG KẾT - Ban Tuyên giáo Tỉnh ủy", fontname=name, fontsize=9)
        y = 80
        if number % 4 == 1:
            page.insert_text((72, y), f"{number // 4 + 1}. Nội dung thứ {number // 4 + 1}", fontname=name, fontsize=11)
            y += 18
        for _ in range(12):
            for line in _BODY:
                page.insert_text((72, y), line, fontname=name, fontsize=10)
                y += 15
            y += 5
        page.insert_text((290, 810), str(number), fontname=name, fontsize=9)
    doc.save(path)
    doc.close()


def main(argv: list[str]) -> int:
    from ingest import parse_file

    pages = int(argv[0]) if argv else 200
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        make_pdf(path, pages)
        parse_file(Path(tmp) / "bench.pdf")  # warm-up: the first call imports underthesea
        started = time.perf_counter()
        doc = parse_file(path)
        seconds = time.perf_counter() - started
    print(f"{pages} trang, {len(doc.passages)} đoạn, {len(doc.text):,} ký tự trong {seconds:.2f} s "
          f"= {pages / seconds * 60:,.0f} trang/phút (không tính embedding)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
