"""Files a Party office really keeps, made in the test: Word 97-2003 .doc and RTF (LibreOffice), DOCX,
text and PDF in TCVN3/VNI fonts, saved news pages and Markdown."""
import io
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest

from ingest import parse_file
from ingest.office import SOFFICE_HINT
from ingest.records import IngestError
from vntext.legacy import encode_tcvn3, encode_vni

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")

BODY = [
    "ĐẢNG BỘ TỈNH SÔNG LAM", "Số 41-KH/TU", "KẾ HOẠCH", "thực hiện Kết luận số 112-KL/TW của Bộ Chính trị",
    "I. MỤC ĐÍCH, YÊU CẦU", "1. Quán triệt sâu sắc nội dung Kết luận đến cán bộ, đảng viên.",
    "II. NHIỆM VỤ", "1. Các chi bộ sinh hoạt chuyên đề mỗi quý một lần.",
]


def _docx_bytes(paragraphs) -> bytes:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@needs_soffice
def test_word_97_doc_is_read_through_libreoffice(tmp_path):
    src = tmp_path / "nguon.docx"
    src.write_bytes(_docx_bytes(BODY))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "doc:MS Word 97", "--outdir", str(tmp_path / "doc"), str(src)], check=True, capture_output=True,
                   timeout=180)
    path = tmp_path / "doc" / "nguon.doc"
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real OLE Word file
    doc = parse_file(path)
    assert doc.source_format == "doc"
    assert (doc.metadata.doc_type, doc.metadata.number) == ("Kế hoạch", "41-KH/TU")
    assert [r.number for r in doc.references] == ["112-KL/TW"]
    assert "1. Các chi bộ sinh hoạt chuyên đề mỗi quý một lần." in doc.text


@needs_soffice
def test_rtf_is_read_through_libreoffice(tmp_path):
    def rtf_escape(line: str) -> str:
        return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in line)

    body = "\n".join(f"{{\\pard {rtf_escape(line)}\\par}}" for line in BODY)
    path = tmp_path / "ke_hoach.rtf"
    path.write_text("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n" + body + "\n}", encoding="ascii")
    doc = parse_file(path)
    assert doc.source_format == "rtf" and doc.metadata.number == "41-KH/TU"
    assert "Quán triệt sâu sắc nội dung Kết luận" in doc.text


def test_doc_without_libreoffice_says_how_to_enable_it(tmp_path, monkeypatch):
    monkeypatch.setenv("VANKIEN_SOFFICE", str(tmp_path / "khong-co"))
    path = tmp_path / "cu.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "WordDocument".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert SOFFICE_HINT in info.value.reason and "apt-get install libreoffice-writer-nogui" in info.value.reason


# --- TCVN3 / VNI ------------------------------------------------------------------------------------------
def _docx_with_runs(path: Path, runs_by_paragraph, style_font: str | None = None) -> Path:
    """Paragraphs of (text, font) runs; with `style_font`, the Normal style's font is set too."""
    import docx

    d = docx.Document()
    if style_font:
        d.styles["Normal"].font.name = style_font
    for runs in runs_by_paragraph:
        p = d.add_paragraph()
        for text, font in runs:
            r = p.add_run(text)
            if font:
                r.font.name = font
    d.save(path)
    return path


