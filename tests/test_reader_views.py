"""The reader's pieces without a browser: the pack list's operations and its file per user, the
document page (properties, table of contents, joined PDF lines, tables, related links), the HTML of
the document view, and a metadata correction made through the Văn bản tab's service."""
from __future__ import annotations

import json

import pytest

from vankien.services import packs
from vankien.services.document_page import document_page, join_hard_breaks, table_of_contents
from vankien.services.packs import PackBuilder, PackEntry
from vankien.ui.bridge import parse_action
from vankien.ui.document_view import body_html, heading_html, related_html

E = (PackEntry("a#1"), PackEntry("b#2", False), PackEntry("c#3"))


def keys(entries):
    return [e.key for e in entries]


def test_pack_list_operations():
    assert keys(packs.add(E, "d#4")) == ["a#1", "b#2", "c#3", "d#4"]
    assert packs.add(E, "b#2")[1] == PackEntry("b#2", True)  # already there: ticked, not repeated
    assert keys(packs.move(E, "c#3", -1)) == ["a#1", "c#3", "b#2"]
    assert keys(packs.move(E, "a#1", -1)) == ["a#1", "b#2", "c#3"]  # clamped at the top
    assert keys(packs.move(E, "a#1", 5)) == ["b#2", "c#3", "a#1"]
    assert keys(packs.move_to(E, "c#3", 0)) == ["c#3", "a#1", "b#2"]
    assert keys(packs.remove(E, "b#2")) == ["a#1", "c#3"]
    assert packs.tick(E, "a#1", False)[0] == PackEntry("a#1", False)
    assert packs.move(E, "zz#9", 1) == E
    assert packs.split_key("ke-hoach-95#3") == ("ke-hoach-95", 3)
    assert packs.split_key("no-ordinal") is None and packs.split_key("#3") is None


def test_bridge_payloads():
    assert parse_action('{"act": "up", "key": "a#1", "pos": -1, "n": 5}').act == "up"
    assert parse_action('{"act": "moveto", "key": "a#1", "pos": 2}').pos == 2
    assert parse_action("") is None and parse_action("[1]") is None and parse_action('{"key": "x"}') is None


def test_pdf_line_breaks_joined_keeping_offsets():
    text = "Thực hiện Chỉ\nthị\n45-CT/TW của Ban Bí\nthư.\n\nII. NỘI DUNG\n1. Mục tiêu\n- Một ý;\n- Ý khác."
    joined = join_hard_breaks(text)
    assert len(joined) == len(text)
    assert "Chỉ thị 45-CT/TW của Ban Bí thư." in joined
    assert "thư.\n\nII. NỘI DUNG\n1. Mục tiêu\n- Một ý;\n- Ý khác." in joined  # structure kept
    assert join_hard_breaks("ĐẢNG BỘ TỈNH\nTỈNH ỦY") == "ĐẢNG BỘ TỈNH\nTỈNH ỦY"  # a header block's lines
    assert join_hard_breaks("Số 27-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM") == "Số 27-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM"
    assert join_hard_breaks("") == ""


@pytest.fixture(scope="module")
def library(app_library):
    return app_library


def test_document_page_has_properties_toc_and_related(library):
    page = document_page(library, "ke-hoach-95-kh-tu", 3, "sinh hoạt chi bộ")
    props = dict(page.properties)
    assert props["Số hiệu"] == "95-KH/TU" and props["Cơ quan ban hành"] == "Tỉnh ủy Tiền Giang"
    assert props["Ngày ban hành"] == "28/4/2023" and props["Loại văn bản"] == "Kế hoạch"
    assert page.toc and page.toc[0].level == 1
    assert all(any(a[1] == e.ordinal for a in page.anchors) for e in page.toc)  # every entry has its anchor
    assert page.passage is not None and page.original.endswith("ke-hoach-95-KH-TU.txt")
    head = heading_html(page, "vk")
    assert 'id="vk-heading"' in head and "?doc=ke-hoach-95-kh-tu&amp;p=3" in head and "Mục lục" in head
    body = body_html(page, "vk", "vk-doan")
    assert body.count('id="vk-doan"') == 1 and "<mark>" in body
    for entry in page.toc:
        assert f'id="vk-p-{entry.ordinal}"' in body
    missing = document_page(library, "khong-co")
    assert not missing.found and "Không tìm thấy" in missing.message


def test_related_documents_are_links(library):
    from vankien.answers.links import LinkGraph

    page = document_page(library, "ke-hoach-95-kh-tu", None, "", LinkGraph.build(library))
    cited = [r for r in page.related if r.relation == "căn cứ"]
    assert cited, page.related
    html = related_html(page.related)
    indexed = [r for r in cited if r.doc_id]
    assert indexed and f'data-vk-key="{indexed[0].doc_id}"' in html and f'href="?doc={indexed[0].doc_id}"' in html


