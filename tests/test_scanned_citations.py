"""A passage read by OCR says so where it is cited: "(bản quét)" in the citation line, the search
card, the document view, the pack and the handout (issue 12). The scanned PDF is made in the test:
a typed page rendered to a 300-dpi image and put back as an image-only page."""
from pathlib import Path

import pytest

from ingest.records import DocumentHeader
from tests.test_ingest_scans import _mixed_pdf, needs_font, needs_ocr
from vankien.answers.citation import format_citation

HEADER = DocumentHeader("Kế hoạch", "27-KH/TU", "2024-03-05", "Tỉnh ủy Sông Lam")


def test_citation_names_the_scan_after_the_place():
    plain = format_citation(HEADER, ("II. NHIỆM VỤ, GIẢI PHÁP",), (2,))
    assert plain == "Kế hoạch số 27-KH/TU ngày 5/3/2024 của Tỉnh ủy Sông Lam — mục II, tr. 2"
    assert format_citation(HEADER, ("II. NHIỆM VỤ, GIẢI PHÁP",), (2,), scanned=True) == plain + " (bản quét)"
    # no section, no page: the mark still follows the document
    assert format_citation(HEADER, scanned=True) == \
        "Kế hoạch số 27-KH/TU ngày 5/3/2024 của Tỉnh ủy Sông Lam (bản quét)"
    assert "(bản quét)" not in format_citation(HEADER, (), (1,))


@pytest.fixture(scope="module")
def scanned_library(tmp_path_factory, e5_encoder):
    from index.library import Library

    folder = tmp_path_factory.mktemp("quet")
    pdf = _mixed_pdf(folder / "ke_hoach_quet.pdf")  # page 1 typed, page 2 a scan
    lib = Library.open(folder / "idx", encoder=e5_encoder)  # the real model: honest search trusts its cosines
    report = lib.ingest([pdf])
    assert report.count("added") == 1, [o.reason for o in report.outcomes]
    return lib


@needs_font
@needs_ocr
def test_search_hits_and_cards_say_which_passages_were_scanned(scanned_library):
    from vankien.services.document_page import document_page
    from vankien.services.search import SearchService

    hits = scanned_library.search("chi bộ sinh hoạt thường kỳ Sổ tay đảng viên điện tử", k=10)
    scanned = [h for h in hits if 2 in h.pages]
    typed = [h for h in hits if h.pages == (1,)]
    assert scanned and all(h.scanned for h in scanned)
    assert all(not h.scanned for h in typed)
    assert scanned[0].to_json()["scanned"] is True

    view = SearchService(scanned_library).search("chi bộ sinh hoạt thường kỳ Sổ tay đảng viên điện tử")
    card = view.cards[0]
    assert card.citation.endswith("tr. 2 (bản quét)"), card.citation
    shown = document_page(scanned_library, card.doc_id, card.ordinal)  # the document view's record
    assert shown.citation.endswith("(bản quét)")


@needs_font
@needs_ocr
def test_pack_and_handout_carry_the_mark(scanned_library, tmp_path):
    from vankien.answers.pack import export_markdown, group_hits, make_handout

    hits = scanned_library.search("chi bộ sinh hoạt thường kỳ Sổ tay đảng viên điện tử", k=10)
    pack = group_hits("Sinh hoạt chi bộ", hits)
    items = {i.pages: i for i in pack.items()}
    scanned_item = next(i for i in pack.items() if i.scanned)
    assert scanned_item.citation.endswith("(bản quét)")
    assert all("(bản quét)" not in i.citation for p, i in items.items() if p == (1,))
    handout = make_handout(pack, keep=[scanned_item.key])
    assert f"### 1. {scanned_item.citation}" in export_markdown(handout)

    from vankien.answers.handout_docx import export_docx

    path = export_docx(handout, tmp_path / "tai_lieu.docx") or tmp_path / "tai_lieu.docx"
    import docx

    text = "\n".join(p.text for p in docx.Document(str(Path(path))).paragraphs)
    assert "(bản quét)" in text


@needs_font
@needs_ocr
def test_cli_search_marks_the_scanned_page(scanned_library, capsys):
    from vankien.cli.main import main

    assert main(["search", "chi bộ sinh hoạt thường kỳ Sổ tay đảng viên điện tử",
                 "--index", str(scanned_library.home)]) == 0
    out = capsys.readouterr().out
    assert "trang 2 (bản quét)" in out, out
