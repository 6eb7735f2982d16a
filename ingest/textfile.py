"""Plain text and Markdown: find the encoding (UTF-8, UTF-16 with BOM, Windows-1258 ...) and decode.

Windows-1258 writes Vietnamese with combining tone marks; decoded and NFC-normalised it reads like
UTF-8 text. When the bytes are not UTF-8, each candidate decoding is scored by how much of it is
Vietnamese letters, digits, spaces and punctuation, and the best one wins. Legacy font encodings
(TCVN3/ABC, VNI) are not recognised: they decode to mojibake and are rejected when it is obvious.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.records import IngestError

_VIET = set(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
)
_PLAIN = set("0123456789 \n\t.,;:!?()[]\"'“”‘’-–—/%&+*=<>#_…@$")
# Markdown emphasis around words: "**T/M BAN THƯỜNG VỤ**", "*Sổ tay đảng viên*".
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)([^*\n]+?)(?<=\S)\1")


def _score(text: str) -> float:
    sample = unicodedata.normalize("NFC", text[:20000])
    if not sample:
        return 0.0
    good = sum(1 for ch in sample if ch.lower() in _VIET or ch in _PLAIN)
    return good / len(sample)


def _candidates(data: bytes) -> list[str]:
    names = ["cp1258"]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200000]).best()
        if best is not None and best.encoding not in names:
            names.insert(0, best.encoding)
    except ImportError:  # charset-normalizer is a declared dependency; stay usable without it
        pass
    return names + ["cp1252", "latin-1"]


def decode_text(path: Path, data: bytes) -> str:
    """Decoded text of a text/Markdown file, emphasis markers removed; IngestError if it is binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        if b"\x00" in data[:8192]:
            raise IngestError(str(path), "định dạng chưa hỗ trợ: tệp nhị phân, không phải văn bản")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            decoded = []
            for name in _candidates(data):
                try:
                    decoded.append(data.decode(name))
                except (UnicodeDecodeError, LookupError):
                    continue
            text = max(decoded, key=_score) if decoded else ""
    if not text.strip():
        raise IngestError(str(path), "tệp không có chữ nào (chỉ có khoảng trắng)")
    if _score(text) < 0.85:
        raise IngestError(str(path), "định dạng chưa hỗ trợ: không nhận ra bảng mã, hoặc không phải văn bản")
    return _EMPHASIS.sub(r"\2", text)