def _cp1252(data: bytes) -> str:
    """Bytes as Word and PDF fonts hand them over: Windows-1252, its five unassigned codes as Latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def _tcvn3(text: str) -> str:
    return _cp1252(encode_tcvn3(text))


def _vni(text: str) -> str:
    return encode_vni(text).decode("cp1252")


def test_docx_mixing_unicode_tcvn3_and_vni_runs(tmp_path):
    path = _docx_with_runs(tmp_path / "tron.docx", [
        [(_tcvn3("đảng cộng sản việt nam"), ".VnTimeH")],
        [("Số 41-KH/TU", "Times New Roman")],
        [("Chi bộ ", "Times New Roman"), (_tcvn3("sinh hoạt thường kỳ vào ngày 3 hằng tháng"), ".VnTime"),
         (", ", None), (_vni("đảng viên tham gia đầy đủ"), "VNI-Times"), (".", "Times New Roman")],
        [("Đảng ủy xã Hòa An", ".VnTime")],  # a font named like ABC but the text is Unicode: left alone
    ])
    doc = parse_file(path)
    lines = doc.text.split("\n")
    assert lines[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "Chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng, đảng viên tham gia đầy đủ." in doc.text
    assert "Đảng ủy xã Hòa An" in doc.text


def test_docx_font_from_the_style(tmp_path):
    path = _docx_with_runs(tmp_path / "kieu.docx", [
        [(_tcvn3("Ban Thường vụ Tỉnh ủy lãnh đạo thực hiện nghị quyết"), None)],
        [(_tcvn3("đảng viên sinh hoạt chi bộ đầy đủ"), None)],
    ], style_font=".VnTime")
    doc = parse_file(path)
    assert "Ban Thường vụ Tỉnh ủy lãnh đạo thực hiện nghị quyết" in doc.text


@pytest.mark.parametrize("encode", [encode_tcvn3, encode_vni], ids=["tcvn3", "vni"])
def test_text_file_in_legacy_encoding(tmp_path, encode):
    text = "\n".join(BODY)
    path = tmp_path / "cu.txt"
    path.write_bytes(encode(text))
    doc = parse_file(path)
    assert doc.text.split("\n")[:4] == BODY[:4]
    assert (doc.metadata.number, doc.metadata.doc_type) == ("41-KH/TU", "Kế hoạch")


def test_utf8_file_with_pasted_tcvn3_lines(tmp_path):
    lines = BODY[:4] + [_tcvn3(line) for line in BODY[4:]]
    path = tmp_path / "dan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert parse_file(path).text.split("\n") == BODY


def test_pdf_text_layer_in_vntime_font(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "So 41-KH/TU", fontname="helv")
    page.insert_text((72, 100), _tcvn3("Đảng bộ tỉnh lãnh đạo thực hiện thắng lợi nghị quyết"), fontname="tiro")
    page.insert_text((72, 128), _tcvn3("đảng cộng sản việt nam"), fontname="tibo")
    for xref, _ext, _type, base, _name, *_ in doc.get_page_fonts(0):
        if base == "Times-Roman":
            doc.xref_set_key(xref, "BaseFont", "/.VnTime")
        if base == "Times-Bold":
            doc.xref_set_key(xref, "BaseFont", "/.VnTimeH")
    path = tmp_path / "vntime.pdf"
    doc.save(path)
    parsed = parse_file(path)
    assert "Đảng bộ tỉnh lãnh đạo thực hiện thắng lợi nghị quyết" in parsed.text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in parsed.text and "So 41-KH/TU" in parsed.text


# --- saved web pages -----------------------------------------------------------------------------------
NEWS = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Tỉnh ủy sơ kết Chỉ thị 45-CT/TW | Báo điện tử Đảng bộ tỉnh Sông Lam</title>
<meta property="og:site_name" content="Báo điện tử Đảng bộ tỉnh Sông Lam">
<meta property="article:published_time" content="2025-05-13T08:30:00+07:00">
<script>var x = "<p>không phải nội dung</p>";</script></head><body>
<header><nav class="main-menu"><a href="/">Trang chủ</a> <a href="/xd">Xây dựng Đảng</a> <a href="/kt">Kinh tế</a></nav></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/xd">Xây dựng Đảng</a></div>
<article><h1>Tỉnh ủy sơ kết một năm thực hiện Chỉ thị 45-CT/TW</h1>
<p class="sapo">Ng&agrave;y 12/5, Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết một năm thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư.</p>
<p>Sau một năm, 100% chi bộ sinh hoạt thường kỳ đúng ngày 3 hằng tháng; 92% đảng viên dùng Sổ tay đảng viên điện tử.</p>
<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/a">Huyện ủy quán triệt Kế hoạch 12-KH/ĐU</a></li>
<li><a href="/b">Nâng cao chất lượng đảng viên trẻ</a></li></ul></div></article>
<aside class="sidebar"><h3>Đọc nhiều</h3><a href="/c">Giá lúa tăng mạnh vụ hè thu</a></aside>
<footer><p>Giấy phép số 123/GP-BTTTT. Hoạt động theo Nghị định số 72/2013/NĐ-CP.</p>
<p>&copy; Bản quyền thuộc về Báo điện tử Đảng bộ tỉnh Sông Lam.</p></footer></body></html>"""

