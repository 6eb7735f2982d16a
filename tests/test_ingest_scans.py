"""Scanned and damaged PDFs, made in the test: OCR (Tesseract, Vietnamese), mixed PDFs, the
"(bản quét)" flag down to the store, OCR missing, and truncated files (ingest/pdf.py, ingest/ocr.py)."""
import shutil
from pathlib import Path

import pymupdf
import pytest

from ingest import ocr, parse_file
from ingest.records import IngestError

SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
needs_font = pytest.mark.skipif(not SERIF.exists(), reason="DejaVu Serif (Vietnamese glyphs) not installed")
needs_ocr = pytest.mark.skipif(not ocr.available(), reason=f"Tesseract + vie missing ({ocr.INSTALL_HINT})")

SCANNED_LINES = [
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "1. Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng;",
    "đảng viên sử dụng Sổ tay đảng viên điện tử.",
    "2. Cấp ủy kiểm tra, giám sát việc thực hiện nghị quyết.",
]
TYPED_LINES = [
    "ĐẢNG BỘ TỈNH SÔNG LAM", "Số 27-KH/TU", "KẾ HOẠCH", "thực hiện Chỉ thị số 45-CT/TW",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Quán triệt nội dung Chỉ thị đến toàn thể cán bộ, đảng viên trong Đảng bộ tỉnh.",
]


def _text_page(doc, lines, size=13, height=842):
    page = doc.new_page(width=595, height=height)
    writer = pymupdf.TextWriter(page.rect)
    font = pymupdf.Font(fontfile=str(SERIF))
    for i, line in enumerate(lines):
        writer.append((70, 80 + 24 * i), line, font=font, fontsize=size)
    writer.write_text(page)
    return page


def _scan_of(src_page, out_doc, dpi=300):
    """A page that is only an image of `src_page` (grey, `dpi`), as a scanner makes it."""
    pix = src_page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    page = out_doc.new_page(width=src_page.rect.width, height=src_page.rect.height)
    page.insert_image(page.rect, pixmap=pix)
    return page


def _mixed_pdf(path: Path) -> Path:
    """Page 1 typed (text layer), page 2 scanned (image only); a short page keeps OCR quick."""
    src = pymupdf.open()
    _text_page(src, SCANNED_LINES, height=260)
    out = pymupdf.open()
    _text_page(out, TYPED_LINES)
    _scan_of(src[0], out)
    out.save(path)
    return path


def _scan_only_pdf(path: Path) -> Path:
    src = pymupdf.open()
    _text_page(src, SCANNED_LINES, height=260)
    out = pymupdf.open()
    _scan_of(src[0], out)
    out.save(path)
    return path


@needs_font
@needs_ocr
def test_mixed_pdf_text_pages_as_text_scanned_pages_by_ocr(tmp_path):
    seen = []
    doc = parse_file(_mixed_pdf(tmp_path / "ke_hoach_quet.pdf"), progress=lambda *a: seen.append(a))
    assert seen == [(str(tmp_path / "ke_hoach_quet.pdf"), 1, 1)]  # one OCR'd page, reported
    page2 = doc.text[doc.page_starts[1]:]
    for words in ("NHIỆM VỤ", "sinh hoạt thường kỳ", "Sổ tay đảng viên điện tử", "Cấp ủy kiểm tra"):
        assert words in page2, words
    assert page2 == __import__("unicodedata").normalize("NFC", page2)
    assert "Số 27-KH/TU" in doc.text[:doc.page_starts[1]]  # typed page: its text layer
    assert any("OCR" in note and "2" in note for note in doc.notes)
    by_page = {p.pages: p.scanned for p in doc.passages}
    assert by_page.get((1,)) is False or (1,) not in by_page
    assert all(p.scanned == (2 in p.pages) for p in doc.passages)
    assert any(p.scanned for p in doc.passages)


@needs_font
@needs_ocr
def test_scanned_flag_reaches_the_store(tmp_path):
    from index.store import Store

    doc = parse_file(_scan_only_pdf(tmp_path / "quet.pdf"))
    assert doc.passages and all(p.scanned for p in doc.passages)
    store = Store(tmp_path / "kho.sqlite")
    store.add_document(doc, [p.text.split() for p in doc.passages])
    store.commit()
    stored = Store(tmp_path / "kho.sqlite", readonly=True).document(doc.doc_id)
    assert [p.scanned for p in stored.passages] == [True] * len(doc.passages)


