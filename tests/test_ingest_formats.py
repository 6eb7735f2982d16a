"""Real files made inside the tests: PDF, DOCX, HTML, cp1258 text, and the bad ones."""
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from ingest import parse_file
from ingest.formats import detect_format
from ingest.records import IngestError

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans (Vietnamese glyphs) not installed")

PAGES = [
    ["BAN TUYÊN GIÁO TỈNH ỦY", "Số 12-HD/BTGTU", "HƯỚNG DẪN", "về sinh hoạt chi bộ thường kỳ",
     "I. MỤC ĐÍCH, YÊU CẦU",
     "1. Nâng cao chất lượng sinh hoạt chi bộ thường",
     "xuyên theo Chỉ thị số 50-CT/TW, ngày 23/7/2025 của Ban Bí thư.",
     "2. Đẩy mạnh ứng dụng công nghệ thông tin trong công tác tuyên truy-",
     "ền, giáo dục chính trị tư tưởng cho cán bộ, đảng viên."],
    ["II. NỘI DUNG", "1. Chi ủy chuẩn bị chu đáo nội dung sinh hoạt, bảo đảm tính lãnh đạo,",
     "tính giáo dục và tính chiến đấu của tổ chức đảng ở cơ sở.",
     "2. Đảng viên tham gia đầy đủ, phát huy dân chủ, tự phê bình và phê bình."],
    ["III. TỔ CHỨC THỰC HIỆN", "Các chi bộ trực thuộc Đảng ủy triển khai thực hiện Hướng dẫn này",
     "và báo cáo kết quả về Ban Thường vụ Đảng ủy trước ngày 15/12/2025."],
]


def make_pdf(path: Path, pages=PAGES) -> Path:
    doc = pymupdf.open()
    for number, lines in enumerate(pages, start=1):
        page = doc.new_page()
        page.insert_font(fontname="dv", fontfile=str(FONT))
        page.insert_text((72, 40), "BẢN TIN NỘI BỘ - Ban Tuyên giáo Tỉnh ủy", fontname="dv", fontsize=9)
        for i, line in enumerate(lines):
            page.insert_text((72, 100 + 18 * i), line, fontname="dv", fontsize=11)
        page.insert_text((290, 800), str(number), fontname="dv", fontsize=9)
    doc.save(path)
    doc.close()
    return path


@needs_font
def test_pdf_pages_headers_hyphenation(tmp_path):
    doc = parse_file(make_pdf(tmp_path / "huong_dan.pdf"))
    assert doc.source_format == "pdf" and len(doc.page_starts) == 3
    assert "BẢN TIN NỘI BỘ" not in doc.text  # running header
    assert "\n2\n" not in doc.text and not doc.text.rstrip().endswith("3")  # bare page numbers
    assert "công tác tuyên truyền, giáo dục" in doc.text  # hyphenated across lines
    assert "sinh hoạt chi bộ thường xuyên theo Chỉ thị" in doc.text  # line re-flowed
    assert doc.text[doc.page_starts[1]:].startswith("II. NỘI DUNG")
    assert doc.text[doc.page_starts[2]:].startswith("III. TỔ CHỨC THỰC HIỆN")
    m = doc.metadata
    assert (m.doc_type, m.number, m.issuer) == ("Hướng dẫn", "12-HD/BTGTU", "Ban Tuyên giáo Tỉnh ủy")
    assert [r.number for r in doc.references] == ["50-CT/TW"]
    by_top = {p.heading_path[0]: p for p in doc.passages if p.heading_path}
    assert by_top["III. TỔ CHỨC THỰC HIỆN"].pages == (3,)
    assert by_top["II. NỘI DUNG"].pages == (2,)
    for p in doc.passages:
        assert p.text == doc.text[p.start:p.end]
        assert p.pages and all(1 <= n <= 3 for n in p.pages)


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    import docx

    d = docx.Document()
    header = d.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ĐẢNG ỦY XÃ DIÊN KHÁNH"
    header.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    header.cell(1, 0).text = "Số 16-KH/ĐU"
    header.cell(1, 1).text = "Diên Khánh, ngày 13 tháng 11 năm 2025"
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("tuyên truyền và sử dụng ứng dụng Sổ tay đảng viên điện tử")
    d.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    d.add_paragraph("Thực hiện Chỉ thị số 50-CT/TW của Ban Bí thư về sinh hoạt chi bộ.")
    d.add_paragraph("II. PHÂN CÔNG")
    data = d.add_table(rows=5, cols=3)
    for r, row in enumerate([["TT", "Nhiệm vụ", "Thời gian"], ["1", "Cài đặt ứng dụng", "Tháng 12/2025"],
                             ["2", "Tập huấn đảng viên", "Quý I/2026"], ["3", "Sơ kết", "Tháng 6/2026"],
                             ["4", "Tổng kết", "Tháng 12/2026"]]):
        for c, value in enumerate(row):
            data.cell(r, c).text = value
    d.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    path = tmp_path / "ke_hoach.docx"
    d.save(path)
    doc = parse_file(path)
    assert doc.source_format == "docx"
    assert doc.text.index("II. PHÂN CÔNG") < doc.text.index("2 | Tập huấn đảng viên | Quý I/2026") < doc.text.index(
        "III. TỔ CHỨC")
    m = doc.metadata
    assert (m.doc_type, m.number, m.issuer, m.date, m.place) == (
        "Kế hoạch", "16-KH/ĐU", "Đảng ủy xã Diên Khánh", "2025-11-13", "Diên Khánh")
    table_passage = next(p for p in doc.passages if "Tập huấn" in p.text)
    assert table_passage.heading_path[0] == "II. PHÂN CÔNG"