# An older provincial portal: everything inside one ASP.NET <form>, laid out in tables, no <nav>/<footer>.
PORTAL = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Cổng Thông tin điện tử Đảng bộ huyện Hòa An - Tin hoạt động</title></head><body>
<form id="Form" method="post" action="/tin"><table class="tblHeader"><tr><td class="menutop">
<a href="/">TRANG CHỦ</a> | <a href="/gt">GIỚI THIỆU</a> | <a href="/tt">TIN TỨC - SỰ KIỆN</a> | <a href="/vb">VĂN BẢN</a></td></tr></table>
<table><tr><td class="leftcol"><div class="title-module">LIÊN KẾT WEBSITE</div>
<ul><li><a href="/1">Tin trong huyện</a></li><li><a href="/2">Tin trong tỉnh</a></li></ul></td>
<td><div id="dnn_ContentPane"><span class="tieude">Đảng bộ xã Hòa Bình tổng kết công tác xây dựng Đảng năm 2024</span><br>
<span class="ngaydang">Cập nhật: 20/12/2024 15:10</span>
<div class="noidung"><p><b>Chiều 19/12, Đảng ủy xã Hòa Bình tổ chức hội nghị tổng kết công tác xây dựng Đảng năm 2024.</b></p>
<p>Năm 2024, Đảng ủy xã hoàn thành 15/15 chỉ tiêu nghị quyết; kết nạp 9 đảng viên mới, đạt 112% kế hoạch, theo Quy định số 22-QĐ/TW.</p>
<p align="right"><b>Thu Hà</b></p></div>
<div class="other-news"><b>Các tin khác:</b><br><a href="/x">Huyện ủy triển khai nhiệm vụ quý I</a><br><a href="/y">Hội nghị cán bộ chủ chốt</a></div>
</div></td></tr></table>
<table class="tblFooter"><tr><td>CỔNG THÔNG TIN ĐIỆN TỬ ĐẢNG BỘ HUYỆN HÒA AN<br>
Giấy phép số 08/GP-STTTT. Thực hiện theo Nghị định số 72/2013/NĐ-CP của Chính phủ.<br>
Bản quyền &copy; 2018 Huyện ủy Hòa An. Đang truy cập: 35</td></tr></table></form></body></html>"""

# A saved page whose article was stored with its markup escaped (a CMS field pasted as text).
ESCAPED = """<html><head><meta charset="utf-8"><title>Thông báo kết luận</title></head><body>
<div class="detail-content">&lt;p&gt;Thường trực Huyện ủy th&amp;ocirc;ng b&amp;aacute;o kết luận về công tác cán bộ.&lt;/p&gt;
&lt;p&gt;Các chi bộ triển khai thực hiện nghiêm túc.&lt;/p&gt;</div></body></html>"""


@pytest.mark.parametrize("name,page", [("tin.html", NEWS), ("cong.htm", PORTAL)])
def test_saved_news_pages_keep_the_article_only(tmp_path, name, page):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    doc = parse_file(path)
    assert doc.source_format == "html"
    for chrome in ("Trang chủ", "TRANG CHỦ", "Tin liên quan", "Các tin khác", "Đọc nhiều", "Giấy phép",
                   "72/2013/NĐ-CP", "Bản quyền", "©", "Đang truy cập", "LIÊN KẾT", "không phải nội dung", "<", "&"):
        assert chrome not in doc.text, chrome
    assert "72/2013/NĐ-CP" not in [r.number for r in doc.references]
    m = doc.metadata
    if name == "tin.html":
        assert "Ngày 12/5, Ban Thường vụ Tỉnh ủy" in doc.text  # &agrave; decoded
        assert (m.title, m.date) == ("Tỉnh ủy sơ kết một năm thực hiện Chỉ thị 45-CT/TW", "2025-05-13")
        assert m.issuer == "Báo điện tử Đảng bộ tỉnh Sông Lam"
    else:
        assert "kết nạp 9 đảng viên mới" in doc.text
        assert (m.title, m.date) == ("Đảng bộ xã Hòa Bình tổng kết công tác xây dựng Đảng năm 2024", "2024-12-20")
        assert m.issuer == "Cổng Thông tin điện tử Đảng bộ huyện Hòa An"
        assert [r.number for r in doc.references] == ["22-QĐ/TW"]


def test_escaped_markup_and_entities_are_decoded(tmp_path):
    path = tmp_path / "tb.html"
    path.write_text(ESCAPED, encoding="utf-8")
    doc = parse_file(path)
    assert "Thường trực Huyện ủy thông báo kết luận về công tác cán bộ." in doc.text
    assert "&" not in doc.text and "<p>" not in doc.text


def test_markdown_without_markup(tmp_path):
    md = """---
title: ghi chú
---
# KẾ HOẠCH

**Số 41\\-KH/TU**, ngày *20/2/2025* của [Tỉnh ủy](https://example.vn/tu)

| ĐẢNG BỘ TỈNH SÔNG LAM -------- | ĐẢNG CỘNG SẢN VIỆT NAM |
|---|---|
| Số 41-KH/TU | Sông Lam, ngày 20 tháng 2 năm 2025 |

## I. MỤC ĐÍCH, YÊU CẦU

> 1. Quán triệt sâu sắc Kết luận số 112\\-KL/TW đến cán bộ, đảng viên.

Mục tiêu chung
--------------

* Các chi bộ sinh hoạt chuyên đề `mỗi quý`.
"""
    path = tmp_path / "ke_hoach.md"
    path.write_text(md, encoding="utf-8")
    doc = parse_file(path)
    assert doc.source_format == "markdown"
    for markup in ("**", "\\-", "](", "`", "> ", "title:", "|---", "* "):
        assert markup not in doc.text, markup
    assert "Số 41-KH/TU, ngày 20/2/2025 của Tỉnh ủy" in doc.text
    assert "ĐẢNG BỘ TỈNH SÔNG LAM\n--------\nĐẢNG CỘNG SẢN VIỆT NAM" in doc.text
    assert "112-KL/TW" in [r.number for r in doc.references]
    # heading marks are the one markup kept: the chunker reads them (a setext heading becomes "##")
    assert {"# KẾ HOẠCH", "## I. MỤC ĐÍCH, YÊU CẦU", "## Mục tiêu chung"} <= set(doc.text.split("\n"))
    assert {"KẾ HOẠCH", "Mục tiêu chung"} <= {h for p in doc.passages for h in p.heading_path}
