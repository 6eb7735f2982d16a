"""Citation lines built from real document headers."""
from ingest.records import DocumentHeader as H
from vankien.answers.citation import format_citation, format_date, format_pages, section_label


def test_plan_with_section_and_page():
    assert format_citation(
        H("Kế hoạch", "95-KH/TU", "2023-04-28", "Tỉnh ủy Tiền Giang"),
        ("II. NỘI DUNG", "1. Nội dung tổng kết"), (2,),
    ) == "Kế hoạch số 95-KH/TU ngày 28/4/2023 của Tỉnh ủy Tiền Giang — mục II.1, tr. 2"


def test_page_range_uses_en_dash():
    assert format_citation(H("Chỉ thị", "50-CT/TW", "2025-07-23", "Ban Bí thư"), (), (2, 3)) == (
        "Chỉ thị số 50-CT/TW ngày 23/7/2025 của Ban Bí thư — tr. 2–3"
    )


def test_news_item_uses_its_title():
    assert format_citation(
        H("Tin bài", "", "2024-07-11", "", title="Hội nghị sơ kết 6 tháng đầu năm 2024"),
    ) == "Tin bài «Hội nghị sơ kết 6 tháng đầu năm 2024» ngày 11/7/2024"


def test_a_bulletin_is_cited_by_its_issue_number_other_news_by_title():
    assert format_citation(H("Bản tin", "9/2024", "2024-08-28", "", "Bản tin sinh hoạt chi bộ số 9/2024")) == (
        "Bản tin số 9/2024 ngày 28/8/2024")
    assert format_citation(H("Bài viết", "5-TB/ĐU", "", "", "Chi bộ kiểu mẫu")) == "Bài viết «Chi bộ kiểu mẫu»"


def test_missing_fields_leave_no_stray_words():
    assert format_citation(H("Nghị quyết")) == "Nghị quyết"
    assert format_citation(H("", "09-NQ/TU")) == "Văn bản số 09-NQ/TU"
    assert format_citation(H("Kết luận", "21-KL/TW", "", "Ban Chấp hành Trung ương"), ("III. NHIỆM VỤ",), ()) == (
        "Kết luận số 21-KL/TW của Ban Chấp hành Trung ương — mục III"
    )
    assert format_citation(H()) == ""
    assert format_citation(H(), ("1. Mục đích",), (4,)) == "mục 1, tr. 4"


def test_section_labels():
    assert section_label(("I. MỤC ĐÍCH, YÊU CẦU",)) == "mục I"
    assert section_label(("II. NỘI DUNG", "1. Nội dung tổng kết", "a) Về công tác tuyên truyền")) == "mục II.1.a"
    assert section_label(("Chương II", "Điều 5. Nhiệm vụ của chi bộ")) == "Chương II, Điều 5"
    assert section_label(("PHẦN THỨ NHẤT",)) == "Phần thứ nhất"
    assert section_label(("MỞ ĐẦU",)) == "mục «Mở đầu»"
    assert section_label(()) == ""
    assert section_label(("IV- TỔ CHỨC THỰC HIỆN", "2.3. Đảng ủy các xã")) == "mục IV.2.3"


def test_dates_and_pages():
    assert format_date("2024-01-05") == "ngày 5/1/2024"
    assert format_date("2024-07") == "tháng 7/2024"
    assert format_date("2024") == "năm 2024"
    assert format_date("") == "" and format_date("không rõ") == ""
    assert format_pages(()) == "" and format_pages((5, 3, 4)) == "tr. 3–5"