def test_html_news_page_drops_boilerplate(tmp_path):
    html = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Điện tử | Tin</title>
    <meta property="og:title" content="Hội nghị tổng kết Bản tin sinh hoạt chi bộ">
    <script>var tracking = "không được lấy";</script><style>.x{color:red}</style></head>
    <body><header><div class="logo">Báo Điện tử Đảng</div></header>
    <nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a></nav>
    <article><h1>Hội nghị tổng kết Bản tin sinh hoạt chi bộ</h1>
    <time datetime="2024-07-11T14:06:00+07:00">Thứ Năm, 11/07/2024, 14:06</time>
    <p>Ngày 11/7, Ban Tuyên giáo Trung ương tổ chức hội nghị tổng kết theo Kết luận số 18-KL/TW.</p>
    <div class="share-buttons">Chia sẻ Facebook</div>
    <p>Hội nghị ghi nhận nhiều kinh nghiệm hay trong sinh hoạt chi bộ.</p></article>
    <aside class="related">Tin liên quan khác</aside><footer>Bản quyền thuộc về tòa soạn</footer>
    </body></html>"""
    path = tmp_path / "tin.html"
    path.write_text(html, encoding="utf-8")
    doc = parse_file(path)
    assert doc.source_format == "html"
    for junk in ("tracking", "Trang chủ", "Chia sẻ", "Tin liên quan", "Bản quyền", "color:red", "Báo Điện tử Đảng"):
        assert junk not in doc.text, junk
    assert "Hội nghị ghi nhận nhiều kinh nghiệm hay" in doc.text
    m = doc.metadata
    assert (m.doc_type, m.date, m.title) == ("Tin bài", "2024-07-11", "Hội nghị tổng kết Bản tin sinh hoạt chi bộ")
    assert [r.number for r in doc.references] == ["18-KL/TW"]


def _to_cp1258(text: str) -> bytes:
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_cp1258_and_utf16_text(tmp_path):
    text = "TỈNH ỦY KHÁNH HÒA\nSố 07-HD/TU\nHƯỚNG DẪN\nvề việc học tập nghị quyết\n\nI. MỤC ĐÍCH\nNâng cao chất lượng."
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes(_to_cp1258(text))
    with pytest.raises(UnicodeDecodeError):
        legacy.read_bytes().decode("utf-8")
    doc = parse_file(legacy)
    assert doc.text.startswith("TỈNH ỦY KHÁNH HÒA") and "Nâng cao chất lượng." in doc.text
    assert (doc.metadata.issuer, doc.metadata.number) == ("Tỉnh ủy Khánh Hòa", "07-HD/TU")
    wide = tmp_path / "wide.txt"
    wide.write_bytes(text.encode("utf-16"))
    assert parse_file(wide).text == doc.text


def test_detect_format_by_content():
    assert detect_format(b"%PDF-1.7\n") == "pdf"
    assert detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8) == "ole"
    assert detect_format(b"<!DOCTYPE html><html><body></body></html>") == "html"
    assert detect_format("Kế hoạch".encode()) == "text"


def _image_only_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(180)
    page.insert_image(pymupdf.Rect(72, 72, 300, 300), pixmap=pix)
    doc.save(path)
    return path


def _encrypted_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Secret")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="mat-khau", owner_pw="chu-so-huu")
    return path


BAD_FILES = {
    "anh_scan.pdf": (_image_only_pdf, "PDF chỉ có ảnh"),  # OCR finds no text in a grey square
    "hong.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n garbage \x00\xff") or p, "PDF bị hỏng"),
    "mat_khau.pdf": (_encrypted_pdf, "mật khẩu"),
    "rong.txt": (lambda p: p.write_bytes(b"") or p, "tệp rỗng"),
    "cu.doc": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) or p, "định dạng chưa hỗ trợ"),
    "la.bin": (lambda p: p.write_bytes(bytes(range(256)) * 8) or p, "định dạng chưa hỗ trợ"),
    "nen.zip": (lambda p: __import__("zipfile").ZipFile(p, "w").writestr("a.txt", "x") or p, "định dạng chưa hỗ trợ"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_raises_with_name_and_reason(tmp_path, name):
    make, reason = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert reason in info.value.reason
    assert info.value.path == str(path) and name in str(info.value)


def test_oversized_file(tmp_path):
    path = tmp_path / "lon.txt"
    path.write_text("Kế hoạch " * 100, encoding="utf-8")
    with pytest.raises(IngestError, match="tệp quá lớn"):
        parse_file(path, max_bytes=100)


def test_one_bad_file_does_not_stop_a_batch(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("KẾ HOẠCH\nvề một việc\n\nI. MỤC ĐÍCH\nNội dung.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    later = tmp_path / "c.txt"
    later.write_text("Một tin ngắn.", encoding="utf-8")
    parsed, failed = [], []
    for path in sorted(tmp_path.iterdir()):
        try:
            parsed.append(parse_file(path).doc_id)
        except IngestError as exc:
            failed.append((Path(exc.path).name, exc.reason))
    assert parsed == ["a", "c"] and failed == [("b.txt", "tệp rỗng (0 byte)")]
