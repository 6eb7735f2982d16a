"""Headers as real files bring them (issue 12, item 5): short snippets in the shapes met in Party
and State documents, PDF text layers, DOCX/Markdown conversions and saved news pages."""
from ingest.metadata import extract_metadata
from ingest.references import find_references
from vntext.docnumber import normalize_doc_number, number_key, type_from_code

BODY = "\nI. MỤC ĐÍCH, YÊU CẦU\nNội dung thứ nhất của văn bản.\n"


def test_interleaved_two_column_header_names_the_secretariat_never_viet_nam():
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nBAN BÍ THƯ\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 45-CT/TW\n"
            "Hà Nội, ngày 12 tháng 5 năm 2024\nCHỈ THỊ\nvề tiếp tục nâng cao chất lượng sinh hoạt chi bộ" + BODY)
    m = extract_metadata(text)
    assert (m.doc_type, m.number, m.issuer, m.date) == ("Chỉ thị", "45-CT/TW", "Ban Bí thư", "2024-05-12")


def test_motto_broken_over_lines_is_not_an_issuer():
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN\n*\nVIỆT NAM\nSố 12-KL/TW\nHà Nội, ngày 3 tháng 2 năm 2025\n"
            "KẾT LUẬN\nCỦA BỘ CHÍNH TRỊ\nvề công tác cán bộ" + BODY)
    m = extract_metadata(text)
    assert m.issuer == "Bộ Chính trị"
    text = "ĐẢNG ỦY XÃ HÒA AN\nĐẢNG CỘNG SẢN\nVIỆT NAM\nSố 3-KH/ĐU\nKẾ HOẠCH\nvề việc A" + BODY
    assert extract_metadata(text).issuer == "Đảng ủy xã Hòa An"


def _signed(header: str, signing: str) -> str:
    text = (header + "\nSố 38-HD/BTCTW\nHà Nội, ngày 02 tháng 3 năm 2025\nHƯỚNG DẪN\nvề công tác đảng viên" + BODY
            + "Nơi nhận:\n- Như trên,\n- Lưu.\n" + signing + "\n(đã ký)\nNguyễn Văn An")
    return extract_metadata(text).issuer


def test_issuer_from_the_signing_block():
    assert _signed("BAN CHẤP HÀNH TRUNG ƯƠNG\n*", "T/M BAN BÍ THƯ") == "Ban Bí thư"
    assert _signed("BAN CHẤP HÀNH TRUNG ƯƠNG\n*", "T/L BAN BÍ THƯ\nCHÁNH VĂN PHÒNG") == "Ban Bí thư"
    assert _signed("BAN CHẤP HÀNH TRUNG ƯƠNG\n*", "T/M BỘ CHÍNH TRỊ\nTỔNG BÍ THƯ") == "Bộ Chính trị"
    # a local committee signed by its standing committee keeps the name its header prints
    assert _signed("TỈNH ỦY KHÁNH HÒA\n*", "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ") == "Tỉnh ủy Khánh Hòa"
    assert _signed("TỈNH ỦY KHÁNH HÒA\n*", "K/T BÍ THƯ\nPHÓ BÍ THƯ") == "Tỉnh ủy Khánh Hòa"
    # no issuer in the header at all: the signing body as printed
    assert _signed("", "T/M BAN THƯỜNG VỤ\nBÍ THƯ") == "Ban Thường vụ"


def test_place_date_wrapped_over_two_lines():
    for wrapped in ("Hà Nội, ngày 15 tháng 5\nnăm 2024", "Hà Nội, ngày\n15 tháng 5 năm 2024",
                    "Hà Nội, ngày 15 tháng 0 5 năm 2024"):
        text = "BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 45-CT/TW\n" + wrapped + "\nCHỈ THỊ\nCỦA BAN BÍ THƯ\nvề A" + BODY
        m = extract_metadata(text)
        assert (m.date, m.place) == ("2024-05-15", "Hà Nội"), wrapped


def test_numbers_with_stray_spaces_dashes_escapes_and_case():
    for printed, canonical in [("Số  38 - HD/BTCTW", "38-HD/BTCTW"), ("Số 08 –HD/BTCTU", "08-HD/BTCTU"),
                               ("Số 03-TTr/ĐU", "03-TTR/ĐU"), ("Số 57\\-NQ/TW", "57-NQ/TW"),
                               ("**Số 221-kl/tw**", "221-KL/TW"), ("SỐ: 15 -NQ/TU", "15-NQ/TU")]:
        text = "TỈNH ỦY KHÁNH HÒA\n*\n" + printed + "\nKhánh Hòa, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nvề A" + BODY
        assert extract_metadata(text).number == canonical, printed


