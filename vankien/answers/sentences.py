"""Sentences of a passage for extractive answers, with char offsets into the passage.

    split_sentences("Chi bộ sinh hoạt ngày 3. Xem https://a.vn/b.html.")
    -> [Sentence(0, 24, "Chi bộ sinh hoạt ngày 3."), Sentence(25, 50, "Xem https://a.vn/b.html.")]

Lines are split first (list items, headings and table rows are lines in these documents), then each
line at ". ", "? ", "! " before a capital letter or a digit, except where the period belongs to a web
address, an abbreviation (TP., v.v., PGS.TS., ThS.), an initial ("Nguyễn V. A.") or a leading
enumerator ("1.", "II.", "Điều 5."). Dates (12.5.2024), decimals (93,5) and "Tp.HCM" have no space
after the period, so they are never cut. A regex splitter rather than underthesea's sent_tokenize:
that one cut inside web addresses and after "TP.", and its first call costs seconds.

A table row ("Chỉ tiêu | Năm 2025 | Đến năm 2030" header, then rows) is one sentence whose
`shown` text reads "Số đảng viên mới — Năm 2025: Ít nhất 3.200 …; Đến năm 2030: …".

Pure functions; nothing here imports a model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ANSWER_CHARS = 300

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()]+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net|gov|edu|info)"
                 r"(?:/[^\s<>\"'()]*)?", re.IGNORECASE)
# Words that end in a period without ending the sentence (compared lower-case, inner dots kept).
ABBREVIATIONS = frozenset("""
tp tp.hcm tx tt ts ths pgs gs bs ks cn ths.bs pgs.ts gs.ts ts.bs v.v vv tr nxb đ/c st q p
ông bà th. ubnd hđnd mr mrs ms dr no
""".split())
_END = re.compile(r"[.!?…]+[\"'”»)\]]*\s+(?=[\"'“«(]?[A-ZĐ0-9ÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ])")
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ]|(?:Điều|Mục|Phần|Chương|Bước)\s+\w+)\s*[.)]?\s*$",
                         re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-+•*–]|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s*")


@dataclass(frozen=True)
class Sentence:
    start: int  # char offsets in the passage text
    end: int
    text: str  # passage[start:end]
    context: str = ""  # the list's lead-in line ("- Cấp huyện và tương đương:") for list items
    display: str = ""  # readable form where it differs from text (a table row)

    @property
    def shown(self) -> str:
        return self.display or self.text


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans of web addresses, without the sentence's own closing punctuation."""
    out = []
    for m in URL.finditer(text):
        s, e = m.span()
        while e > s and text[e - 1] in ".,;:!?":
            e -= 1
        out.append((s, e))
    return out


_protected = find_urls


def _keeps_going(line: str, dot: int, seg_start: int) -> bool:
    """True when the period at `dot` does not end a sentence."""
    before = line[seg_start:dot]
    token = before.split()[-1] if before.split() else ""
    word = token.lower().lstrip("(\"'“")
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and token[-1:].isupper():  # an initial: "V."
        return True
    if "." in word and all(p in ABBREVIATIONS for p in word.split(".") if p):  # "PGS.TS"
        return True
    return bool(_ENUMERATOR.match(before))  # "1.", "II.", "Điều 5." glue to what follows


