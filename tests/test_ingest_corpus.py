"""Metadata and references of the 15 sample documents in corpus/ (PDF, DOCX, TXT), parsed from the files.

The expected values are those of the corpus helper's table (corpus/README.md). The samples are
fictional but follow the real layout of Party documents, bulletins and news items.
"""
from pathlib import Path

import pytest

from ingest import parse_file
from ingest.metadata import extract_metadata
from ingest.references import find_references, resolve_references

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(p for p in CORPUS.glob("*") if p.suffix in (".pdf", ".docx", ".txt"))

pytestmark = pytest.mark.skipif(len(FILES) != 15, reason=f"the 15 sample documents are not in {CORPUS}")

# file stem -> (doc_type, number, issuer, date, start of title)
EXPECTED = {
    "2024-05-12-chi-thi-45-CT-TW": ("Chỉ thị", "45-CT/TW", "Ban Bí thư", "2024-05-12",
                                    "Chỉ thị 45-CT/TW về tiếp tục nâng cao chất lượng sinh hoạt chi bộ"),
    "2024-06-28-nghi-quyet-15-NQ-TU": ("Nghị quyết", "15-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh Sông Lam", "2024-06-28",
                                       "Nghị quyết 15-NQ/TU về chuyển đổi số trong công tác Đảng"),
    "2024-07-10-ke-hoach-27-KH-TU": ("Kế hoạch", "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10",
                                     "Kế hoạch 27-KH/TU thực hiện Chỉ thị số 45-CT/TW"),
    "2024-08-02-huong-dan-05-HD-BTCTU": ("Hướng dẫn", "05-HD/BTCTU", "Ban Tổ chức Tỉnh ủy Sông Lam", "2024-08-02",
                                         "Hướng dẫn 05-HD/BTCTU nội dung, quy trình sinh hoạt chi bộ"),
    "2024-08-20-ke-hoach-12-KH-DU": ("Kế hoạch", "12-KH/ĐU", "Đảng ủy xã Hòa An", "2024-08-20",
                                     "Kế hoạch 12-KH/ĐU thực hiện Chỉ thị số 45-CT/TW"),
    "2024-08-28-ban-tin-sinh-hoat-chi-bo-so-9-2024": ("Bản tin", "", "Đảng ủy xã Hòa An", "2024-08-28",
                                                      "Bản tin sinh hoạt chi bộ số 9/2024"),
    "2024-10-15-quy-dinh-03-QD-DU": ("Quy định", "03-QĐ/ĐU", "Đảng ủy xã Hòa An", "2024-10-15",
                                     "Quy định 03-QĐ/ĐU về chế độ sinh hoạt chi bộ"),
    "2024-11-28-ban-tin-sinh-hoat-chi-bo-so-12-2024": ("Bản tin", "", "Đảng ủy xã Hòa An", "2024-11-28",
                                                       "Bản tin sinh hoạt chi bộ số 12/2024"),
    "2025-01-06-thong-bao-58-TB-DU": ("Thông báo", "58-TB/ĐU", "Đảng ủy xã Hòa An", "2025-01-06",
                                      "Thông báo 58-TB/ĐU kết luận của Ban Thường vụ Đảng ủy"),
    "2025-01-14-ket-luan-112-KL-TW": ("Kết luận", "112-KL/TW", "Ban Bí thư", "2025-01-14",
                                      "Kết luận 112-KL/TW về đẩy mạnh công tác phát triển đảng viên"),
    "2025-02-20-ke-hoach-41-KH-TU": ("Kế hoạch", "41-KH/TU", "Tỉnh ủy Sông Lam", "2025-02-20",
                                     "Kế hoạch 41-KH/TU thực hiện Kết luận số 112-KL/TW"),
    "2025-02-26-ban-tin-sinh-hoat-chi-bo-so-3-2025": ("Bản tin", "", "Đảng ủy xã Hòa An", "2025-02-26",
                                                      "Bản tin sinh hoạt chi bộ số 3/2025"),
    "2025-05-13-tin-hoi-nghi-so-ket-1-nam-chi-thi-45": (
        "Tin bài", "", "Cổng Thông tin điện tử Đảng bộ tỉnh Sông Lam", "2025-05-13",
        "Tỉnh ủy Sông Lam sơ kết 1 năm thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư"),
    "2025-05-28-ban-tin-sinh-hoat-chi-bo-so-6-2025": ("Bản tin", "", "Đảng ủy xã Hòa An", "2025-05-28",
                                                      "Bản tin sinh hoạt chi bộ số 6/2025"),
    "2025-09-29-ban-tin-sinh-hoat-chi-bo-so-10-2025": ("Bản tin", "", "Đảng ủy xã Hòa An", "2025-09-29",
                                                       "Bản tin sinh hoạt chi bộ số 10/2025"),
}

