"""SearchService over a real Library built from Party-document text files (default encoder)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import APP_SAMPLES
from vankien.services.search import SearchService, parse_date
from vankien.services.document_page import document_page
from vankien.ui.answer_tabs import as_answer_service
from vankien.ui.document_view import body_html
from vankien.ui.search_views import card_html
from vankien.ui.theme import PASSAGE_ANCHOR


@pytest.fixture(scope="module")
def service(app_library):
    return SearchService(app_library)


def test_search_cards_carry_citation_and_marked_snippet(service):
    view = service.search("sinh hoat chi bo")  # typed without diacritics
    assert not view.error and view.cards
    card = next(c for c in view.cards if c.doc_id == "ke-hoach-95-kh-tu")
    assert card.citation.startswith("Kế hoạch số 95-KH/TU ngày 28/4/2023 của Tỉnh ủy Tiền Giang — mục II.1")
    assert "<mark>sinh hoạt chi bộ</mark>" in card_html(card, 1, view.query)
    assert view.message.startswith("Tìm thấy")


def test_directive_number_finds_the_directive_first(service):
    view = service.search("Chỉ thị 50-CT/TW")
    assert view.cards[0].doc_id == "chi-thi-50-ct-tw"
    assert view.cards[0].citation.startswith("Chỉ thị số 50-CT/TW ngày 23/7/2022")


def test_filters_by_type_issuer_and_dates(service):
    only_news = service.search("chuyển đổi số", doc_types=["Tin bài"])
    assert only_news.cards and {c.doc_id for c in only_news.cards} == {"tin-hoi-nghi-chuyen-doi-so"}
    assert only_news.cards[0].citation.startswith("Tin bài «")
    assert "ngày 11/7/2024" in only_news.cards[0].citation
    by_issuer = service.search("kiểm tra", issuer="tinh uy tien giang")
    assert by_issuer.cards and {c.doc_id for c in by_issuer.cards} == {"ke-hoach-95-kh-tu"}
    in_2024 = service.search("chi bộ", date_from="1/1/2024", date_to="2024")
    assert in_2024.cards and all(c.doc_id in {"tin-hoi-nghi-chuyen-doi-so", "thong-bao-ma-html"}
                                 for c in in_2024.cards)


def test_bad_input_gets_a_vietnamese_message_not_an_exception(service):
    assert "Hãy nhập" in service.search("   ").message
    bad = service.search("chi bộ", date_from="31/02/2024")
    assert bad.error and "không có thật" in bad.message and not bad.cards
    swapped = service.search("chi bộ", date_from="2024", date_to="2023")
    assert swapped.error and "Từ ngày" in swapped.message
    none = service.search("chi bộ", doc_types=["Quyết định"])
    assert not none.cards and "Không tìm thấy" in none.message


def test_more_results_extend_the_list(app_library):
    service = SearchService(app_library, page_size=2)
    first = service.search("chi bộ")
    assert len(first.cards) == 2 and first.has_more and first.page == 1
    second = service.search("chi bộ", page=2)
    # one card per document; the next page keeps the first documents in their order
    assert len(second.cards) > 2 and [c.doc_id for c in second.cards[:2]] == [c.doc_id for c in first.cards]
    assert len({c.doc_id for c in second.cards}) == len(second.cards)


def test_document_view_escapes_html_and_anchors_the_passage(service):
    hit = service.search("mã in đậm").cards[0]
    assert hit.doc_id == "thong-bao-ma-html"
    snippet = card_html(hit, 1, "mã in đậm")
    assert "<script>" not in snippet and "<b>" not in snippet
    doc = document_page(service.library, hit.doc_id, hit.ordinal, "mã in đậm")
    body = body_html(doc, "vk", PASSAGE_ANCHOR)
    assert doc.found and "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert body.count(f'id="{PASSAGE_ANCHOR}"') == 1
    assert "<mark>" in body
    # Removing the markup we added gives back the escaped document text exactly.
    plain = re.sub(r"</?mark>|<div[^>]*>|</div>|<span[^>]*></span>", "", body)
    assert "&lt;b&gt;in đậm&lt;/b&gt;" in plain
    assert doc.citation.startswith("Thông báo số 07-TB/ĐU ngày 5/3/2024")


def test_document_view_lists_cited_documents(service):
    graph = as_answer_service(service).graph()
    doc = document_page(service.library, "ke-hoach-95-kh-tu", 3, "", graph)  # 0: letterhead, 1: title
    cited = [r for r in doc.related if r.relation == "căn cứ"]
    assert any(r.doc_id == "chi-thi-50-ct-tw" for r in cited), doc.related
    assert doc.citation.endswith("mục II.1")
    missing = document_page(service.library, "khong-co", 0)
    assert not missing.found and "Không tìm thấy" in missing.message


def test_documents_table_sorts_and_filters(service):
    table = service.documents_table()
    assert table.headers[0] == "Tên văn bản" and len(table.rows) == len(APP_SAMPLES)
    dates = [r[3] for r in table.rows]
    assert dates[0] == "11/7/2024" and dates[-1] == "23/7/2022"  # newest first
    oldest = service.documents_table(sort="Cũ nhất trước")
    assert [r[-1] for r in oldest.rows][0] == "chi-thi-50-ct-tw"
    assert [r[-1] for r in service.documents_table("tien giang").rows] == ["ke-hoach-95-kh-tu"]
    assert [r[-1] for r in service.documents_table(doc_type="Chỉ thị").rows] == ["chi-thi-50-ct-tw"]
    choices = service.filter_choices()
    assert {"Kế hoạch", "Chỉ thị", "Tin bài", "Thông báo"} <= set(choices.doc_types)
    assert "Tỉnh ủy Tiền Giang" in choices.issuers


def test_a_large_archive_sends_the_browser_a_page_of_documents_and_pickers_follow_the_filter(service):
    """~10^5 documents: the table and the removal/correction pickers carry the first rows only,
    with the count of all the filter matched; typing in «Lọc» reaches any document."""
    from vankien.ui.documents_tab import count_line

    whole = service.documents_table()
    page = service.documents_page(limit=2)
    assert page.total == len(whole.rows) > 2
    assert page.table.rows == whole.rows[:2]  # the newest first, as the whole table
    assert count_line(len(page.table.rows), page.total).startswith(f"Hiển thị 2 trong {page.total} văn bản")
    assert count_line(1234, 100_003).startswith("Hiển thị 1.234 trong 100.003")
    assert count_line(5, 5) == "5 văn bản."
    oldest = whole.rows[-1]
    assert oldest[-1] not in [d for _, d in service.document_choices(limit=2)]
    found = service.document_choices("tien giang", limit=2)
    assert [d for _, d in found] == ["ke-hoach-95-kh-tu"]
    assert service.documents_page("tien giang").total == 1
    assert service.document_choice(oldest[-1]) == (f"{oldest[0]} ({oldest[3]})" if oldest[3] else oldest[0], oldest[-1])
    assert service.document_choice("khong-co") is None and service.document_choice("") is None


def test_upload_reports_each_file_and_remove_takes_a_document_out(tmp_path):
    from index.library import Library

    upload = tmp_path / "browser-upload"
    upload.mkdir()
    good = upload / "ke-hoach-95-KH-TU.txt"
    good.write_text(APP_SAMPLES["ke-hoach-95-KH-TU.txt"], encoding="utf-8")
    broken = upload / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    service = SearchService(Library.open(tmp_path / "index"), upload_dir=tmp_path / "index" / "tai-len")
    steps = []
    summary = service.ingest_files([str(good), str(broken)], progress=lambda d, t, m: steps.append((d, t, m)))
    rows = {r[0]: r for r in summary.table.rows}
    assert rows["ke-hoach-95-KH-TU.txt"][1] == "Đã thêm"
    assert rows["hong.pdf"][1] == "Không đọc được" and rows["hong.pdf"][3]
    assert "1 đã thêm" in summary.message and "1 tệp không đọc được" in summary.message
    assert steps[-1] == (2, 2, "Đang lưu chỉ mục…") and "1/2" in steps[0][2]
    kept = list((tmp_path / "index" / "tai-len").glob("*/*"))  # tai-len/<content hash>/<name>
    assert [p.name for p in kept] == ["ke-hoach-95-KH-TU.txt"]  # the broken PDF's copy is not kept
    again = service.ingest_files([str(good)])
    assert again.table.rows[0][1] == "Đã có, không thay đổi"
    assert "Hãy chọn" in service.ingest_files([]).message
    assert service.remove("ke-hoach-95-kh-tu").startswith("Đã gỡ «Kế hoạch 95-KH/TU")
    assert service.documents_table().rows == ()
    assert "Không tìm thấy" in service.remove("ke-hoach-95-kh-tu")


@pytest.mark.parametrize("typed,end,expected", [
    ("28/4/2023", False, "2023-04-28"),
    ("28-04-2023", True, "2023-04-28"),
    ("2023-04-28", False, "2023-04-28"),
    ("4/2023", False, "2023-04-01"),
    ("2/2024", True, "2024-02-29"),
    ("2024", True, "2024-12-31"),
    ("ngày 5/3/2024", False, "2024-03-05"),
    ("", False, ""),
])
def test_parse_date(typed, end, expected):
    assert parse_date(typed, end=end) == expected


@pytest.mark.parametrize("typed", ["hôm qua", "32/1/2024", "13/2024", "1/1/24"])
def test_parse_date_rejects_with_how_to_fix(typed):
    with pytest.raises(ValueError, match="ví dụ 28/4/2023"):
        parse_date(typed)


# ---- issue 11: honest search


def test_nothing_relevant_enough_says_so(service):
    view = service.search("xyz qwerty blockchain")
    assert not view.cards and not view.has_more
    assert view.message.startswith("Không có đoạn nào đủ phù hợp")


def test_an_unknown_number_is_named_missing_with_what_is_close(service):
    view = service.search("50/CT-TU")
    assert view.message.startswith("Chưa có văn bản 50-CT/TU trong chỉ mục.")
    assert "Chỉ thị 50-CT/TW" in view.message  # same number and type, another issuer
    known = service.search("chỉ thị 50")
    assert known.cards[0].doc_id == "chi-thi-50-ct-tw" and "Chưa có" not in known.message


def test_results_are_grouped_by_document(service):
    view = service.search("chi bộ")
    assert view.cards and len({c.doc_id for c in view.cards}) == len(view.cards)
    assert view.message.startswith("Tìm thấy") and "văn bản" in view.message
    assert any(c.more for c in view.cards)  # the plan's other passages are counted, not repeated
