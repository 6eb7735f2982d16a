"""`vankien ask` on the sample corpus/ (the real Library, the default encoder): answers from metadata,
from the named document, URL and table answers, the no-answer path, and our question set's target
(scripts/eval_corpus_answers.py over tests/data/corpus_questions.json)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import eval_corpus_answers as corpus_eval  # noqa: E402
from vankien.answers.qa import NO_ANSWER, answer_question  # noqa: E402

CT45 = "2024-05-12-chi-thi-45-ct-tw"
HD05 = "2024-08-02-huong-dan-05-hd-btctu"


@pytest.fixture(scope="module")
def corpus_library(tmp_path_factory):
    return corpus_eval.build_library(tmp_path_factory.mktemp("corpus_answers"))


@pytest.mark.parametrize("question", ["Chỉ thị 45 do ai ký?", "chi thi 45 do ai ky", "Ai ký Chỉ thị số 45-CT/TW?"])
def test_who_signed_comes_from_the_metadata_with_a_citation(corpus_library, question):
    answer = answer_question(corpus_library, question)
    assert answer.found and "Võ Minh Quang" in answer.text and "45-CT/TW" in answer.text
    c = answer.citations[0]
    assert c.doc_id == CT45 and c.sentence == "Võ Minh Quang"  # the cited span is the signature
    assert corpus_library.document(CT45).passages[c.ordinal].text == c.passage


def test_when_issued_by_whom_and_what_it_implements(corpus_library):
    issued = answer_question(corpus_library, "nghi quyet 15 duoc ban hanh ngay nao")
    assert issued.found and "28/6/2024" in issued.text
    assert issued.citations[0].sentence == "ngày 28 tháng 6 năm 2024"
    issuer = answer_question(corpus_library, "Cơ quan nào ban hành Kết luận 112?")
    assert issuer.found and "Ban Bí thư" in issuer.text
    implements = answer_question(corpus_library, "Kế hoạch 41 thực hiện văn bản nào?")
    assert implements.found and "112-KL/TW" in implements.text
    assert implements.text.count("41-KH/TU") == 1  # a document never implements itself
    assert implements.citations[0].sentence.startswith("Kết luận số 112-KL/TW")
    basis = answer_question(corpus_library, "Hướng dẫn 05 căn cứ vào văn bản nào?")
    assert basis.found and "45-CT/TW" in basis.text and basis.citations[0].doc_id == HD05


def test_a_named_document_answers_from_that_document_only(corpus_library):
    # Chỉ thị 45 says the same "03 ngày" thing; the question names Hướng dẫn 05.
    answer = answer_question(corpus_library, "Hướng dẫn 05 yêu cầu gửi tài liệu sinh hoạt đến đảng viên chậm nhất khi nào?")
    assert answer.found and "03 ngày" in answer.text
    assert {c.doc_id for c in answer.citations} == {HD05}


@pytest.mark.parametrize("question", ["Chỉ thị 50-CT/TW do ai ký?", "quy dinh 294 do ai ky"])
def test_a_document_not_in_the_index_is_said_to_be_missing(corpus_library, question):
    answer = answer_question(corpus_library, question)
    assert not answer.found and answer.text == NO_ANSWER and not answer.citations
    assert answer.note.startswith("Chưa có văn bản") and "trong chỉ mục" in answer.note


@pytest.mark.parametrize("question", [
    "Bản tin sinh hoạt chi bộ điện tử của xã Hòa An được đăng ở trang nào?",
    # typed without diacritics: the question is spelt back from the passages before it is encoded
    # (vankien/answers/reaccent.py); compared folded, the cosine fell under the no-answer threshold
    "ban tin dien tu cua dang uy xa hoa an dang tai dia chi nao"])
def test_a_url_answer_keeps_the_whole_address(corpus_library, question):
    answer = answer_question(corpus_library, question)
    assert answer.found and "https://hoaan.songlam.example.vn/ban-tin/so-10-2025.html" in answer.text


def test_a_question_typed_without_diacritics_finds_the_sentence_a_pdf_wrapped(corpus_library):
    # searched again as the passages spell it (qa.retrieve_spelt), the Thông báo's passage comes in; its
    # sentence reads across the PDF's line break "… 398/426 đảng viên" / "(đạt 93,4%) sử dụng …"
    answer = answer_question(corpus_library, "ty le dang vien xa hoa an su dung so tay dang vien dien tu den "
                                             "31/12/2024 la bao nhieu")
    assert answer.found and "93,4%" in answer.text and "398/426" in answer.text
    assert answer.citations[0].doc_id == "2025-01-06-thong-bao-58-tb-du"


def test_a_table_row_answer_reads_as_text(corpus_library):
    answer = answer_question(corpus_library, "Kế hoạch 41 đặt chỉ tiêu tỷ lệ đảng viên mới là đoàn viên năm 2025 bao nhiêu?")
    assert answer.found and "60%" in answer.text and "|" not in answer.text
    assert answer.citations[0].doc_id == "2025-02-20-ke-hoach-41-kh-tu"
    step = answer_question(corpus_library, "Trình tự buổi sinh hoạt thường kỳ bước 4 dành bao nhiêu phút?")
    assert step.found and step.text.startswith("Bước 4 — ") and "35 phút" in step.text
    assert step.citations[0].quote == step.text and "|" in step.citations[0].sentence  # the row as printed


@pytest.mark.parametrize("question", [
    "Ai là Chủ tịch Ủy ban nhân dân xã Hòa An?", "Mức phụ cấp hằng tháng của bí thư chi bộ là bao nhiêu?",
    "Bao giờ tổ chức Đại hội Đảng bộ tỉnh Sông Lam nhiệm kỳ 2025 - 2030?", "xyz qwerty blockchain"])
def test_questions_the_corpus_cannot_answer_are_refused(corpus_library, question):
    answer = answer_question(corpus_library, question)
    assert not answer.found and answer.text == NO_ANSWER and not answer.citations


def test_every_answer_is_short(corpus_library):
    for q in corpus_eval.load_questions()[:20]:
        answer = answer_question(corpus_library, q["question"])
        assert len(answer.text) <= 310, (q["question"], answer.text)


def test_a_person_named_by_the_given_name_is_answered_with_the_full_name(corpus_library):
    answer = answer_question(corpus_library, "Ai đã hướng dẫn 17 đảng viên cao tuổi ở thôn Đông Hòa cài đặt Sổ tay "
                                             "đảng viên điện tử?")
    assert answer.found and "Nguyễn Thị Mai" in answer.text and "hướng dẫn 17 đảng viên" in answer.text


def test_a_list_of_months_is_answered_by_the_sentence_that_lists_them(corpus_library):
    answer = answer_question(corpus_library, "Sinh hoạt chuyên đề ở Đảng bộ xã Hòa An tổ chức vào những tháng nào?")
    assert answer.found and "3, 6, 9 và 12" in answer.text


# Measured with the learned ranker (vankien/answers/ranker.py), the list and given-name fixes and
# folded sentences for questions typed without diacritics: 47/53 (scripts/eval_corpus_answers.py);
# 46/53 under the z-score fusion (issue 13), which puts the bulletin's "one of 15 tập thể" sentence
# above the news item that also counts the 32 cá nhân (q22). The target is 0.90
# (corpus_eval.TARGET_ACCURACY); this guards what is reached. 47/53 once a question typed without diacritics is spelt back before encoding (q37); 48/53 once it is
# also searched again as spelt and a PDF's wrapped line is read as one sentence (q28); 49/53 with the
# listwise ranker (q22: the sentence that counts both "tập thể" and "cá nhân"). Target reached.
REACHED_ACCURACY = 49 / 53


def test_our_question_set_does_not_fall_back(corpus_library):
    report = corpus_eval.evaluate(corpus_library, corpus_eval.load_questions())
    corpus_eval.print_report(report)
    assert len(report.outcomes) >= 40 and len(report._sel(False)) >= 8
    assert report.accuracy() >= REACHED_ACCURACY - 1e-9
    assert report.refusal() == 1.0