# Numbers each document cites (corpus/README.md, "Trích dẫn").
CITES = {
    "2024-06-28-nghi-quyet-15-NQ-TU": {"45-CT/TW"},
    "2024-07-10-ke-hoach-27-KH-TU": {"45-CT/TW", "15-NQ/TU"},
    "2024-08-02-huong-dan-05-HD-BTCTU": {"45-CT/TW", "27-KH/TU"},
    "2024-08-20-ke-hoach-12-KH-DU": {"45-CT/TW", "27-KH/TU", "05-HD/BTCTU", "15-NQ/TU"},
    "2025-02-26-ban-tin-sinh-hoat-chi-bo-so-3-2025": {"112-KL/TW", "41-KH/TU", "58-TB/ĐU", "45-CT/TW", "03-QĐ/ĐU"},
    "2025-05-13-tin-hoi-nghi-so-ket-1-nam-chi-thi-45": {"45-CT/TW", "27-KH/TU", "15-NQ/TU", "41-KH/TU"},
}


@pytest.fixture(scope="module")
def corpus():
    return {p.stem: parse_file(p) for p in FILES}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_matches_the_table(corpus, stem):
    m = corpus[stem].metadata
    doc_type, number, issuer, iso, title = EXPECTED[stem]
    assert (m.doc_type, m.number, m.issuer, m.date) == (doc_type, number, issuer, iso)
    assert m.title.startswith(title), m.title


def test_bulletin_issue_number_is_not_a_document_number(corpus):
    bulletins = [d for d in corpus.values() if d.metadata.doc_type == "Bản tin"]
    assert len(bulletins) == 5
    for d in bulletins:
        assert d.metadata.number == "" and d.metadata.place == "Hòa An" and d.metadata.subject == ""


def test_the_title_block_not_the_body_is_the_subject(corpus):
    m = corpus["2024-05-12-chi-thi-45-CT-TW"].metadata
    assert m.subject.startswith("về tiếp tục nâng cao") and "BAN BÍ THƯ" not in m.subject


def test_news_byline(corpus):
    assert corpus["2025-05-13-tin-hoi-nghi-so-ket-1-nam-chi-thi-45"].metadata.author == "Minh Châu"


def test_own_number_is_never_a_reference(corpus):
    for stem, doc in corpus.items():
        assert doc.metadata.number not in {r.number for r in doc.references}, stem
    for doc in resolve_references(list(corpus.values())):
        assert doc.metadata.number not in {r.number for r in doc.references}


def test_cited_numbers(corpus):
    for stem, numbers in CITES.items():
        assert numbers <= {r.number for r in corpus[stem].references}, stem


def test_every_reference_is_dated_after_batch_resolution(corpus):
    resolved = resolve_references(list(corpus.values()))
    own = {d.metadata.number: d.metadata.date for d in corpus.values() if d.metadata.number}
    refs = [r for d in resolved for r in d.references]
    assert len([r for r in refs if r.number == "45-CT/TW"]) >= 14
    assert {r.date for r in refs if r.number == "45-CT/TW"} == {"2024-05-12"}
    for r in refs:
        assert r.date == own[r.number], r
    assert [d.doc_id for d in resolved] == [d.doc_id for d in corpus.values()]


def test_later_mentions_in_a_document_take_its_first_date(corpus):
    doc = corpus["2024-08-20-ke-hoach-12-KH-DU"]  # dates 45-CT/TW once, then names it alone
    assert len([r for r in doc.references if r.number == "45-CT/TW"]) > 1
    assert {r.date for r in doc.references if r.number == "45-CT/TW"} == {"2024-05-12"}