def split_line(line: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of one line, whitespace trimmed."""
    urls = _protected(line)
    cuts = [0]
    for m in _END.finditer(line):
        dot = m.start()
        if any(s <= dot < e for s, e in urls):
            continue
        if line[dot] == "." and _keeps_going(line, dot, cuts[-1]):
            continue
        cuts.append(m.end())
    cuts.append(len(line))
    spans = []
    for s, e in zip(cuts, cuts[1:]):
        while s < e and line[s].isspace():
            s += 1
        while e > s and line[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def is_table_row(line: str) -> bool:
    return line.count("|") >= 2 or (line.count("|") == 1 and not line.strip().startswith("|") and " | " in line)


def render_row(header: list[str], row: list[str]) -> str:
    """"Số đảng viên mới — Năm 2025: Ít nhất 3.200; Đến năm 2030: Bình quân 3.000/năm"."""
    if not header or len(header) != len(row):
        return "; ".join(c for c in row if c)
    first, rest = row[0], [(h, c) for h, c in zip(header[1:], row[1:]) if c]
    body = "; ".join(f"{h}: {c}" if h else c for h, c in rest)
    if header[0] and first and first.isdigit():  # "Bước 1 — Nội dung: …"
        first = f"{header[0]} {first}"
    return f"{first} — {body}" if first and body else first or body


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a passage with char offsets into it (see the module docstring). A list item gets
    the nearest earlier lead-in line ending in ":" as its context."""
    out: list[Sentence] = []
    lead_ins: list[tuple[str, str]] = []  # (list marker of the lead-in line, its text)
    header: list[str] = []
    last = ""
    for line_start, line in wrapped_lines(text):
        if not line.strip():
            header = []
            continue
        if is_table_row(line):
            cells = _cells(line)
            if not header:
                header = cells
                continue
            s = len(line) - len(line.lstrip())
            out.append(Sentence(line_start + s, line_start + len(line.rstrip()), line.strip(),
                                lead_ins[-1][1] if lead_ins else last, render_row(header, cells)))
            continue
        header = []
        last = line.strip()  # a table's rows read with the line that introduces the table
        marker = _marker(line)
        if marker:
            while lead_ins and lead_ins[-1][0] == marker:  # a sibling's lead-in is not ours
                lead_ins.pop()
        context = lead_ins[-1][1] if marker and lead_ins else ""
        for s, e in split_line(line):
            out.append(Sentence(line_start + s, line_start + e, line[s:e], context))
        stripped = line.strip()
        if stripped.endswith(":"):
            lead_ins.append((marker, _LIST_ITEM.sub("", stripped)))
        elif not marker:
            lead_ins.clear()
    return out


_GOES_ON = re.compile(r"^\s*\(?[a-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")


def wrapped_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of the passage's lines, a line that goes on from the one before (a PDF wraps
    "… có 398/426 đảng viên" / "(đạt 93,4%) sử dụng …") joined to it, the newline kept inside. Goes on:
    the line before ends without punctuation and this one starts in lower case or "(" + lower case,
    and neither is a table row or a list item."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if out and out[-1][1].strip() and line.strip() and _GOES_ON.match(line) and not _LIST_ITEM.match(line) \
                and not is_table_row(line) and not is_table_row(out[-1][1]) \
                and out[-1][1].rstrip()[-1] not in ".!?:;…" and not out[-1][1].rstrip().endswith("|"):
            prev_start = out[-1][0]
            out[-1] = (prev_start, text[prev_start:start + len(line)])
            continue
        out.append((start, line))
    return out


def _marker(line: str) -> str:
    """The kind of list marker a line starts with ("-", "+", "1.", "a)"), "" for none."""
    m = _LIST_ITEM.match(line)
    if not m:
        return ""
    mark = m.group(0).strip()
    if mark[0].isdigit():
        return "1."
    if mark[0].isalpha():
        return "a)"
    return mark


def strip_marker(text: str) -> str:
    return _LIST_ITEM.sub("", text, count=1) or text


_CLAUSE = re.compile(r"[;,:]\s+|\s+[–-]\s+")


def trim_around(text: str, start: int, end: int, limit: int = MAX_ANSWER_CHARS) -> str:
    """`text` cut to about `limit` chars around text[start:end], at clause or word boundaries,
    with "…" where something was left out. Web addresses are never cut."""
    if len(text) <= limit:
        return text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end - start >= limit:
        end = start + limit
    bounds = sorted({0, len(text)} | {m.end() for m in _CLAUSE.finditer(text)})
    urls = _protected(text)
    bounds = [b for b in bounds if not any(s < b < e for s, e in urls)]
    left = max(b for b in bounds if b <= start)
    right = min(b for b in bounds if b >= end)
    while True:  # widen by whole clauses while it fits, right side first (answers read on)
        grown = False
        nxt = [b for b in bounds if b > right]
        if nxt and nxt[0] - left <= limit:
            right, grown = nxt[0], True
        prv = [b for b in bounds if b < left]
        if prv and right - prv[-1] <= limit:
            left, grown = prv[-1], True
        if not grown:
            break
    if right - left > limit:  # one clause longer than the limit: cut at words around the span
        left = max(left, text.rfind(" ", 0, max(left, start - (limit - (end - start)) // 2)) + 1)
        right = min(right, max(end, left + limit))
        cut = text.rfind(" ", end, right)
        right = cut if cut > end and right < len(text) else right
    piece = text[left:right].strip().rstrip(",;:")
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text) else "")
