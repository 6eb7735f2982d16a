"""Header rules the real Party files of tests/data/real_docs showed were missing (issue 12), each on
the shape the file printed it in; tests/test_eval_metadata.py runs the files themselves."""
from pathlib import Path

from ingest.formats import detect_format
from ingest.issuers import issuer_of_body, title_case_org
from ingest.metadata import extract_metadata
from ingest.pipeline import parse_file


def test_number_and_place_date_on_one_line():
    # two columns flattened: the place must not start inside the number's symbol ("TW Hà Nội")
    meta = extract_metadata("BỘ CHÍNH TRỊ\n*\nSố 31-CTr/TW Hà Nội, ngày 28 tháng 7 năm 2026\n\n"
                            "CHƯƠNG TRÌNH HÀNH ĐỘNG\nCỦA BỘ CHÍNH TRỊ\nthực hiện Kết luận số 75-KL/TW\n")
    assert (meta.number, meta.date, meta.issuer) == ("31-CTR/TW", "2026-07-28", "Bộ Chính trị")


def test_ocr_lost_tone_marks_in_type_motto_and_units():
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG ĐÁNG CỘNG SẢN VIỆT NAM\n*\nSố 75-KL/TW Hà Nội, ngày 28 tháng 7 năm 2026\n\n"
            "KÉT LUẬN\nHỘI NGHỊ LÀN THỨ BA\nBAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHOÁ XIV\n"
            "về bảo vệ môi trường\n\nI- BỐI CẢNH\n")
    meta = extract_metadata(text)
    assert (meta.doc_type, meta.number, meta.issuer) == ("Kết luận", "75-KL/TW", "Ban Chấp hành Trung ương")
    # a conference's text: the conference, then its subject in lower case
    assert meta.subject.startswith("HỘI NGHỊ LÀN THỨ BA BAN CHẤP HÀNH") and meta.subject.endswith("về bảo vệ môi trường")
    assert title_case_org("TÍNH ỦY LÀO CAI") == "Tỉnh ủy Lào Cai"
    # ... but a one-word unit is matched as printed: "TĨNH", "QUAN" in a place name stay names
    assert title_case_org("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ TĨNH") == "Ủy ban nhân dân thành phố Hà Tĩnh"
    assert title_case_org("HUYỆN ỦY NHO QUAN") == "Huyện ủy Nho Quan"
    # "CUA" for "CỦA": the hook lost in the scan
    meta = extract_metadata("Số 31-CTr/TW Hà Nội, ngày 28 tháng 7 năm 2026\nCHƯƠNG TRÌNH HÀNH ĐỘNG\nCUA BỘ CHÍNH TRỊ\n")
    assert meta.issuer == "Bộ Chính trị"


def test_standing_committee_takes_its_province_from_the_header():
    assert issuer_of_body("BAN THƯỜNG VỤ TỈNH ỦY", "TỈNH ỦY LÀO CAI") == "Ban Thường vụ Tỉnh ủy Lào Cai"
    assert issuer_of_body("BAN BÍ THƯ", "BAN CHẤP HÀNH TRUNG ƯƠNG") == "Ban Bí thư"


def test_party_letter_with_ve_viec_and_signing_on_the_recipients_line():
    text = ("     ĐẢNG BỘ TỈNH LÀO CAI                             ĐẢNG CỘNG SẢN VIỆT NAM\n"
            " ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH\n"
            "                                                      Lào Cai, ngày 07 tháng 9 năm 2026\n"
            "               *\n         Số 2449 -CV/ĐU\n"
            "về việc triển khai thực hiện Chương trình hành động\nsố 104-CTr/TU ngày 30/8/2026 của Tỉnh ủy Lào Cai\n\n\n"
            "                  Kính gửi: - Ủy ban nhân dân tỉnh,\n\n"
            "         Đảng ủy đề nghị các tổ chức đảng triển khai thực hiện.\n"
            "Nơi nhận:                                    T/M BAN THƯỜNG VỤ\n"
            "- Như trên (t/h);                                 PHÓ BÍ THƯ\n- Lưu Văn phòng Đảng ủy.\n\n\n"
            "                                                Nguyễn Hữu Long\n")
    meta = extract_metadata(text)
    assert (meta.doc_type, meta.number, meta.date) == ("Công văn", "2449-CV/ĐU", "2026-09-07")
    assert meta.subject == ("về việc triển khai thực hiện Chương trình hành động số 104-CTr/TU ngày 30/8/2026 "
                            "của Tỉnh ủy Lào Cai")
    assert meta.signer == "Nguyễn Hữu Long"


def test_subject_ends_where_a_body_sentence_opens_after_a_blank_line():
    meta = extract_metadata("TỈNH ỦY LÀO CAI\nSố 26-NQ/TU\nNGHỊ QUYẾT\nvề nhiệm vụ chính trị năm 2026\n\n"
                            "Năm 2025, bên cạnh những thời cơ, thuận lợi là chủ yếu, tỉnh vẫn phải\n"
                            "đối mặt với nhiều khó khăn\n")
    assert meta.subject == "về nhiệm vụ chính trị năm 2026"
    # ... but a lower-case line after a blank line still continues it
    meta = extract_metadata("TỈNH ỦY LÀO CAI\nSố 26-NQ/TU\nNGHỊ QUYẾT\nvề nhiệm vụ chính trị\n\nnăm 2026\n\nI. MỤC TIÊU\n")
    assert meta.subject == "về nhiệm vụ chính trị năm 2026"


def test_converter_split_word_is_joined_in_the_subject():
    meta = extract_metadata("BỘ LAO ĐỘNG\nSố: 2638/LĐTBXH-KHTC\nV/v xây dựng dự toán ngân sách trung ươ n g năm 2020\n"
                            "Kính gửi: Bộ Tài chính\n")
    assert meta.subject == "V/v xây dựng dự toán ngân sách trung ương năm 2020"


def test_article_fragment_saved_as_html_is_a_web_page(tmp_path: Path):
    # a news site's template saved as a page: no <html>, server code between the tags
    page = ("<?php\n    $dir = $_SERVER['PHP_SELF'];\n?>\n<h1>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 5</h1>\n"
            "<i>Thứ 6, 21/03/2025 | 15:45</i>\n<p>Sáng 21/3, Ban Chấp hành Đảng bộ tỉnh họp thường kỳ.</p>\n"
            "<div><?php echo '<img src=\"' . $dir . '1.jpg\" alt=\"\">'; ?><i>Quang cảnh hội nghị</i></div>\n"
            "<p>Hội nghị thảo luận, cho ý kiến về &aacute;n văn kiện.</p>\n")
    for name in ("tin.html", "tin.htm"):
        (tmp_path / name).write_text(page, encoding="utf-8")
        doc = parse_file(tmp_path / name)
        assert "<h1>" not in doc.text and "?>" not in doc.text and "echo" not in doc.text
        assert "án văn kiện" in doc.text
        assert (doc.metadata.doc_type, doc.metadata.date) == ("Tin bài", "2025-03-21")
        assert doc.metadata.title == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 5"
    # the same fragment under another name is still recognised by its markup; Markdown is left alone
    (tmp_path / "tin.txt").write_text(page, encoding="utf-8")
    assert "<h1>" not in parse_file(tmp_path / "tin.txt").text
    assert detect_format(page.encode()) == "text"  # the first bytes alone do not tell
