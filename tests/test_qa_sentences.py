"""Pure parts of extractive answering: sentences with offsets, question terms, scoring, selection."""
from __future__ import annotations

import unicodedata

from index.records import SearchHit
from ingest.records import DocumentHeader
from vankien.answers.qa import (NO_ANSWER, expected_type, question_terms, score_sentences, select_answer,
                        split_sentences, type_match)

PLAN = """2. Thời gian và hình thức tổng kết
- Cấp huyện và tương đương:
+ Tổng kết bằng văn bản.
+ Thời gian: Hoàn thành trong tháng 10/2023.
- Cấp tỉnh:
+ Thời gian: Trong tháng 12/2023.
III. TỔ CHỨC THỰC HIỆN"""


def _hit(text: str, doc_id: str = "kh95", ordinal: int = 4) -> SearchHit:
    return SearchHit(doc_id=doc_id, ordinal=ordinal,
                     header=DocumentHeader(doc_type="Kế hoạch", number="95-KH/TU", date="2023-04-28",
                                           issuer="Tỉnh ủy Tiền Giang", title="Kế hoạch 95-KH/TU"),
                     heading_path=("II. NỘI DUNG", "2. Thời gian và hình thức tổng kết"), pages=(2,),
                     text=text, score=1.0, start=0, end=len(text))


def test_sentences_keep_offsets_and_list_context():
    sentences = split_sentences(PLAN)
    for s in sentences:
        assert PLAN[s.start:s.end] == s.text
    by_text = {s.text: s for s in sentences}
    assert by_text["+ Thời gian: Hoàn thành trong tháng 10/2023."].context == "Cấp huyện và tương đương:"
    assert by_text["+ Thời gian: Trong tháng 12/2023."].context == "Cấp tỉnh:"
    assert by_text["- Cấp tỉnh:"].context == ""  # a sibling's lead-in is not its context


def test_sentences_split_running_text_and_glue_enumerators():
    text = ("Tại hội nghị, Ban Tuyên giáo Trung ương đã tặng bằng khen cho 28 tập thể và 7 cá nhân. "
            "Hội nghị đã ghi nhận nhiều tham luận có giá trị.\nII. NỘI DUNG")
    sentences = [s.text for s in split_sentences(text)]
    assert sentences[0].endswith("28 tập thể và 7 cá nhân.")
    assert sentences[1].startswith("Hội nghị đã ghi nhận")
    assert "II. NỘI DUNG" in sentences


def test_empty_and_blank_text():
    assert split_sentences("") == []
    assert split_sentences("\n \n") == []


def test_question_terms_fold_diacritics_but_drop_question_words_before_folding():
    terms, pairs = question_terms("bao nhiêu tập thể được tặng bằng khen")
    assert "the" in terms  # "thể" of "tập thể" stays although "thế" is a question word
    assert "nhieu" not in terms and "bao" not in terms
    assert "bang_khen" in pairs and "tap_the" in pairs
    # Decomposed input (NFD) reads the same as composed.
    nfd = unicodedata.normalize("NFD", "bao nhiêu tập thể được tặng bằng khen")
    assert question_terms(nfd) == (terms, pairs)


def test_expected_answer_type():
    assert expected_type("Chi bộ sinh hoạt vào ngày nào hằng tháng?") == "date"
    assert expected_type("thời gian hoàn thành tổng kết cấp huyện") == "date"
    assert expected_type("bao nhiêu tập thể được tặng bằng khen") == "number"
    assert expected_type("Chỉ thị số 45 nói về điều gì") == ""
    assert type_match("date", "Hoàn thành trong tháng 10/2023.")
    assert not type_match("date", "Tổng kết bằng văn bản.")


def test_best_sentence_answers_when_question_asks_for_it_without_an_encoder():
    hit = _hit(PLAN)
    scored = score_sentences("thời gian hoàn thành tổng kết cấp huyện", [hit], None)
    assert scored[0].sentence.text == "+ Thời gian: Hoàn thành trong tháng 10/2023."
    answer = select_answer("thời gian hoàn thành tổng kết cấp huyện", [hit], scored, threshold=0.0)
    assert answer.found and answer.text == "Cấp huyện và tương đương: Thời gian: Hoàn thành trong tháng 10/2023."
    c = answer.citations[0]
    assert c.n == 1 and c.doc_id == "kh95" and c.ordinal == 4
    assert c.passage[c.span_start:c.span_end] == "+ Thời gian: Hoàn thành trong tháng 10/2023."
    assert c.citation == "Kế hoạch số 95-KH/TU ngày 28/4/2023 của Tỉnh ủy Tiền Giang — mục II.2, tr. 2"


def test_below_threshold_is_the_plain_no_answer():
    hit = _hit(PLAN)
    scored = score_sentences("Giá vàng hôm nay bao nhiêu?", [hit], None)
    answer = select_answer("Giá vàng hôm nay bao nhiêu?", [hit], scored)
    assert not answer.found and answer.text == NO_ANSWER and answer.citations == ()
    assert select_answer("x", [], []).text == NO_ANSWER


def test_a_line_a_pdf_wrapped_reads_as_one_sentence_but_headings_and_list_items_stay_apart():
    text = ("Qua kiểm tra, 4 chi bộ đạt mức Tốt. Toàn Đảng bộ đến ngày 31/12/2024 có 398/426 đảng viên\n"
            "(đạt 93,4%) sử dụng Sổ tay đảng viên điện tử. Năm 2024 kết nạp 13 đảng viên.\n"
            "1. Ưu điểm\nCác chi bộ làm tốt\n- rà soát danh sách\n- gửi tài liệu\nSố liệu | Năm 2024\nĐảng viên | 426")
    sentences = split_sentences(text)
    assert [s.text for s in sentences][:3] == [
        "Qua kiểm tra, 4 chi bộ đạt mức Tốt.",
        "Toàn Đảng bộ đến ngày 31/12/2024 có 398/426 đảng viên\n(đạt 93,4%) sử dụng Sổ tay đảng viên điện tử.",
        "Năm 2024 kết nạp 13 đảng viên."]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert "1. Ưu điểm" in [s.text for s in sentences] and "Các chi bộ làm tốt" in [s.text for s in sentences]
    assert [s.text for s in sentences if s.text.startswith("-")] == ["- rà soát danh sách", "- gửi tài liệu"]
