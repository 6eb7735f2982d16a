"""Answer types, sentence splitting, trimming and document names: pure functions, real Vietnamese text."""
from __future__ import annotations

import pytest

from index.records import SearchHit
from ingest.records import DocumentHeader
from vankien.answers.answer_types import answer_spans, expected_type, type_match
from vankien.answers.docfacts import parse_doc_name
from vankien.answers.qa import HARD, NO_ANSWER, answer_text, score_sentences, select_answer
from vankien.answers.sentences import render_row, split_sentences, trim_around


@pytest.mark.parametrize("question, kind", [
    ("Chi bộ sinh hoạt thường kỳ vào ngày nào hằng tháng?", "date"),
    ("Khi nào tổ chức sơ kết 1 năm?", "date"),
    ("bao gio hoan thanh quan triet", "date"),
    ("Hội nghị được tổ chức ở đâu?", "place"),
    ("lop hoc duoc to chuc tai dau", "place"),
    ("Ai chủ trì hội nghị?", "person"),
    ("chi thi 45 do ai ky", "person"),
    ("Cơ quan nào ban hành Kết luận 112?", "person"),
    ("Toàn tỉnh có bao nhiêu chi bộ?", "number"),
    ("Chất lượng được đánh giá theo mấy mức?", "number"),
    ("Một buổi sinh hoạt kéo dài tối thiểu bao lâu?", "duration"),
    ("phai bao cao truoc bao lau", "duration"),
    ("Bản tin điện tử được đăng ở trang nào?", "url"),
    ("ban tin dang tai dia chi nao", "url"),
    ("Quy định áp dụng đối với những đối tượng nào?", "list"),
    ("Hồ sơ gồm những gì?", "list"),
    ("Có được đưa tài liệu mật lên ứng dụng không?", "yesno"),
    ("Chi bộ sinh hoạt mỗi tháng một lần, đúng không?", "yesno"),
    ("Chỉ thị 45 nói về điều gì", ""),
])
def test_expected_type_follows_the_question_words(question, kind):
    assert expected_type(question) == kind


@pytest.mark.parametrize("kind, yes, no", [
    ("date", "Hoàn thành trước ngày 30/9/2024.", "Tổng kết bằng văn bản."),
    ("date", "Sinh hoạt vào ngày 3 hằng tháng.", "Thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư."),
    ("place", "Hội nghị được tổ chức tại Hội trường Tỉnh ủy.", "Hội nghị được tổ chức trực tuyến."),
    ("person", "Đồng chí Nguyễn Quang Huy chủ trì hội nghị.", "hội nghị diễn ra sôi nổi, thẳng thắn."),
    ("number", "Toàn tỉnh có 3.870 chi bộ trực thuộc.", "Thực hiện Chỉ thị số 45-CT/TW ngày 12/5/2024."),
    ("duration", "Thời gian mỗi buổi không ít hơn 90 phút.", "Chi bộ thảo luận, quyết nghị."),
    ("duration", "Sinh hoạt chuyên đề ít nhất mỗi quý một lần.", "Chi bộ thảo luận, quyết nghị."),
    ("url", "Xem tại https://hoaan.songlam.example.vn/ban-tin.html.", "Xem trên ứng dụng Sổ tay đảng viên."),
    ("list", "Đánh giá theo 4 mức: Tốt, Khá, Trung bình, Kém.", "Chi bộ đánh giá chất lượng."),
])
def test_a_sentence_holds_the_kind_of_answer_or_not(kind, yes, no):
    assert type_match(kind, yes)
    assert not type_match(kind, no)


def test_a_url_span_is_the_whole_address_without_the_closing_period():
    s = "Bản tin đăng tại https://hoaan.songlam.example.vn/ban-tin/so-10-2025.html."
    (a, b), = answer_spans("url", s)
    assert s[a:b] == "https://hoaan.songlam.example.vn/ban-tin/so-10-2025.html"


def test_a_document_number_or_a_date_is_not_a_count():
    assert not type_match("number", "Thực hiện Kế hoạch số 27-KH/TU, ngày 10/7/2024.")
    assert type_match("number", "Kết nạp 3.265 đảng viên mới, trong đó 62,4% là đoàn viên.")