def test_title_in_full_not_cut_after_ve():
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 144-QĐ/TW\nHà Nội, ngày 9 tháng 5 năm 2024\nQUY ĐỊNH\nVỀ\n"
            "CHUẨN MỰC ĐẠO ĐỨC CÁCH MẠNG CỦA CÁN BỘ, ĐẢNG VIÊN\nTRONG GIAI ĐOẠN MỚI\n-----\n"
            "Căn cứ Điều lệ Đảng;\nĐiều 1. Phạm vi")
    m = extract_metadata(text)
    assert m.doc_type == "Quy định"
    assert m.subject == "VỀ CHUẨN MỰC ĐẠO ĐỨC CÁCH MẠNG CỦA CÁN BỘ, ĐẢNG VIÊN TRONG GIAI ĐOẠN MỚI"
    text = ("TỈNH ỦY SÔNG LAM\n*\nSố 27-KH/TU\nSông Lam, ngày 10 tháng 7 năm 2024\nKẾ HOẠCH\nthực hiện Chỉ thị số "
            "45-CT/TW của Ban Bí thư về\ntiếp tục nâng cao chất lượng sinh hoạt chi bộ gắn với\nchuyển đổi số\n-----\n"
            "Thực hiện Chỉ thị số 45-CT/TW")
    assert extract_metadata(text).subject == ("thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư về tiếp tục nâng cao chất "
                                              "lượng sinh hoạt chi bộ gắn với chuyển đổi số")


def test_quy_dinh_and_quyet_dinh_are_decided_by_the_words():
    m = extract_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 99-QĐ/TW\nQUYẾT ĐỊNH\nCỦA BAN BÍ THƯ\nvề việc A" + BODY)
    assert m.doc_type == "Quyết định"
    m = extract_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 144-QĐ/TW\nQUY ĐỊNH\nCỦA BỘ CHÍNH TRỊ\nvề A" + BODY)
    assert m.doc_type == "Quy định"
    refs = find_references("thực hiện Quy định số 144-QĐ/TW và Quyết định số 99-QĐ/TW; và theo 37-QĐ/TW.")
    assert [r.doc_type for r in refs] == ["Quy định", "Quyết định", ""]
    assert type_from_code("1766/QĐ-UBND") == "Quyết định" and type_from_code("144-QĐ/TW") == ""


def test_state_numbers_keep_the_state_form():
    m = extract_metadata("CHÍNH PHỦ\nSố: 66/NQ-CP\nHà Nội, ngày 26 tháng 3 năm 2025\nNGHỊ QUYẾT\n"
                         "Về chương trình hành động\nCHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;")
    assert (m.doc_type, m.number, m.issuer, m.subject) == ("Nghị quyết", "66/NQ-CP", "Chính phủ",
                                                           "Về chương trình hành động")
    m = extract_metadata("THỦ TƯỚNG CHÍNH PHỦ\nSố: 09/2025/QĐ-TTg\nHà Nội, ngày 3 tháng 4 năm 2025\nQUYẾT ĐỊNH\n"
                         "Về việc A\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật;")
    assert (m.number, m.issuer) == ("09/2025/QĐ-TTg", "Thủ tướng Chính phủ")
    assert [r.number for r in find_references("theo Nghị quyết số 66/NQ-CP và Quyết định 09/2025/QĐ-TTg")] == [
        "66/NQ-CP", "09/2025/QĐ-TTg"]
    assert normalize_doc_number("66-NQ/CP") == "66/NQ-CP" and normalize_doc_number("50/CT-TW") == "50-CT/TW"
    assert number_key("07/HD-BTGDV") == number_key("07-HD/BTGDV")


def test_markdown_table_header_of_a_state_document():
    text = ("# 62_2011_QD_TTg_preamble\n\n| THỦ TƯỚNG CHÍNH PHỦ ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
            "Độc lập - Tự do - Hạnh phúc ---------------\n|---|\n| Số: 62/2011/QĐ-TTg | Hà Nội, ngày 09 tháng 11 năm 2011\n\n"
            "QUYẾT ĐỊNH\n\nVỀ CHẾ ĐỘ, CHÍNH SÁCH ĐỐI VỚI ĐỐI TƯỢNG THAM GIA CHIẾN TRANH\n\nTHỦ TƯỚNG CHÍNH PHỦ\n\n"
            "Căn cứ Luật Tổ chức Chính phủ;")
    m = extract_metadata(text)
    assert (m.doc_type, m.number, m.issuer, m.date, m.subject) == (
        "Quyết định", "62/2011/QĐ-TTg", "Thủ tướng Chính phủ", "2011-11-09",
        "VỀ CHẾ ĐỘ, CHÍNH SÁCH ĐỐI VỚI ĐỐI TƯỢNG THAM GIA CHIẾN TRANH")
    m = extract_metadata("| BỘ TÀI CHÍNH - BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI -------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
                         "| Số: 47/2009/TTLT-BTC-BLĐTBXH | Hà Nội, ngày 11 tháng 03 năm 2009 |\nTHÔNG TƯ LIÊN TỊCH\n"
                         "HƯỚNG DẪN CẤP PHÁT KINH PHÍ\nCăn cứ Nghị định;")
    assert (m.doc_type, m.issuer) == ("Thông tư liên tịch", "Bộ Tài chính - Bộ Lao động - Thương binh và Xã hội")


