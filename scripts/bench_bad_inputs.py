"""Build the bad-input set and parse it in the isolated worker: outcome, message, seconds, peak RSS.

    .venv/bin/python scripts/bench_bad_inputs.py [--keep DIR] [--max-passages N] [--max-pages N]

The set (issue 17): a DOCX whose document.xml inflates to 1 GiB (1 MB on disk), a 50 MB log as
text, a DOCX of 10,000 paragraphs, a corrupt PDF, a 0-byte file, a text in Windows-1258, a
3,000-page PDF whose only line repeats on every page, a truncated DOCX — and one good document,
which must come out parsed. Target: every bad file refused or parsed with the worker's peak RSS
≤ 1 GiB, each refusal in ≤ 5 s. The builders are imported by tests/test_safety_limits.py.
"""
from __future__ import annotations

import argparse
import resource
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
          '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
          'document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
         '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> None:
    """Write a ZIP from pre-deflated entries: (name, raw deflate stream, crc32, inflated size)."""
    local, central, offset = [], [], 0
    for name, data, crc, size in entries:
        n = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(n), 0) + n
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                   len(n), 0, 0, 0, 0, 0, offset) + n)
        local.append(header + data)
        offset += len(header) + len(data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), offset, 0)
    path.write_bytes(b"".join(local) + cd + end)


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def make_bomb_docx(path: Path, inflated: int = 1 << 30, declared: int | None = None) -> Path:
    """A valid DOCX whose document.xml is one paragraph of `inflated` spaces: ~1 MB on disk.

    Built from one deflated MiB repeated (a full flush resets the compressor, so every block's
    output is the same bytes): a second, not the 25 s zipfile takes to deflate 1 GiB. `declared`:
    the size its directory claims for document.xml, when it should lie."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    block = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    n = inflated >> 20
    stream = first + one * n + c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    _zip(path, [("[Content_Types].xml", *_deflate(_TYPES.encode())), ("_rels/.rels", *_deflate(_RELS.encode())),
                ("word/document.xml", stream, crc, declared or len(head) + n * len(block) + len(tail))])
    return path


def make_giant_text(path: Path, size: int = 50 << 20) -> Path:
    line = "2025-01-06 10:00:01 máy chủ ghi nhận người dùng đăng nhập thành công, phiên số 12345.\n"
    reps = size // len(line.encode("utf-8")) + 1
    path.write_text(line * reps, encoding="utf-8")
    return path


def _docx(path: Path, body_xml: str) -> Path:
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{body_xml}</w:body></w:document>'
    _zip(path, [("[Content_Types].xml", *_deflate(_TYPES.encode())), ("_rels/.rels", *_deflate(_RELS.encode())),
                ("word/document.xml", *_deflate(doc.encode("utf-8")))])
    return path


def make_many_paragraphs_docx(path: Path, paragraphs: int = 10_000) -> Path:
    """A DOCX of `paragraphs` short paragraphs (~90 KB), written as XML: python-docx takes 7 s."""
    return _docx(path, "".join(f"<w:p><w:r><w:t>Đoạn {i + 1}: chi bộ thảo luận nội dung sinh hoạt chuyên đề "
                               "tháng này.</w:t></w:r></w:p>" for i in range(paragraphs)))


def make_repeated_line_pdf(path: Path, pages: int = 3000) -> Path:
    """A PDF of `pages` pages that all show the one shared content stream "Luu hanh noi bo"."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
               + b"] /Count %d >>" % pages,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    content = b"BT /F1 12 Tf 20 100 Td (Luu hanh noi bo) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_good_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for text in ("ĐẢNG BỘ TỈNH TIỀN GIANG", "CHI BỘ KHU PHỐ 3", "NGHỊ QUYẾT", "về sinh hoạt chi bộ năm 2025",
                 "1. Chi bộ tổ chức sinh hoạt thường kỳ vào ngày 5 hằng tháng, đảng viên tham dự đầy đủ.",
                 "2. Mỗi quý sinh hoạt chuyên đề một lần về học tập và làm theo tư tưởng Hồ Chí Minh."):
        d.add_paragraph(text)
    d.save(str(path))
    return path


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: precomposed ă â ê ô ơ ư, combining tone marks."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def build_set(folder: Path, pdf_pages: int = 3000) -> list[Path]:
    """Every bad input (and one good DOCX) in `folder`, in the order the bench reports them."""
    folder.mkdir(parents=True, exist_ok=True)
    good = make_good_docx(folder / "nghi-quyet-tot.docx")
    truncated = folder / "bi-cat-cut.docx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    corrupt = folder / "hong.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 40)
    (folder / "rong.txt").write_bytes(b"")
    (folder / "bang-ma-1258.txt").write_bytes(
        _cp1258("Chi bộ họp thường kỳ; đảng viên thảo luận nghị quyết về công tác xây dựng Đảng.\n") * 20)
    return [make_bomb_docx(folder / "bom-nen.docx"), make_giant_text(folder / "nhat-ky-50MB.txt"),
            make_many_paragraphs_docx(folder / "10000-doan.docx"), corrupt, folder / "rong.txt",
            folder / "bang-ma-1258.txt", make_repeated_line_pdf(folder / "3000-trang-lap.pdf", pdf_pages),
            truncated, good]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="build the set in this folder and keep it")
    ap.add_argument("--max-passages", type=int)
    ap.add_argument("--max-pages", type=int)
    args = ap.parse_args(argv)
    from ingest.isolated import ParseWorker
    from ingest.limits import Limits
    from ingest.records import IngestError

    with tempfile.TemporaryDirectory(prefix="vankien-bad-") as tmp:
        folder = args.keep or Path(tmp)
        t = time.perf_counter()
        files = build_set(folder)
        print(f"Bộ tệp xấu: {len(files)} tệp trong {folder}, dựng trong {time.perf_counter() - t:.1f} s")
        worker = ParseWorker(Limits.from_env(max_passages=args.max_passages, max_pages=args.max_pages))
        t = time.perf_counter()
        worker.start()  # outside the per-file timings
        print(f"Khởi động bộ đọc: {time.perf_counter() - t:.1f} s; giới hạn {worker.limits}")
        print(f"{'tệp':<22} {'MB':>7} {'kết quả':<9} {'giây':>6} {'RSS đỉnh MB':>11}  thông báo")
        worst = 0.0
        for f in files:
            t = time.perf_counter()
            try:
                doc = worker.parse(f)
                outcome, message = "đọc được", f"{len(doc.passages)} đoạn, {len(doc.page_starts)} trang"
            except IngestError as exc:
                outcome, message = "từ chối", exc.reason
            dt = time.perf_counter() - t
            if outcome == "từ chối":
                worst = max(worst, dt)
            print(f"{f.name:<22} {f.stat().st_size / 1e6:7.2f} {outcome:<9} {dt:6.2f} {worker.peak_rss / 2**20:11.0f}"
                  f"  {message}", flush=True)
        worker.close()
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"Từ chối chậm nhất: {worst:.2f} s; RSS đỉnh của bộ đọc {worker.peak_rss / 2**20:.0f} MB "
              f"(ru_maxrss các tiến trình con: {children:.0f} MB); khởi động lại {worker.restarts} lần")
    return 0


if __name__ == "__main__":
    sys.exit(main())
