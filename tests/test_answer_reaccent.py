"""Questions typed without diacritics: spelt back from the retrieved passages (vankien/answers/reaccent.py),
and a count question is not answered by a share (answer_types.has_unit)."""
from __future__ import annotations

from vankien.answers.answer_types import asked_unit, unit_share
from vankien.answers.reaccent import reaccent

PASSAGES = [
    "Bản tin điện tử được đăng tại trang https://hoaan.songlam.example.vn/ban-tin/so-10-2025.html, mục Bản tin "
    "sinh hoạt chi bộ của Đảng ủy xã Hòa An.",
    "Đảng bộ xã có 426 đảng viên sinh hoạt ở 14 chi bộ.",
]


def test_a_folded_question_is_spelt_as_the_passages_spell_it():
    assert reaccent("ban tin dien tu cua dang uy xa hoa an dang tai dia chi nao", PASSAGES) == \
        "bản tin điện tử của đảng ủy xã hòa an đăng tại địa chỉ nào"


def test_the_neighbouring_word_decides_between_two_spellings():
    # "dang" is "đảng" before "ủy"/"viên" and "đăng" before "tại": the pair decides, not the commoner word
    assert reaccent("dang tai o dau", PASSAGES).startswith("đăng tại")
    assert reaccent("dang vien", PASSAGES) == "đảng viên"


def test_words_the_passages_never_spell_and_accented_questions_stay_as_typed():
    assert reaccent("Xyz qwerty", PASSAGES) == "Xyz qwerty"
    assert reaccent("Đảng bộ xã có bao nhiêu đảng viên?", PASSAGES) == "Đảng bộ xã có bao nhiêu đảng viên?"
    assert reaccent("Dang bo xa co bao nhieu dang vien?", PASSAGES).startswith("Đảng bộ xã có")
    assert reaccent("", PASSAGES) == ""


def test_a_share_is_not_a_count_of_the_unit_asked_for():
    units = asked_unit("Toàn tỉnh Sông Lam có bao nhiêu chi bộ?")
    assert units == (("chi", "bo"),)
    assert unit_share(units, ["100% chi bộ"]) == 0.0
    assert unit_share(units, ["3.870 chi bộ"]) == 1.0
    assert unit_share(asked_unit("Tỷ lệ chi bộ sinh hoạt đúng ngày là bao nhiêu?"), ["97,2% chi bộ"]) == 1.0