def test_cong_van_with_v_v_subject_and_split_letters():
    text = ("B Ộ LAO ĐỘNG - THƯƠNG BINH V À X Ã HỘI\n-------\nSố: 2638/LĐTBXH-KHTC\nV/v xây dựng dự toán năm 2020\n\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 03 tháng 7 năm 2019\n\n"
            "Kính gửi: Sở Lao động - Thương binh và Xã hội\n\nThực hiện Chỉ thị số 16/CT-TTg")
    m = extract_metadata(text)
    assert (m.doc_type, m.number, m.issuer, m.subject) == (
        "Công văn", "2638/LĐTBXH-KHTC", "Bộ Lao động - Thương binh và Xã hội", "V/v xây dựng dự toán năm 2020")


def test_news_item_is_typed_with_its_own_date_never_a_discussed_one():
    text = ("Đảng ủy xã Hòa An sơ kết chế độ sinh hoạt chi bộ\nThứ Hai, 13/05/2025 09:30\n"
            "Ngày 15/10/2024, Ban Thường vụ Đảng ủy ban hành Quy định số 03-QĐ/ĐU về chế độ sinh hoạt chi bộ. "
            "Sau nửa năm thực hiện, các chi bộ đã nền nếp hơn, nội dung sinh hoạt thiết thực hơn và số đảng viên "
            "dự sinh hoạt đạt trên 95 phần trăm.\nMinh Châu")
    m = extract_metadata(text)
    assert (m.doc_type, m.date, m.title) == ("Tin bài", "2025-05-13", "Đảng ủy xã Hòa An sơ kết chế độ sinh hoạt chi bộ")
    no_dateline = text.replace("Thứ Hai, 13/05/2025 09:30\n", "")
    m = extract_metadata(no_dateline)
    assert (m.doc_type, m.date) == ("Tin bài", "")  # 15/10/2024 dates the Quy định, not the item


def test_portal_footer_decree_is_not_a_citation():
    text = ("Triển khai Nghị quyết số 57-NQ/TW của Bộ Chính trị.\n"
            "Giấy phép số 45/GP-TTĐT, hoạt động theo Nghị định 72/2013/NĐ-CP\n© Bản quyền thuộc Cổng TTĐT tỉnh")
    assert [r.number for r in find_references(text)] == ["57-NQ/TW"]


def test_subject_ends_before_the_body_but_not_at_a_blank_line_inside_it():
    text = ("ĐẢNG ỦY XÃ HÒA AN\n*\nSố 12-TB/ĐU\nĐẢNG CỘNG SẢN VIỆT NAM\nHòa An, ngày 2 tháng 4 năm 2024\n\n"
            "THÔNG BÁO\nlịch sinh hoạt chi bộ tháng 4\n\nCác chi bộ sinh hoạt thường kỳ vào ngày 3/4/2024.\n")
    assert extract_metadata(text).subject == "lịch sinh hoạt chi bộ tháng 4"
    text = "BAN CHẤP HÀNH TRUNG ƯƠNG\n\nSố 144-QĐ/TW\n\nQUY ĐỊNH\n\nVỀ\n\nCHUẨN MỰC ĐẠO ĐỨC CÁCH MẠNG\n\nCăn cứ Điều lệ;"
    assert extract_metadata(text).subject == "VỀ CHUẨN MỰC ĐẠO ĐỨC CÁCH MẠNG"


def test_issuer_wrapped_before_its_place_and_number_under_so():
    m = extract_metadata("BAN CHẤP HÀNH ĐẢNG BỘ\nTỈNH KHÁNH HÒA\n*\nSố 15-NQ/TU\nKhánh Hòa, ngày 2 tháng 3 năm 2025\n"
                         "NGHỊ QUYẾT\nvề chuyển đổi số" + BODY)
    assert m.issuer == "Ban Chấp hành Đảng bộ tỉnh Khánh Hòa"
    m = extract_metadata("ĐẢNG BỘ TỈNH KHÁNH HÒA\nĐẢNG ỦY XÃ DIÊN AN\n*\nSố\n05-KH/ĐU\nKẾ HOẠCH\nvề A" + BODY)
    assert (m.issuer, m.number) == ("Đảng ủy xã Diên An", "05-KH/ĐU")
