"""Vietnamese typed before Unicode: TCVN3 (ABC, fonts ".VnTime", ".VnArial", ...) and VNI (fonts
"VNI-Times", "VNI-Helve", ...), detected and converted to Unicode NFC. Pure functions over strings.

Both encodings are font encodings: the file stores ordinary 8-bit codes and the font draws them as
Vietnamese letters. What reaches us is those codes read as Windows-1252 (a .txt read as cp1252, a
DOCX/.doc run or a PDF span in such a font): "§¶ng" is "Đảng" in TCVN3, "Ñaûng" is "Đảng" in VNI.

- TCVN3: one byte a letter. The table is TCVN 5712:1993 VN1 (what glibc calls TCVN5712-1): lower-
  case toned letters at 0xA8-0xFE as in the ABC fonts, upper-case ones at 0x80-0x9F, a few control
  codes and free slots of 0xA0-0xFF. ABC fonts whose name ends in "H" (".VnTimeH", ".VnArialH") draw
  the lower-case codes as capitals: `decode_tcvn3(text, upper=True)`.
- VNI: a base letter followed by a mark character ("a" + "ù" = "á", "a" + "â" + ... = "ấ" is "aá"),
  plus single codes for đ, ơ, ư and the i/y letters.

Detection (`legacy_encoding`) is for text without font names: only text written entirely in the
Windows-1252 repertoire can be legacy (Unicode Vietnamese nearly always holds ơ, ư, đ, ạ, ế ... which
that repertoire lacks), and a decoding wins only when its words are valid Vietnamese syllables
where the text as it stands is not.
"""
from __future__ import annotations

import re
import unicodedata

# --- TCVN3 (TCVN 5712:1993 VN1) -------------------------------------------------------------------
# byte -> letter; bytes not listed are ASCII / Latin-1 as they are.
_TCVN3_PAIRS = (
    "01Ú 02Ụ 04Ừ 05Ử 06Ữ 11Ứ 12Ự 13Ỳ 14Ỷ 15Ỹ 16Ý 17Ỵ "
    "80À 81Ả 82Ã 83Á 84Ạ 85Ặ 86Ậ 87È 88Ẻ 89Ẽ 8AÉ 8BẸ 8CỆ 8DÌ 8EỈ 8FĨ "
    "90Í 91Ị 92Ò 93Ỏ 94Õ 95Ó 96Ọ 97Ộ 98Ờ 99Ở 9AỠ 9BỚ 9CỢ 9DÙ 9EỦ 9FŨ "
    "A1Ă A2Â A3Ê A4Ô A5Ơ A6Ư A7Đ A8ă A9â AAê ABô ACơ ADư AEđ AFẰ "
    "B0\u0300 B1\u0309 B2\u0303 B3\u0301 B4\u0323 B5à B6ả B7ã B8á B9ạ BAẲ BBằ BCẳ BDẵ BEắ BFẴ "
    "C0Ắ C1Ầ C2Ẩ C3Ẫ C4Ấ C5Ề C6ặ C7ầ C8ẩ C9ẫ CAấ CBậ CCè CDỂ CEẻ CFẽ "
    "D0é D1ẹ D2ề D3ể D4ễ D5ế D6ệ D7ì D8ỉ D9Ễ DAẾ DBỒ DCĩ DDí DEị DFò "
    "E0Ổ E1ỏ E2õ E3ó E4ọ E5ồ E6ổ E7ỗ E8ố E9ộ EAờ EBở ECỡ EDớ EEợ EFù "
    "F0Ỗ F1ủ F2ũ F3ú F4ụ F5ừ F6ử F7ữ F8ứ F9ự FAỳ FBỷ FCỹ FDý FEỵ FFỐ"
)
TCVN3_TO_UNICODE: dict[int, str] = {int(item[:2], 16): item[2:] for item in _TCVN3_PAIRS.split()}
UNICODE_TO_TCVN3: dict[str, int] = {ch: code for code, ch in TCVN3_TO_UNICODE.items() if len(ch) == 1
                                    and not unicodedata.combining(ch)}

