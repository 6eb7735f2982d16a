"""One normaliser for everything stored and every query, so offsets and highlights line up.

Tone-mark style: the traditional placement ("hòa", "thủy", "khỏe"), which is what the Party's own
documents and place names use ("Khánh Hòa", "Tỉnh ủy"). Text in the newer style ("hoà", "uỷ")
normalises to the same string.
"""
from __future__ import annotations

import re
import unicodedata

# "2": closed syllables keep their marks ("hoặc" was stored as "họăc" by "1"); roles on passages
NORMALIZER_VERSION = "2"

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (NFD combining marks)
# oa/oe/uy ending an open syllable with the tone on the second vowel ("hoà", "khoẻ", "thuỷ") -> move
# it to the first. Only open syllables have two styles: when a consonant or another vowel follows
# ("hoặc", "toán", "khuyết", "hoài") the mark belongs on the second vowel in both, and in NFD a
# vowel's own mark (the breve of "ặ") may follow the tone, so the syllable must end right after it.
# "quý" keeps its tone on y: there the u belongs to the consonant "qu".
_NEW_STYLE_TONE = re.compile(
    r"(?<![qQ])(?P<v1>[oO](?=[aAeE])|[uU](?=[yY]))(?P<v2>[aAeEyY])(?P<tone>[" + _TONES + r"])"
    r"(?![a-zA-ZđĐ\u0300-\u036f])"
)
_DEBRIS = re.compile(r"\[bookmark:[^\]]*\]|\[image:[^\]]*\]|\{\\[^}]*\}", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_DOT_LINE = re.compile(r"^\.+$")  # lines of bare dots left by web-page and Word conversions


def _fix_tone_placement(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text)
    fixed = _NEW_STYLE_TONE.sub(lambda m: m["v1"] + m["tone"] + m["v2"], nfd)
    return unicodedata.normalize("NFC", fixed)


def normalize_text(text: str) -> str:
    """NFC, traditional tone marks, no conversion debris or invisible characters, tidy whitespace.

    Line breaks are kept (paragraphs carry structure); runs of blank lines collapse to one.
    Idempotent: normalize_text(normalize_text(t)) == normalize_text(t).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _DEBRIS.sub("", text)
    text = _fix_tone_placement(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = ["" if _DOT_LINE.match(line) else line for line in lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def normalize_query(text: str) -> str:
    """A query is one line of the same normalised form."""
    return " ".join(normalize_text(text).split())


class _FoldTable(dict):
    """Code point -> its character without diacritics, worked out the first time it is seen:
    str.translate looks every character up in C, several times faster than a Python loop (the
    search results' highlighting folds every shown passage)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = {"đ": "d", "Đ": "D"}.get(ch) or unicodedata.normalize("NFD", ch)[0]
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_diacritics(text: str) -> str:
    """Accent-insensitive form: "Đảng ủy" -> "Dang uy". Same length as the NFC input per character."""
    return text.translate(_FOLD)


class _LowerFoldTable(dict):
    """Code point -> lowercase without diacritics, one character (as _FoldTable)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        folded = fold_diacritics(low if len(low) == 1 else ch)
        self[code] = folded
        return folded


_LOWER_FOLD = _LowerFoldTable()


def fold_lower(text: str) -> str:
    """The accent- and case-insensitive key that matching and sorting use: "Đảng ủy" -> "dang uy".
    One output character per input character, so spans found in it are spans of the input."""
    return (text or "").translate(_LOWER_FOLD)