def test_date_printed_before_the_citation():
    text = "Ngày 15/10/2024, Ban Thường vụ Đảng ủy ban hành Quy định số 03-QĐ/ĐU về chế độ sinh hoạt chi bộ."
    (ref,) = find_references(text)
    assert (ref.doc_type, ref.number, ref.date) == ("Quy định", "03-QĐ/ĐU", "2024-10-15")
    text = "Ngày 25/4/2025, Đảng ủy tổ chức sơ kết việc thực hiện Chỉ thị số 45-CT/TW."
    assert find_references(text)[0].date == ""  # "thực hiện", not "ban hành": not its date


def test_conflicting_dates_stay_undated():
    text = ("Kế hoạch số 12-KH/ĐU, ngày 20/8/2024 của Đảng ủy xã A; Kế hoạch số 12-KH/ĐU, ngày 05/3/2023 "
            "của Đảng ủy xã B; thực hiện Kế hoạch số 12-KH/ĐU.")
    assert [r.date for r in find_references(text)] == ["2024-08-20", "2023-03-05", ""]


# Header layouts written here, beside the corpus files: the same rules, other bodies and places.
def test_type_line_names_the_politburo():
    m = extract_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 07-QĐ/TW\nHà Nội, ngày 02 tháng 3 năm 2025\n"
                         "QUY ĐỊNH CỦA BỘ CHÍNH TRỊ\nvề công tác kiểm tra\nĐiều 1. Phạm vi\nNội dung.")
    assert (m.doc_type, m.issuer, m.subject) == ("Quy định", "Bộ Chính trị", "về công tác kiểm tra")


def test_department_of_a_central_committee():
    m = extract_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nBAN TỔ CHỨC\nSố 12-HD/BTCTW\n"
                         "HƯỚNG DẪN\nvề đảng viên\nI. MỤC ĐÍCH\nNội dung.")
    assert m.issuer == "Ban Tổ chức Trung ương"
    m = extract_metadata("ĐẢNG BỘ TỈNH KHÁNH HÒA\nBAN THƯỜNG VỤ TỈNH ỦY\nSố 3-KH/TU\nKẾ HOẠCH\nvề việc A\n"
                         "I. MỤC ĐÍCH\nNội dung.")
    assert m.issuer == "Ban Thường vụ Tỉnh ủy Khánh Hòa"
    m = extract_metadata("ĐẢNG BỘ TỈNH SÔNG LAM\nĐẢNG ỦY XÃ HÒA AN\nSố 3-KH/ĐU\nKẾ HOẠCH\nvề việc A\nI. MỤC\nB.")
    assert m.issuer == "Đảng ủy xã Hòa An"  # the lower line names its own place


def test_bulletin_with_issue_number_on_its_own_line():
    m = extract_metadata("ĐẢNG ỦY PHƯỜNG AN BÌNH\nAn Bình, ngày 05 tháng 3 năm 2025\nBẢN TIN SINH HOẠT CHI BỘ\n"
                         "Số 2/2025\nTIN HOẠT ĐỘNG\nNgày 01/3/2025, Đảng ủy họp.")
    assert (m.doc_type, m.number, m.issuer, m.date, m.title) == (
        "Bản tin", "", "Đảng ủy phường An Bình", "2025-03-05", "Bản tin sinh hoạt chi bộ số 2/2025")


def test_each_citation_takes_the_nearest_type_word(corpus):
    # "Chỉ thị số 45-CT/TW và Kế hoạch số 12-KH/ĐU": 12-KH/ĐU is a Kế hoạch, not a Chỉ thị.
    own_type = {number: doc_type for doc_type, number, *_ in EXPECTED.values() if number}
    for r in (r for d in corpus.values() for r in d.references):
        assert r.doc_type == own_type[r.number], r
    (first, second) = find_references("Quán triệt Chỉ thị số 45-CT/TW và Kế hoạch số 12-KH/ĐU.")
    assert (first.doc_type, second.doc_type) == ("Chỉ thị", "Kế hoạch")
    (law,) = find_references("theo Luật Hải quan số 54/2014/QH13")
    assert law.doc_type == "Luật"