# --- VNI (VNI-Windows) -------------------------------------------------------------------------------
# Marks after a base vowel: tone alone, circumflex (+ tone), breve (+ tone). Lower-case letters use
# the lower-case mark characters, capitals the upper-case ones (code - 0x20).
_TONE_MARKS = {"": "", "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_CIRCUMFLEX_MARKS = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_BREVE_MARKS = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# i and y-with-dot are single codes in VNI; ơ, ư, đ too.
_VNI_SINGLE_LOWER = {"í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "ơ": "ô", "ư": "ö", "đ": "ñ"}


def _vni_table() -> dict[str, str]:
    """Unicode letter -> its VNI character sequence, for every Vietnamese letter with a mark."""
    table: dict[str, str] = {}
    for tone, tone_mark in _TONE_MARKS.items():
        for base in "aeouy":
            if tone:
                table[unicodedata.normalize("NFC", base + tone)] = base + tone_mark
        for base, vni_base in (("ơ", "ô"), ("ư", "ö")):
            letter = unicodedata.normalize("NFC", base + tone)
            table[letter] = vni_base + tone_mark
        for base in "aeo":
            table[unicodedata.normalize("NFC", base + "\u0302" + tone)] = base + _CIRCUMFLEX_MARKS[tone]
        table[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + _BREVE_MARKS[tone]
    for letter, code in _VNI_SINGLE_LOWER.items():
        table[letter] = code
    for letter, code in list(table.items()):
        table[letter.upper()] = "".join(chr(ord(c) - 0x20) if ord(c) >= 0xE0 else c.upper() for c in code)
    return table


UNICODE_TO_VNI: dict[str, str] = _vni_table()
_VNI_TO_UNICODE: dict[str, str] = {code: letter for letter, code in UNICODE_TO_VNI.items()}
# Tolerated: a capital base with a lower-case mark ("Aù"), as typed with Shift on the letter only.
for _letter, _code in list(UNICODE_TO_VNI.items()):
    if _letter.isupper() and len(_code) == 2:
        _VNI_TO_UNICODE.setdefault(_code[0] + chr(ord(_code[1]) + 0x20), _letter)
_VNI_TO_UNICODE.setdefault("yï", "ỵ")  # y + dot below written as a pair instead of the single code
_VNI_TO_UNICODE.setdefault("YÏ", "Ỵ")
_VNI_MARK_CHARS = frozenset(c for code in UNICODE_TO_VNI.values() if len(code) == 2 for c in code[1])
_VNI_BASES = frozenset("aeouyAEOUYôöÔÖ")

# --- characters as Windows-1252 read them ---------------------------------------------------------
_CP1252_HIGH = {ch: byte for byte in range(0x80, 0xA0)
                for ch in [bytes([byte]).decode("cp1252", errors="ignore")] if ch}


def _byte_of(ch: str) -> int | None:
    """The 8-bit code a character stands for when text was read as Windows-1252 (or Latin-1)."""
    o = ord(ch)
    if o < 0x100:
        return o
    return _CP1252_HIGH.get(ch)


def is_8bit_text(text: str) -> bool:
    """Every character is one 8-bit code read as Windows-1252/Latin-1: text that could be legacy."""
    return all(ord(ch) < 0x100 or ch in _CP1252_HIGH for ch in text)


def decode_tcvn3(text: str, upper: bool = False) -> str:
    """TCVN3 text read as Windows-1252 -> Unicode NFC. `upper`: an ABC capitals font (".VnTimeH")."""
    out = []
    for ch in text:
        byte = _byte_of(ch)
        out.append(TCVN3_TO_UNICODE.get(byte, ch) if byte is not None else ch)
    result = unicodedata.normalize("NFC", "".join(out))
    return result.upper() if upper else result


def decode_tcvn3_bytes(data: bytes, upper: bool = False) -> str:
    """TCVN3 bytes (a .txt typed with an ABC font) -> Unicode NFC."""
    return decode_tcvn3(data.decode("latin-1"), upper)


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes (VN1); ValueError for a character TCVN3 cannot hold."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[ch])
        elif ord(ch) < 0x80:
            out.append(ord(ch))
        else:
            raise ValueError(f"TCVN3 has no code for {ch!r}")
    return bytes(out)


def decode_vni(text: str) -> str:
    """VNI text read as Windows-1252 -> Unicode NFC."""
    out = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i:i + 2]
        if len(pair) == 2 and pair[1] in _VNI_MARK_CHARS and pair in _VNI_TO_UNICODE:
            out.append(_VNI_TO_UNICODE[pair])
            i += 2
            continue
        out.append(_VNI_TO_UNICODE.get(text[i], text[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_vni_bytes(data: bytes) -> str:
    return decode_vni(data.decode("cp1252", errors="replace"))


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI-Windows bytes; ValueError for a character VNI cannot hold."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(UNICODE_TO_VNI.get(ch, ch))
    return "".join(out).encode("cp1252")


# --- fonts --------------------------------------------------------------------------------------------
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_STYLE = re.compile(r"(?:[,-](?:Bold|Italic|BoldItalic|Regular|Oblique|Roman|Normal)\w*)+$", re.IGNORECASE)
_TCVN3_FONT = re.compile(r"^\.?Vn[A-Z0-9]")
_VNI_FONT = re.compile(r"^VNI[-_ ]", re.IGNORECASE)


def font_encoding(font_name: str | None) -> tuple[str, bool]:
    """("tcvn3" | "vni" | "", capitals) for a font name as Word or a PDF gives it:
    ".VnTime" -> ("tcvn3", False), "ABCDEF+.VnTimeH,Bold" -> ("tcvn3", True), "VNI-Times" -> ("vni", False)."""
    if not font_name:
        return "", False
    name = _STYLE.sub("", _SUBSET.sub("", font_name.strip()))
    if _TCVN3_FONT.match(name):
        return "tcvn3", name.replace(" ", "").endswith("H")
    if _VNI_FONT.match(name):
        return "vni", False
    return "", False


def decode_font_text(text: str, font_name: str | None) -> str:
    """A run/span of text in `font_name`, converted when the font is a TCVN3 or VNI one."""
    encoding, upper = font_encoding(font_name)
    if not encoding or not is_8bit_text(text):
        return text
    return decode_tcvn3(text, upper) if encoding == "tcvn3" else decode_vni(text)


# --- detection ----------------------------------------------------------------------------------------
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEI = sorted("""a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê
ui uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu""".split(), key=len,
                 reverse=True)
_SYLLABLE = re.compile(r"^" + _ONSET + "(?:" + "|".join(_NUCLEI) + r")(?:ch|ng|nh|[cmnpt])?$")
_TONE_MARKS_NFD = "\u0300\u0301\u0303\u0309\u0323"
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?…-–—*«»/"


def _toneless(word: str) -> tuple[str, int]:
    nfd = unicodedata.normalize("NFD", word)
    tones = sum(1 for c in nfd if c in _TONE_MARKS_NFD)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS_NFD)), tones


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (any case), e.g. "Đảng", "nghiêng", "khuyết"; not "Ñaûng"."""
    base, tones = _toneless(word.lower())
    return tones <= 1 and bool(_SYLLABLE.match(base))


def syllable_score(text: str) -> tuple[int, int]:
    """(valid, total) over the words holding a non-ASCII character: how Vietnamese the text reads."""
    valid = total = 0
    for token in text.split():
        word = token.strip(_EDGE_PUNCT)
        if not word or word.isascii():
            continue
        total += 1
        if word.isalpha() and is_syllable(word):
            valid += 1
    return valid, total


def _rate(text: str) -> tuple[float, int]:
    valid, total = syllable_score(text)
    return (valid / total if total else 0.0), valid


def legacy_encoding(text: str, min_words: int = 3) -> str:
    """"tcvn3", "vni" or "" (leave as it is) for text with no font names to go by.

    Fires only on text entirely in the Windows-1252 repertoire whose decoding reads as Vietnamese
    (≥ 80 % valid syllables among the words with marks, at least `min_words` of them) while the text
    as it stands does not (≤ 50 %). Unicode and decoded Windows-1258 text never qualify: they hold
    characters (ơ, ư, đ, combining marks) outside that repertoire.
    """
    if not text or text.isascii() or not is_8bit_text(text):
        return ""
    as_is, _ = _rate(text)
    if as_is > 0.5:
        return ""
    best, best_rate = "", 0.0
    for name, decode in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
        rate, valid = _rate(decode(text))
        if valid >= min_words and rate >= 0.8 and rate > best_rate:
            best, best_rate = name, rate
    return best


def decode_as(text: str, encoding: str) -> str:
    if encoding == "tcvn3":
        return decode_tcvn3(text)
    if encoding == "vni":
        return decode_vni(text)
    return text


def _is_candidate(line: str) -> bool:
    return bool(line) and not line.isascii() and is_8bit_text(line)


def fix_legacy_lines(text: str) -> tuple[str, str]:
    """Text whose 8-bit lines may be TCVN3/VNI beside Unicode lines: (fixed text, encoding found).

    The encoding is decided once over all the 8-bit lines together (a short line alone says too
    little), then applied to those lines only; lines holding Unicode Vietnamese stay as they are.
    """
    fixed, encoding = fix_legacy_pages([text])
    return fixed[0], encoding


def fix_legacy_pages(pages: list[str]) -> tuple[list[str], str]:
    """`fix_legacy_lines` over several texts (the pages of one PDF) with one decision for all."""
    candidates = [line for page in pages for line in page.split("\n") if _is_candidate(line)]
    encoding = legacy_encoding("\n".join(candidates)) if candidates else ""
    if not encoding:
        return pages, ""
    return ["\n".join(decode_as(line, encoding) if _is_candidate(line) else line for line in page.split("\n"))
            for page in pages], encoding


def font_decoder(font_name: str | None, sample: str) -> tuple[str, bool]:
    """How to read every run/span of one font: ("tcvn3" | "vni" | "", capitals).

    `sample` is the font's text in the document (its runs joined by spaces). Runs holding letters
    outside the 8-bit repertoire are Unicode already and say nothing; a font whose 8-bit runs read
    as Vietnamese as they stand is left alone too (PDF producers often map such fonts to Unicode).
    """
    encoding, upper = font_encoding(font_name)
    sample = " ".join(word for word in sample.split() if is_8bit_text(word))
    if not encoding or not sample:
        return "", False
    rate, _ = _rate(sample)
    if rate > 0.5 and syllable_score(sample)[1] >= 2:
        return "", False
    return encoding, upper


def decode_with(text: str, encoding: str, upper: bool = False) -> str:
    if not encoding or not is_8bit_text(text):
        return text
    return decode_tcvn3(text, upper) if encoding == "tcvn3" else decode_vni(text)