def test_sentences_keep_urls_abbreviations_dates_decimals_and_numbered_items_whole():
    text = ("Bản tin được đăng tại https://hoaan.songlam.example.vn/ban-tin/so-10.html. Hội nghị tại TP. Hồ Chí "
            "Minh ngày 12.5.2024 do PGS.TS. Nguyễn Văn An chủ trì, tỷ lệ dự đạt 93,5%, v.v. Chi bộ ghi nhận.\n"
            "1. Quán triệt Chỉ thị. Điều 5. Hiệu lực thi hành.")
    sentences = split_sentences(text)
    got = [s.text for s in sentences]
    assert got[0] == "Bản tin được đăng tại https://hoaan.songlam.example.vn/ban-tin/so-10.html."
    assert got[1].startswith("Hội nghị tại TP. Hồ Chí Minh ngày 12.5.2024 do PGS.TS. Nguyễn Văn An")
    assert "93,5%, v.v. Chi bộ ghi nhận." in got[1]
    assert got[2:] == ["1. Quán triệt Chỉ thị.", "Điều 5. Hiệu lực thi hành."]
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_table_rows_read_as_text():
    text = ("Các chỉ tiêu như sau:\n\nChỉ tiêu | Năm 2025 | Đến năm 2030\n"
            "Số đảng viên mới được kết nạp | Ít nhất 3.200 đảng viên | Bình quân 3.000 đảng viên/năm")
    lead, row = split_sentences(text)
    assert lead.text == "Các chỉ tiêu như sau:"
    assert text[row.start:row.end] == row.text and "|" in row.text
    assert row.shown == ("Số đảng viên mới được kết nạp — Năm 2025: Ít nhất 3.200 đảng viên; "
                         "Đến năm 2030: Bình quân 3.000 đảng viên/năm")
    assert render_row(["Bước", "Nội dung", "Thời lượng"], ["1", "Ổn định tổ chức", "10 phút"]) == \
        "Bước 1 — Nội dung: Ổn định tổ chức; Thời lượng: 10 phút"


def test_long_answers_are_trimmed_around_the_answer_and_never_cut_a_url():
    url = "https://hoaan.songlam.example.vn/ban-tin/so-10-2025.html"
    text = ("Cũng từ tháng 9/2025, Văn phòng Đảng ủy đưa Bản tin lên ứng dụng cùng ngày phát hành, "
            * 4 + f"bản điện tử được đăng tại {url}, " + "đảng viên cao tuổi nghe đọc nội dung Bản tin, " * 4)
    at = text.index(url)
    out = trim_around(text, at, at + len(url))
    assert url in out and len(out) <= 302 and out.startswith("…") and out.endswith("…")
    assert trim_around("Câu ngắn.", 0, 3) == "Câu ngắn."


def _hit(text: str) -> SearchHit:
    header = DocumentHeader(doc_type="Kế hoạch", number="12-KH/ĐU", date="2024-08-20", issuer="Đảng ủy xã Hòa An",
                            title="Kế hoạch 12-KH/ĐU")
    return SearchHit("kh12", 3, header, ("II. NỘI DUNG",), (), text, 1.0, 0, len(text))


def test_a_url_question_is_never_answered_by_a_sentence_without_an_address():
    hit = _hit("Bản tin của Đảng ủy xã được đăng trên trang thông tin điện tử của xã hằng tháng.")
    question = "Bản tin của Đảng ủy xã được đăng ở trang nào?"
    assert "url" in HARD and score_sentences(question, [hit], None) == []
    answer = select_answer(question, [hit], score_sentences(question, [hit], None))
    assert not answer.found and answer.text == NO_ANSWER


def test_a_sentence_without_the_asked_kind_loses_to_one_with_it_but_still_counts():
    # "khi nào" is often answered by an event, not a date ("phẫu thuật lần ba"): not thrown out ...
    question = "Hội nghị sơ kết được tổ chức khi nào?"
    bare = _hit("Hội nghị sơ kết được tổ chức trang trọng với đông đủ đại biểu.")
    dated = _hit("Hội nghị sơ kết được tổ chức trang trọng vào ngày 13/5/2025 với đông đủ đại biểu.")
    alone = score_sentences(question, [bare], None)
    assert "date" not in HARD and len(alone) == 1 and not alone[0].typed
    # ... but with the same words around it, the sentence that holds a date scores more (the ranker
    # weighs "untyped" against it).
    named = score_sentences(question, [dated], None)
    assert named[0].typed and named[0].lexical == alone[0].lexical
    assert named[0].score > alone[0].score