def test_older_store_gains_the_column(tmp_path):
    import sqlite3

    from index.store import Store

    db = tmp_path / "cu.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE passages (pid INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL,"
                       " ordinal INTEGER, heading_path TEXT, pages TEXT, start INTEGER, end INTEGER, text TEXT,"
                       " tokens TEXT);")
    conn.close()
    Store(db).close()
    cols = [r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(passages)")]
    assert "scanned" in cols


@needs_font
def test_image_only_pdf_without_tesseract_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("VANKIEN_TESSERACT", str(tmp_path / "khong-co-tesseract"))
    with pytest.raises(IngestError) as info:
        parse_file(_scan_only_pdf(tmp_path / "quet.pdf"))
    assert info.value.reason == "PDF chỉ có ảnh, cần cài OCR: apt-get install tesseract-ocr tesseract-ocr-vie"


@needs_font
def test_mixed_pdf_without_tesseract_keeps_the_typed_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("VANKIEN_TESSERACT", str(tmp_path / "khong-co-tesseract"))
    doc = parse_file(_mixed_pdf(tmp_path / "tron.pdf"))
    assert "Số 27-KH/TU" in doc.text and "NHIỆM VỤ" not in doc.text
    assert any("cần cài OCR" in note and "(2)" in note for note in doc.notes)
    assert not any(p.scanned for p in doc.passages)


def _five_page_pdf() -> bytes:
    doc = pymupdf.open()
    for n in range(1, 6):
        _text_page(doc, [f"Trang {n}: đảng viên sinh hoạt chi bộ, dòng {i}." for i in range(20)], size=11)
    doc.subset_fonts()
    return doc.tobytes(garbage=4, deflate=True)


def _cut_before_page(data: bytes, index: int) -> bytes:
    """The file cut where the content of page `index` (0-based) begins: as a download that stopped."""
    xref = pymupdf.open("pdf", data)[index].get_contents()[0]
    return data[:data.index(b"\n%d 0 obj" % xref)]


@needs_font
def test_truncated_pdf_is_damaged_not_scanned(tmp_path, monkeypatch):
    monkeypatch.setenv("VANKIEN_TESSERACT", str(tmp_path / "khong-co-tesseract"))  # must not matter
    data = _five_page_pdf()
    path = tmp_path / "bi_cat.pdf"
    path.write_bytes(_cut_before_page(data, 3))  # the end of the file is lost, pages 4-5 with it
    doc = parse_file(path)
    assert "Trang 1:" in doc.text and "Trang 3:" in doc.text and "Trang 4:" not in doc.text
    [note] = [n for n in doc.notes if "hỏng" in n]
    assert note == "PDF bị hỏng: đọc được trang 1–3, không đọc được trang 4–5 (trong 5 trang)"
    assert "OCR" not in " ".join(doc.notes)
    assert doc.passages and not any(p.scanned for p in doc.passages)


@needs_font
@pytest.mark.parametrize("keep", [0.3, 0.5])
def test_truncated_pdf_with_nothing_readable(tmp_path, keep):
    data = _five_page_pdf()
    path = tmp_path / "hong.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert info.value.reason.startswith("PDF bị hỏng") and "OCR" not in info.value.reason


def test_ocr_cleaning_and_confusions():
    raw = "Đẳng viên và tổ chức đẳng; chỉ bộ họp; bình đẳng; chỉ bộ phận này\n~~ ' . ,, ~\n\fCao đẳng"
    ocr.FIX_CONFUSIONS, saved = True, ocr.FIX_CONFUSIONS
    try:
        text = ocr._clean(raw)
    finally:
        ocr.FIX_CONFUSIONS = saved
    assert text.split("\n") == ["Đảng viên và tổ chức đảng; chi bộ họp; bình đẳng; chỉ bộ phận này", "", "Cao đẳng"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract not installed")
def test_missing_reason_names_the_packages(monkeypatch, tmp_path):
    monkeypatch.setenv("VANKIEN_TESSERACT", str(tmp_path / "nope"))
    assert not ocr.available() and "tesseract-ocr-vie" in ocr.missing_reason()
    monkeypatch.delenv("VANKIEN_TESSERACT")
    assert ocr.available()


@needs_font
def test_library_indexes_the_readable_pages_and_says_the_file_is_damaged(tmp_path):
    from index.library import Library

    folder = tmp_path / "van_ban"
    folder.mkdir()
    (folder / "bi_cat.pdf").write_bytes(_cut_before_page(_five_page_pdf(), 3))
    (folder / "hong_het.pdf").write_bytes(_five_page_pdf()[:2000])
    lib = Library.open(tmp_path / "idx")
    report = lib.ingest([folder])
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert by_name["bi_cat.pdf"].status == "added"
    assert by_name["bi_cat.pdf"].note == "PDF bị hỏng: đọc được trang 1–3, không đọc được trang 4–5 (trong 5 trang)"
    assert by_name["hong_het.pdf"].status == "failed" and by_name["hong_het.pdf"].reason.startswith("PDF bị hỏng")
    assert "OCR" not in by_name["hong_het.pdf"].reason
    hits = lib.search("Trang 2 đảng viên sinh hoạt chi bộ", k=3)
    assert hits and hits[0].doc_id == by_name["bi_cat.pdf"].doc_id


@needs_font
@needs_ocr
def test_scanned_party_header_and_red_seal_keep_the_metadata(tmp_path):
    """A colour scan: two-column header, and a red seal and a blue signature over the signing block.
    The header's columns come out as separate lines and the seal fades (red channel), so the
    metadata read from OCR is the metadata of the document."""
    regular, bold = pymupdf.Font(fontfile=str(SERIF)), pymupdf.Font(fontfile=str(SERIF).replace(".ttf", "-Bold.ttf"))
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    seal = pymupdf.Point(420, 470)  # drawn first: black toner shows through red ink
    page.draw_circle(seal, 48, color=(0.85, 0.1, 0.1), width=3)
    page.draw_circle(seal, 38, color=(0.85, 0.1, 0.1), width=1)
    page.insert_text((392, 474), "HUYEN UY", fontsize=9, color=(0.85, 0.1, 0.1), fontname="helv")
    page.draw_bezier(pymupdf.Point(375, 490), pymupdf.Point(400, 450), pymupdf.Point(430, 505),
                     pymupdf.Point(465, 470), color=(0.1, 0.1, 0.5), width=1.5)
    writer = pymupdf.TextWriter(page.rect)
    for x, y, text, is_bold, size in [
        (70, 70, "ĐẢNG BỘ TỈNH SÔNG LAM", False, 12), (330, 70, "ĐẢNG CỘNG SẢN VIỆT NAM", True, 12),
        (85, 88, "HUYỆN ỦY HÒA AN", True, 12), (150, 104, "*", False, 12),
        (100, 122, "Số 12-KH/HU", False, 12), (320, 122, "Hòa An, ngày 20 tháng 8 năm 2024", False, 12),
        (250, 170, "KẾ HOẠCH", True, 14), (120, 190, "thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư", False, 13),
        (70, 230, "I. MỤC ĐÍCH, YÊU CẦU", False, 13),
        (70, 252, "1. Quán triệt sâu sắc Chỉ thị đến cán bộ, đảng viên.", False, 13),
        (70, 274, "II. NHIỆM VỤ", False, 13), (70, 296, "1. Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng.", False, 13),
        (330, 420, "T/M BAN THƯỜNG VỤ", True, 12), (370, 436, "BÍ THƯ", True, 12), (360, 520, "Trần Văn Lộc", True, 12),
    ]:
        writer.append((x, y), text, font=bold if is_bold else regular, fontsize=size)
    writer.write_text(page)
    scan = pymupdf.open()
    scanned = scan.new_page(width=595, height=842)
    scanned.insert_image(scanned.rect, pixmap=page.get_pixmap(dpi=300))  # colour scan
    scan.save(tmp_path / "ke_hoach_12.pdf")
    doc = parse_file(tmp_path / "ke_hoach_12.pdf")
    m = doc.metadata
    assert (m.doc_type, m.number, m.issuer, m.date) == ("Kế hoạch", "12-KH/HU", "Huyện ủy Hòa An", "2024-08-20")
    assert m.signer == "Trần Văn Lộc"
    assert [r.number for r in doc.references] == ["45-CT/TW"]
