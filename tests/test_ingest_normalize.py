"""Normalisation: one form for stored text and queries, whatever the input's Unicode or tone style."""
import unicodedata

from vntext.docnumber import find_doc_numbers, normalize_doc_number
from vntext.normalize import fold_diacritics, normalize_query, normalize_text


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Tỉnh ủy Tiền Giang")
    assert nfd != "Tỉnh ủy Tiền Giang"
    assert normalize_text(nfd) == "Tỉnh ủy Tiền Giang"


def test_both_tone_styles_give_one_form():
    assert normalize_text("Khánh Hoà") == normalize_text("Khánh Hòa") == "Khánh Hòa"
    assert normalize_text("Tỉnh uỷ") == "Tỉnh ủy"
    assert normalize_text("sức khoẻ") == "sức khỏe"
    assert normalize_text("quý") == "quý"  # "qu" is a consonant: the tone stays on y
    assert normalize_query("  hoà   bình ") == "hòa bình"


def test_conversion_debris_and_whitespace():
    text = "[bookmark: _GoBack]I. MỤC\u00a0ĐÍCH\u200b\n\n\n\nNội   dung\n.\n."
    assert normalize_text(text) == "I. MỤC ĐÍCH\n\nNội dung"


def test_empty_and_idempotent():
    assert normalize_text("") == ""
    assert normalize_query("   ") == ""
    once = normalize_text("Hoà bình\r\n\r\n\r\n  Độc lập ")
    assert normalize_text(once) == once


def test_fold_diacritics():
    assert fold_diacritics("Đảng ủy xã Diên Khánh") == "Dang uy xa Dien Khanh"


def test_doc_number_variants_are_one_key():
    for variant in ["50-CT/TW", "50/CT-TW", "50 CT TW", "50-ct/tw", "Số 50-CT/TW", "50–CT/TW"]:
        assert normalize_doc_number(variant) == "50-CT/TW", variant
    assert normalize_doc_number("12HD/BTCTW") == "12-HD/BTCTW"
    assert normalize_doc_number("168/2024/NĐ-CP") == "168/2024/NĐ-CP"
    assert normalize_doc_number("36-2024-TT-BYT") == "36/2024/TT-BYT"
    assert normalize_doc_number("không phải số") == ""


def test_find_doc_numbers_skips_dates_and_years():
    text = "ngày 27/02/2023 (1989 - 2024), Quy định số 37-QĐi/TW và Nghị định 168/2024/NĐ-CP."
    assert [n for _, _, n in find_doc_numbers(text)] == ["37-QĐI/TW", "168/2024/NĐ-CP"]
    for start, end, _ in find_doc_numbers(text):
        assert text[start:end] in ("37-QĐi/TW", "168/2024/NĐ-CP")