def test_a_place_question_needs_a_place_but_not_tai_or_o():
    question = "Bản danh sách được công bố ở đâu?"
    assert "place" in HARD
    assert score_sentences(question, [_hit("Bản danh sách được công bố rộng rãi năm 1834.")], None) == []
    scored = score_sentences(question, [_hit("Bản danh sách được công bố năm 1834, trên tạp chí Saint-Petersburg "
                                             "Panorama.")], None)
    assert scored and "Saint-Petersburg Panorama" in answer_text(question, scored[0].sentence)


def test_the_answer_reads_the_sentence_trimmed_around_what_answers():
    hit = _hit("a) Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng; nếu ngày 3 trùng ngày nghỉ lễ, Tết thì "
               "sinh hoạt vào ngày làm việc liền sau.")
    question = "Chi bộ sinh hoạt thường kỳ vào ngày nào?"
    scored = score_sentences(question, [hit], None)
    assert scored and "ngày 3 hằng tháng" in answer_text(question, scored[0].sentence)
    assert not answer_text(question, scored[0].sentence).startswith("a)")


@pytest.mark.parametrize("question, wanted", [
    ("Chỉ thị 45 do ai ký?", [("Chỉ thị", "45")]),
    ("chi thi so 45 do ai ky", [("Chỉ thị", "45")]),
    ("CT 45 ban hành ngày nào", [("Chỉ thị", "45")]),
    ("Người ký Quy định 03-QĐ/ĐU là ai?", [("Quy định", "3")]),
    ("quy dinh 294 do ai ky", [("Quy định", "294")]),
    ("Khi nào sơ kết Chỉ thị 45 theo Kế hoạch 27?", [("Chỉ thị", "45"), ("Kế hoạch", "27")]),
    ("Bản tin số 9/2024 nói gì", [("Bản tin", "9")]),
    ("Chỉ thị nói gì về chuyển đổi số", []),
])
def test_document_names_in_a_question(question, wanted):
    assert [(d.doc_type, d.number) for d in parse_doc_name(question)] == wanted


@pytest.mark.parametrize("question, doc_type, number, named", [
    ("Quy định 294 do ai ký?", "Quy định", "294-QĐ/TW", True),
    ("QĐ 294-QĐ/TW do ai ký", "Quy định", "294-QĐ/TW", True),  # the code alone: Quy định or Quyết định
    ("Quyết định 294 do ai ký?", "Quy định", "294-QĐ/TW", False),  # the words decide the type
    ("Chỉ thị 50-CT/TW do ai ký?", "Chỉ thị", "45-CT/TW", False),
    ("Bản tin số 9/2024 nói gì", "Bản tin", "", True),
])
def test_a_question_names_the_document_as_search_does(question, doc_type, number, named):
    from vankien.answers.docfacts import _matches

    info = DocumentHeader(doc_type=doc_type, number=number, title="Bản tin sinh hoạt chi bộ số 9/2024")
    assert any(_matches(name, info) for name in parse_doc_name(question)) == named


def test_a_sentence_that_restates_the_question_reads_with_the_next_one_on_its_line():
    from vankien.answers.qa import candidate_sentences, join_restating, question_terms

    question = "Các bác sĩ làm gì ở ca phẫu thuật đầu tiên?"
    hit = _hit("Ca phẫu thuật đầu tiên kéo dài 10 giờ. Bác sĩ cắt bỏ lưỡi và các tuyến ở cổ của bệnh nhân.\n"
               "Ca phẫu thuật đầu tiên thành công.\nBệnh nhân hồi phục tốt.")
    cands = join_restating(candidate_sentences([hit]), [hit], set(question_terms(question)[0]))
    texts = [s.text for _, s in cands]
    assert "Ca phẫu thuật đầu tiên kéo dài 10 giờ. Bác sĩ cắt bỏ lưỡi và các tuyến ở cổ của bệnh nhân." in texts
    assert "Bác sĩ cắt bỏ lưỡi và các tuyến ở cổ của bệnh nhân." in texts  # still a candidate on its own
    assert not any("thành công.\nBệnh nhân" in t for t in texts)  # never across lines (headings, items)
    for _, s in cands:
        assert hit.text[s.start:s.end] == s.text
