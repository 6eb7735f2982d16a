"""Thematic-meeting packs: grouping and order, and the handout read back with python-docx and, rendered by
LibreOffice, as a PDF (page size, fonts, page numbers)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document

from index.records import SearchHit
from ingest.records import DocumentHeader
from vankien.answers.handout_docx import Letterhead, export_docx, export_pdf, handout_filename, load_letterhead, save_letterhead
from vankien.answers.pack import build_pack, excerpt_lines, export_markdown, group_hits, is_central, make_handout


def _hit(doc_id, ordinal, number, issuer, date, doc_type="Kế hoạch", text=None):
    text = text or f"Đoạn {ordinal} của {number}: nâng cao chất lượng sinh hoạt chi bộ."
    return SearchHit(doc_id=doc_id, ordinal=ordinal,
                     header=DocumentHeader(doc_type, number, date, issuer, title=f"{doc_type} {number}"),
                     heading_path=("II. NHIỆM VỤ", "1. Nội dung"),
                     pages=(2, 3), text=text, score=1.0, start=0, end=len(text))


def test_central_documents_first_then_newest_first():
    hits = [
        _hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10"),
        _hit("ct45", 5, "45-CT/TW", "Ban Bí thư", "2024-05-12", "Chỉ thị"),
        _hit("kh41", 1, "41-KH/TU", "Tỉnh ủy Sông Lam", "2025-02-20"),
        _hit("kl112", 2, "112-KL/TW", "Ban Chấp hành Trung ương", "2025-01-14", "Kết luận"),
        _hit("kh27", 1, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10"),
    ]
    pack = group_hits("sinh hoạt chi bộ", hits)
    assert [g.doc_id for g in pack.groups] == ["kl112", "ct45", "kh41", "kh27"]
    assert [g.central for g in pack.groups] == [True, True, False, False]
    assert [i.ordinal for i in pack.groups[-1].items] == [1, 3]  # document order inside a group


def test_is_central():
    assert is_central("Ban Bí thư", "")
    assert is_central("Bộ Chính trị", "")
    assert is_central("Ban Chấp hành Trung ương", "")
    assert is_central("", "50-CT/TW")
    assert not is_central("Tỉnh ủy Sông Lam", "27-KH/TU")
    assert not is_central("Đảng ủy xã Hòa An", "12-KH/ĐU")


def test_handout_keeps_the_chosen_order_and_skips_unknown_keys():
    pack = group_hits("t", [_hit("a", 1, "1-KH/TU", "Tỉnh ủy", "2024-01-01"),
                            _hit("b", 2, "2-KH/TU", "Tỉnh ủy", "2024-02-01")])
    handout = make_handout(pack, keep=["a#1", "zzz#9", "b#2", "a#1"], note="Ghi chú")
    assert [i.key for i in handout.items] == ["a#1", "b#2"]
    assert make_handout(pack).items == tuple(pack.items())


def test_neighbouring_passages_print_their_shared_sentence_once():
    from dataclasses import replace

    text = ("Chi bộ sinh hoạt thường kỳ mỗi tháng một lần. Việc cung cấp tài liệu còn chậm. "
            "Đảng viên dùng Sổ tay đảng viên điện tử.")
    cut = text.index("Việc")
    first = replace(_hit("a", 1, "1-KH/TU", "Tỉnh ủy", "2024-01-01"), text=text[:text.index("Đảng viên")], end=text.index("Đảng viên"))
    second = replace(_hit("a", 2, "1-KH/TU", "Tỉnh ủy", "2024-01-01"), text=text[cut:], start=cut, end=len(text))
    other = replace(second, doc_id="b", ordinal=7)
    pack = group_hits("t", [first, second, other])
    printed = {i.key: i.text for i in make_handout(pack, keep=["a#1", "a#2", "b#7"]).items}
    assert printed["a#1"] == first.text and printed["a#2"] == "Đảng viên dùng Sổ tay đảng viên điện tử."
    assert printed["b#7"] == other.text  # another document's passage is left whole
    # in the other order nothing is cut: each excerpt stands alone
    assert {i.key: i.text for i in make_handout(pack, keep=["a#2", "a#1"]).items}["a#1"] == first.text


def _headings(doc):
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]


def _body_after(doc, heading: str) -> list[str]:
    paragraphs = list(doc.paragraphs)
    i = [p.text for p in paragraphs].index(heading)
    out = []
    for p in paragraphs[i + 1:]:
        if p.style.name != "Normal":
            break
        out.append(p.text)
    return out


def test_docx_holds_every_chosen_passage_under_a_heading_naming_its_source(tmp_path):
    hits = [_hit("ct45", 5, "45-CT/TW", "Ban Bí thư", "2024-05-12", "Chỉ thị",
                 "BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nChi bộ sinh hoạt thường kỳ mỗi tháng một lần.\n-----\n"
                 "Sinh hoạt chuyên đề ít nhất mỗi quý một lần."),
            _hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10", text="Nội dung <script>x</script> & thử")]
    pack = group_hits("sinh hoạt chi bộ", hits)
    handout = make_handout(pack, keep=["kh27#3", "ct45#5"], note="Đọc trước khi họp.")
    path = export_docx(handout, tmp_path / "tai-lieu.docx",
                       Letterhead("Đảng bộ xã Hòa An", "Chi bộ thôn 3", "Hòa An"), date(2026, 12, 2))
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    full = "\n".join(paragraphs)
    header = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    assert header == ["ĐẢNG BỘ XÃ HÒA AN", "CHI BỘ THÔN 3", "*", "ĐẢNG CỘNG SẢN VIỆT NAM",
                      "Hòa An, ngày 02 tháng 12 năm 2026"]
    assert "TÀI LIỆU SINH HOẠT CHUYÊN ĐỀ" in paragraphs
    assert "Chuyên đề: sinh hoạt chi bộ" in paragraphs and "Ghi chú: Đọc trước khi họp." in paragraphs
    assert _headings(doc) == ["1. Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam — mục II.1, tr. 2–3",
                              "2. Chỉ thị số 45-CT/TW ngày 12/5/2024 của Ban Bí thư — mục II.1, tr. 2–3"]
    assert _body_after(doc, _headings(doc)[0]) == ["Nội dung <script>x</script> & thử"]
    # layout ornaments of the source ("*", "-----") are not content
    assert _body_after(doc, _headings(doc)[1]) == ["BAN CHẤP HÀNH TRUNG ƯƠNG",
                                                   "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.",
                                                   "Sinh hoạt chuyên đề ít nhất mỗi quý một lần."]
    body_runs = [r for p in doc.paragraphs if p.style.name == "Normal" for r in p.runs]
    assert not any(r.italic for r in body_runs if r.text.startswith(("Nội dung", "Chi bộ", "Sinh hoạt")))
    i = paragraphs.index("Tài liệu tham khảo")
    sources = [p.text for p in doc.paragraphs[i + 1:] if p.style.name == "List Number"]
    assert sources == ["Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam",
                       "Chỉ thị số 45-CT/TW ngày 12/5/2024 của Ban Bí thư"]
    assert "sinh hoạt chi bộ" in doc.core_properties.title
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        assert doc.styles[name].font.name == "Times New Roman"
    assert not list(tmp_path.glob("*.tmp"))
    assert full.index("27-KH/TU") < full.index("45-CT/TW")


def test_handout_file_name_from_topic_and_date():
    assert handout_filename("Nâng cao chất lượng sinh hoạt chi bộ!", date(2026, 12, 2)) == \
        "tai-lieu-sinh-hoat-nang-cao-chat-luong-sinh-hoat-chi-bo-2026-12-02.docx"
    assert handout_filename("", date(2026, 1, 5), ".pdf") == "tai-lieu-sinh-hoat-chuyen-de-2026-01-05.pdf"


def test_letterhead_is_saved_beside_the_index(tmp_path):
    assert load_letterhead(tmp_path) == Letterhead()
    save_letterhead(tmp_path, Letterhead("Đảng bộ xã Hòa An", "Chi bộ thôn 3", "Hòa An"))
    assert load_letterhead(tmp_path) == Letterhead("Đảng bộ xã Hòa An", "Chi bộ thôn 3", "Hòa An")


def test_markdown_quotes_and_sources():
    pack = group_hits("t", [_hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10",
                                 text="Dòng một <b>đậm</b>\nDòng hai")])
    md = export_markdown(make_handout(pack, note="n"))
    assert "> Dòng một \\<b>đậm\\</b>\n> Dòng hai" in md
    assert "### 1. Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam — mục II.1, tr. 2–3" in md
    assert "## Tài liệu tham khảo" in md
    assert md.rstrip().endswith("1. Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam")


def test_empty_theme_says_what_to_type():
    with pytest.raises(ValueError, match="Hãy nhập chủ đề"):
        build_pack(None, "  ")


def test_pack_over_the_sample_corpus_exports_every_chosen_passage(answer_library, tmp_path):
    pack = build_pack(answer_library, "nâng cao chất lượng sinh hoạt chi bộ", k=12)
    items = pack.items()
    assert len(items) >= 5
    centrals = [g.central for g in pack.groups]
    assert centrals == sorted(centrals, reverse=True)  # central documents first
    chosen = [items[4].key, items[0].key, items[2].key]
    handout = make_handout(pack, keep=chosen, note="Chuẩn bị cho kỳ sinh hoạt chuyên đề quý IV.")
    doc = Document(str(export_docx(handout, tmp_path / "chuyen-de.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = _headings(doc)
    assert len(headings) == 3
    for n, (key, heading) in enumerate(zip(chosen, headings), 1):
        item = pack.item(key)
        assert heading == f"{n}. {item.citation}"
        assert _body_after(doc, heading) == excerpt_lines(item.text)
        if item.number:
            assert item.number in heading
        if item.date:
            y, m, d = item.date.split("-")
            assert f"{int(d)}/{int(m)}/{y}" in heading
    sources = paragraphs[paragraphs.index("Tài liệu tham khảo") + 1:]
    assert len(sources) == len({pack.item(k).doc_id for k in chosen})


def test_handout_prints_on_a4_in_times_with_page_numbers(answer_library, tmp_path):
    """The handout is for Word and LibreOffice users and is printed: LibreOffice renders it to PDF
    (Debian libreoffice-writer-nogui); the PDF is A4, set in Times New Roman (or the metric-compatible
    Liberation Serif LibreOffice substitutes where Microsoft's fonts are absent), every chosen
    passage's heading is there, and pages from the second on carry their number at the top centre."""
    import shutil

    import pymupdf as fitz

    from tests.browser_support import in_ci

    if not shutil.which("soffice"):
        problem = "LibreOffice không có (bash scripts/ensure_test_packages.sh)"
        if in_ci():  # make test installs it: CI must not pass without this check
            pytest.fail(problem)
        pytest.skip(problem)
    pack = build_pack(answer_library, "nâng cao chất lượng sinh hoạt chi bộ", k=14)
    chosen = [item.key for item in pack.items()]
    handout = make_handout(pack, keep=chosen, note="Chuẩn bị cho kỳ sinh hoạt chuyên đề quý IV.")
    docx = export_docx(handout, tmp_path / "chuyen-de.docx", Letterhead("Đảng bộ xã Hòa An", "Chi bộ thôn 3", "Hòa An"))
    pdf = export_pdf(docx)
    assert pdf is not None and pdf.exists()
    with fitz.open(pdf) as doc:
        assert doc.page_count >= 2
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
        for page in doc:
            assert (round(page.rect.width), round(page.rect.height)) == (595, 842)  # A4 in points
        fonts = {f[3] for page in doc for f in page.get_fonts()}
        assert fonts and all("Times" in f or "LiberationSerif" in f for f in fonts), fonts
        assert not _top_centre_number(doc[0])
        for n in range(1, doc.page_count):
            assert _top_centre_number(doc[n]) == str(n + 1)
        # the first page as it prints, for a person to look at (test-artifacts/, kept by CI)
        shots = Path(__file__).resolve().parents[1] / "test-artifacts"
        shots.mkdir(exist_ok=True)
        doc[0].get_pixmap(dpi=100).save(str(shots / "handout-page-1.png"))
        assert (shots / "handout-page-1.png").stat().st_size > 10_000
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CHI BỘ THÔN 3" in text
    for key in chosen:
        assert " ".join(pack.item(key).citation.split()) in text


def _top_centre_number(page) -> str:
    """The text of a line in the top 15 mm-ish of the page, near its centre, if it is a number."""
    for x0, y0, x1, y1, text, *_ in page.get_text("blocks"):
        centre = (x0 + x1) / 2
        if y1 < 60 and abs(centre - page.rect.width / 2) < 60 and text.strip().isdigit():
            return text.strip()
    return ""
