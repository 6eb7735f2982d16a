"""Plain text and Markdown: find the encoding (UTF-8, UTF-16 with BOM, Windows-1258, TCVN3, VNI ...)
and decode; Markdown is then read without its markup.

Windows-1258 writes Vietnamese with combining tone marks; decoded and NFC-normalised it reads like
UTF-8 text. When the bytes are not UTF-8, each candidate decoding is scored by how much of it is
Vietnamese letters, digits, spaces and punctuation, and the best one wins. Legacy font encodings
(TCVN3/ABC, VNI, vntext/legacy.py) are recognised by their decoding reading as Vietnamese syllables
where the bytes as Windows-1252 do not; in a UTF-8 file, lines of TCVN3/VNI pasted as Windows-1252
characters ("§¶ng bé") are converted line by line, the Unicode lines left as they are.
"""
from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from ingest.records import IngestError
from vntext.legacy import decode_tcvn3_bytes, decode_vni_bytes, fix_legacy_lines, legacy_encoding

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
            text = _legacy(data)
        if text is None:
            decoded = []
            for name in _candidates(data):
                try:
                    decoded.append(data.decode(name))
                except (UnicodeDecodeError, LookupError):
                    continue
            text = max(decoded, key=_score) if decoded else ""
        text, _ = fix_legacy_lines(text)
    if not text.strip():
        raise IngestError(str(path), "tệp không có chữ nào (chỉ có khoảng trắng)")
    if _score(text) < 0.85:
        raise IngestError(str(path), "định dạng chưa hỗ trợ: không nhận ra bảng mã, hoặc không phải văn bản")
    return _EMPHASIS.sub(r"\2", text)


def _legacy(data: bytes) -> str | None:
    """The text of TCVN3 or VNI bytes, or None when the bytes are neither."""
    encoding = legacy_encoding(data[:200000].decode("latin-1"))
    if encoding == "tcvn3":
        return decode_tcvn3_bytes(data)
    if encoding == "vni":
        return decode_vni_bytes(data)
    return None


# --- Markdown -----------------------------------------------------------------------------------------
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^(\s*)[*+-]\s+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_CODE = re.compile(r"`+([^`]+?)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'=:])")
_MOTTO = re.compile(r"\s+(?=Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc)")
_DASH_RUN = re.compile(r"\s*(-{3,}|_{3,}|\*{3,})\s*")


def _inline(text: str) -> str:
    text = _TAG.sub(lambda m: "\n" if m.group(0).lower().startswith("<br") else "", text)
    text = _IMAGE.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(2), text)
    text = _EM_STAR.sub(r"\1", text)
    text = _EM_UNDER.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return html.unescape(text)


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _table(rows: list[str]) -> list[str]:
    """A pipe table: a small layout table (the two-column header of an official document: at most 3
    columns, 4 rows) gives each cell its own lines, as the DOCX reader does; a data table gives one
    line per row, cells joined by " | "."""
    grid = [_cells(r) for r in rows if not _TABLE_SEP.match(r)]
    n_cols = max((len(r) for r in grid), default=0)
    out: list[str] = []
    if n_cols <= 3 and len(grid) <= 4:
        for row in grid:
            for cell in row:
                cell = _MOTTO.sub("\n", _DASH_RUN.sub(lambda m: "\n" + m.group(1) + "\n", _inline(cell)))
                out.extend(line.strip() for line in cell.split("\n") if line.strip())
        return [""] + out + [""]
    for row in grid:
        cells = [_inline(c).replace("\n", " ") for c in row]
        if any(cells):
            out.append(" | ".join(cells))
    return [""] + out + [""]


def markdown_to_text(text: str) -> str:
    """Markdown read as plain text. Headings keep their "#" marks, the one piece of markup the
    chunker reads (ingest/headings.py ranks them by level; their labels carry no "#"); setext
    headings become "#"/"##" lines. Emphasis, links (their text kept), images (alt text kept),
    code marks, HTML tags and entities, block quotes, rules, link definitions and backslash
    escapes ("57\\-NQ/TW" -> "57-NQ/TW") go; bullets become "- "; pipe tables as `_table` says."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                lines = lines[i + 1:]
                break
    out: list[str] = []
    i, n = 0, len(lines)
    in_fence = False
    while i < n:
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
            i += 1
            continue
        if in_fence:
            out.append(line)
            i += 1
            continue
        line = _QUOTE.sub("", line)
        stripped = line.strip()
        if stripped.startswith("|") and i + 1 < n and _TABLE_SEP.match(lines[i + 1]):
            rows = []
            while i < n and lines[i].strip().startswith("|"):
                rows.append(lines[i])
                i += 1
            out.extend(_table(rows))
            continue
        if stripped and i + 1 < n and _SETEXT.match(lines[i + 1]) and not _BULLET.match(line) \
                and not _ATX.match(line) and len(stripped) < 200:
            mark = "#" if lines[i + 1].strip().startswith("=") else "##"
            out.append(f"{mark} {_inline(stripped)}")
            i += 2
            continue
        if _RULE.match(line) or _REF_DEF.match(line):
            out.append("")
            i += 1
            continue
        atx = _ATX.match(line)
        if atx:
            out.append(f"{atx.group(1)} {_inline(atx.group(2))}".rstrip())
        else:
            out.append(_inline(_BULLET.sub(lambda m: m.group(1) + "- ", line)))
        i += 1
    return "\n".join(out)
