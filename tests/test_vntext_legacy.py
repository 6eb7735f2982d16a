"""TCVN3 (ABC) and VNI: every Vietnamese letter, real byte sequences, detection that stays quiet on
Unicode and Windows-1258 text (vntext/legacy.py)."""
import unicodedata

import pytest

from vntext.legacy import (
    decode_tcvn3, decode_tcvn3_bytes, decode_vni, decode_vni_bytes, decode_font_text, encode_tcvn3, encode_vni,
    fix_legacy_lines, font_encoding, is_syllable, legacy_encoding,
)

TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
LOWER = [unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES
         if unicodedata.normalize("NFC", base + tone) not in "aeiouy"] + ["đ"]
LETTERS = LOWER + [ch.upper() for ch in LOWER]  # 67 lower-case + 67 capitals


def test_134_letters():
    assert len(LOWER) == 67 and len(set(LETTERS)) == 134


@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_round_trips_in_both_encodings(letter):
    tcvn3 = encode_tcvn3(letter)
    assert len(tcvn3) == 1 and tcvn3[0] >= 0x01  # one byte a letter (capitals in VN1 slots)
    assert decode_tcvn3_bytes(tcvn3) == letter
    vni = encode_vni(letter)
    assert 1 <= len(vni) <= 2
    assert decode_vni_bytes(vni) == letter
    # as a Word run or a PDF span hands them over: the bytes read as Windows-1252
    assert decode_tcvn3(tcvn3.decode("latin-1")) == letter
    assert decode_vni(vni.decode("cp1252")) == letter


# Byte sequences as the ABC and VNI fonts define them (TCVN 5712:1993 VN1; VNI-Windows).
KNOWN = [
    ("Đảng", b"\xa7\xb6ng", b"\xd1a\xfbng"),
    ("Việt", b"Vi\xd6t", b"Vie\xe4t"),
    ("ương", b"\xad\xacng", b"\xf6\xf4ng"),
    ("người", b"ng\xad\xeai", b"ng\xf6\xf4\xf8i"),
    ("lãnh đạo", b"l\xb7nh \xae\xb9o", b"la\xf5nh \xf1a\xefo"),
    ("Hồ Chí Minh", b"H\xe5 Ch\xdd Minh", b"Ho\xe0 Ch\xed Minh"),
    ("quyết", b"quy\xd5t", b"quye\xe1t"),
    ("Ỵ", b"\x17", b"\xce"),
]


@pytest.mark.parametrize("text,tcvn3,vni", KNOWN, ids=[k[0] for k in KNOWN])
def test_known_byte_sequences(text, tcvn3, vni):
    assert encode_tcvn3(text) == tcvn3 and decode_tcvn3_bytes(tcvn3) == text
    assert encode_vni(text) == vni and decode_vni_bytes(vni) == text


def test_abc_capitals_font_draws_lower_codes_as_capitals():
    codes = encode_tcvn3("đảng cộng sản việt nam").decode("latin-1")
    assert decode_tcvn3(codes, upper=True) == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert decode_font_text(codes, ".VnTimeH") == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert decode_font_text(codes, "ABCDEF+.VnTime,Bold") == "đảng cộng sản việt nam"


@pytest.mark.parametrize("name,expected", [
    (".VnTime", ("tcvn3", False)), (".VnTimeH", ("tcvn3", True)), ("ABCDEF+.VnArialH,Bold", ("tcvn3", True)),
    ("VnTime-Bold", ("tcvn3", False)), ("VNI-Times", ("vni", False)), ("VNI-Helve-Condense", ("vni", False)),
    ("Times New Roman", ("", False)), ("Vietnam Sans", ("", False)), (None, ("", False)),
])
def test_font_names(name, expected):
    assert font_encoding(name) == expected


SENTENCE = ("Ban Thường vụ Tỉnh ủy đề nghị các cấp ủy tiếp tục đổi mới nội dung sinh hoạt chi bộ, "
            "nâng cao chất lượng đảng viên và tổ chức cơ sở đảng trong tình hình mới.")


def test_detection_fires_on_legacy_text():
    assert legacy_encoding(encode_tcvn3(SENTENCE).decode("cp1252", errors="replace")) == "tcvn3"
    assert legacy_encoding(encode_vni(SENTENCE).decode("cp1252")) == "vni"


def _to_cp1258(text: str) -> str:
    """Text as a Windows-1258 file holds it (base letter + combining tone), decoded as cp1258."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in "\u0300\u0301\u0303\u0309\u0323"))
        out.append(base + "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323"))
    return "".join(out).encode("cp1258").decode("cp1258")


@pytest.mark.parametrize("text", [
    SENTENCE, unicodedata.normalize("NFD", SENTENCE), _to_cp1258(SENTENCE),
    "Tôi là đảng viên", "Hà Nội", "Résumé du café à Paris, élève très âgé", "plain ASCII text only",
    # Windows-1258 bytes wrongly read as Windows-1252: still not TCVN3/VNI
    _to_cp1258(SENTENCE).encode("cp1258").decode("cp1252", errors="replace"),
])
def test_detection_quiet_on_unicode_and_cp1258(text):
    assert legacy_encoding(text) == ""
    assert fix_legacy_lines(text) == (text, "")


def test_mixed_lines_converted_line_by_line():
    legacy = encode_tcvn3("Đảng bộ tỉnh lãnh đạo thực hiện thắng lợi nghị quyết đại hội").decode("cp1252")
    text = f"Dòng Unicode: Chỉ thị số 45-CT/TW\n{legacy}\nDòng cuối vẫn là Unicode."
    fixed, encoding = fix_legacy_lines(text)
    assert encoding == "tcvn3"
    assert fixed.split("\n") == ["Dòng Unicode: Chỉ thị số 45-CT/TW",
                                 "Đảng bộ tỉnh lãnh đạo thực hiện thắng lợi nghị quyết đại hội",
                                 "Dòng cuối vẫn là Unicode."]


def test_syllables():
    for word in ("Đảng", "nghiêng", "khuyết", "người", "quốc", "giữ", "gì", "ĐẢNG", "xoong"):
        assert is_syllable(word), word
    for word in ("§¶ng", "Ñaûng", "Vieät", "tØnh", "café"):
        assert not is_syllable(word), word