def test_tables_are_tables_and_text_is_escaped():
    from vankien.services.document_page import DocumentPage

    text = "Bảng:\nChi bộ | Số đảng viên\nThôn 1 | <b>12</b>\nHết."
    page = DocumentPage(doc_id="x", title="T", citation="", text=text, query="đảng viên")
    body = body_html(page, "vk", "p")
    assert body.count("<tr>") == 2 and body.count("<td>") == 4
    assert "&lt;b&gt;12&lt;/b&gt;" in body and "<b>" not in body
    assert "<td>Số <mark>đảng viên</mark></td>" in body  # marks inside a cell, at the right offset
    assert "Hết." in body


def test_toc_from_section_paths():
    from ingest.records import Passage

    ps = [Passage("d", 0, (), (), 0, 5, "x", role="header"),
          Passage("d", 1, ("I. MỤC ĐÍCH",), (), 5, 10, "x"),
          Passage("d", 2, ("II. NỘI DUNG", "1. Một"), (), 10, 15, "x"),
          Passage("d", 3, ("II. NỘI DUNG", "2. Hai"), (), 15, 20, "x")]
    toc = table_of_contents(ps)
    assert [(e.label, e.level, e.ordinal) for e in toc] == [
        ("I. MỤC ĐÍCH", 1, 1), ("II. NỘI DUNG", 1, 2), ("1. Một", 2, 2), ("2. Hai", 2, 3)]


def test_pack_kept_per_user_and_resolved(library, tmp_path):
    builder = PackBuilder(library, home=tmp_path)
    entries, ok = builder.add("an", "ke-hoach-95-kh-tu#3")
    assert ok and keys(entries) == ["ke-hoach-95-kh-tu#3"]
    assert builder.add("an", "khong-co#1") == (entries, False)
    assert builder.entries("binh") == ()  # another user's pack is another file
    again = PackBuilder(library, home=tmp_path)  # a restarted server reads it back
    assert keys(again.entries("an")) == ["ke-hoach-95-kh-tu#3"]
    files = list((tmp_path / packs.PACK_FOLDER).iterdir())
    assert len(files) == 1 and "an" not in files[0].name
    assert json.loads(files[0].read_text()) == {"entries": [{"key": "ke-hoach-95-kh-tu#3", "ticked": True}]}
    items = builder.items(["ke-hoach-95-kh-tu#3", "khong-co#1"])
    assert len(items) == 1 and items[0].number == "95-KH/TU" and "Kế hoạch" in items[0].citation
    builder.clear("an")
    assert builder.entries("an") == () and not files[0].exists()


def test_correction_from_the_form_survives_reingestion(tmp_path):
    from index.library import Library
    from tests.conftest import write_app_samples
    from tests.index_fixtures import RandomEncoder
    from vankien.services import corrections

    corpus = write_app_samples(tmp_path / "corpus")
    lib = Library.open(tmp_path / "idx", encoder=RandomEncoder())
    lib.ingest([corpus])
    doc_id = "tin-hoi-nghi-chuyen-doi-so"
    form = corrections.form_of(lib, doc_id)
    assert form.found and form.issuer == "" and form.number == ""
    wanted = corrections.MetadataForm(doc_id, form.doc_type, "12-tb/du", "2/4/2024", "Báo Tiền Giang", form.title)
    after, message, failed = corrections.correct(lib, wanted)
    assert not failed and "số hiệu" in message and "cơ quan ban hành" in message and "ngày" in message
    assert (after.number, after.date, after.issuer) == ("12-TB/DU", "2/4/2024", "Báo Tiền Giang")
    assert corrections.correct(lib, after)[1] == "Không có gì thay đổi."
    bad = corrections.correct(lib, corrections.MetadataForm(doc_id, date="31/2/2024", title=after.title,
                                                             doc_type=after.doc_type, number=after.number,
                                                             issuer=after.issuer))
    assert bad[2] and bad[1].startswith("Chưa lưu")
    (corpus / "tin-hoi-nghi-chuyen-doi-so.txt").write_text(
        (corpus / "tin-hoi-nghi-chuyen-doi-so.txt").read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    lib.ingest([corpus])  # parsed again: the correction is applied again
    again = corrections.form_of(lib, doc_id)
    assert (again.number, again.issuer) == ("12-TB/DU", "Báo Tiền Giang")
    assert not corrections.form_of(lib, "khong-co").found
    assert corrections.correct(lib, corrections.MetadataForm(""))[2]
