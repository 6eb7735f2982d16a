"""Split a normalised document into passages along its own heading structure.

Size is counted in syllables (whitespace-separated tokens): a Vietnamese syllable is about 1.1–1.4
subword tokens for the XLM-R / E5 tokenisers, so the default range of **40–280 syllables** keeps a
passage at roughly 50–400 subword tokens, under the 512 the default encoder reads, with room for
the "passage: " prefix and a heading line.

Rules:
- The front matter (everything before the first heading) and the closing block (signature,
  "Nơi nhận:") are passages of their own, with heading paths () and ("Nơi nhận:",) or similar.
- A section (a heading line and the body up to the next heading) longer than ``max_tokens`` is cut
  at sentence boundaries (underthesea ``sent_tokenize``); consecutive windows share
  ``overlap_sentences`` sentences. A single sentence longer than ``max_tokens`` is cut between words.
- A passage shorter than ``min_tokens``, or ending in a bare heading line, absorbs the following
  section while it stays within ``max_tokens`` — but never across two major top-level sections
  (Phần, Chương, Mục, "A.", Roman numerals: the "I.", "II." of a Party document). Its heading
  path is the common prefix of the paths of the sections whose body text it holds.
- Minor top-level sections — numbered clauses ("1.", "2)", "1.1.", "a)") that stand at the top
  because the document has no higher heading, as in a law article printed on its own — are merged
  greedily with their neighbours (and with a front matter before them) up to ``max_tokens``. A
  tiny "Điều" (under ``min_tokens``) may absorb the next one. Without this a law article became one
  passage per clause (alqac: 16,184 passages, median 38 syllables, most without their subject);
  merged, 4,5k passages and keyword nDCG@10 +0.013 (docs/quality.md).
- Every passage satisfies ``passage.text == text[passage.start:passage.end]``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.headings import classify_line, is_appendix, is_closing_line, is_label_only, is_upper_title, shorten
from ingest.records import Passage

DEFAULT_MAX_TOKENS = 280
DEFAULT_MIN_TOKENS = 40
DEFAULT_OVERLAP_SENTENCES = 1
_TOKEN = re.compile(r"\S+")


def count_tokens(text: str) -> int:
    """Syllable count: the unit in which passage sizes are stated."""
    return len(_TOKEN.findall(text))


@dataclass
class _Section:
    path: tuple[str, ...]
    top: int  # index of the top-level section this one belongs to
    start: int
    end: int
    top_kind: str = "front"  # its kind: "front" matter, "minor" clause, "article" (Điều), "major"
    has_body: bool = False
    lines: list[tuple[int, int]] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _top_kind(rank: int, label: str) -> str:
    if rank >= 5:
        return "minor"
    if rank == 3 and label[:4].lower() == "điều":
        return "article"
    return "major"


def _joins(last: list, piece: tuple, min_tokens: int, max_tokens: int) -> bool:
    """Whether `piece` continues the passage made of the pieces in `last` (see the module docstring)."""
    total = sum(p[2] for p in last)
    if total + piece[2] > max_tokens or piece[0] < last[-1][1]:
        return False
    small = total < min_tokens or not last[-1][5]  # a bare heading goes forward
    kinds = {p[6] for p in last} | {piece[6]}
    if kinds <= {"front", "minor"} and piece[6] == "minor":  # clauses of a law article: greedy
        return last[0][6] != "front" or last[0][2] < min_tokens  # not a document's header block
    if last[-1][3] == piece[3]:
        return small
    return small and kinds <= {"front", "article"} and piece[6] == "article"


def _sections(text: str) -> list[_Section]:
    lines = _lines(text)
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []  # (rank, label)
    top = 0
    top_kind = "front"
    closing_from = int(len(lines) * 0.5)
    closing = False
    current = _Section(path=(), top=0, start=0, end=0)
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        heading, joined_next = None, False
        if not closing and i >= closing_from and is_closing_line(line) and sections:
            closing = True
            stack = []
            heading_label, rank = shorten(line.strip("* ")), -1
            heading = (rank, heading_label)
        elif not closing or is_appendix(line):
            closing = False
            h = classify_line(line)
            if h is not None:
                label = h.label
                if is_label_only(line) and i + 1 < len(lines):
                    nxt = text[lines[i + 1][0]:lines[i + 1][1]]
                    if is_upper_title(nxt) and classify_line(nxt) is None:
                        label = shorten(f"{line.strip()}. {nxt.strip()}")
                        joined_next = True
                heading = (h.rank, label)
        if heading is not None:
            if current.lines:
                sections.append(current)
            while stack and stack[-1][0] >= heading[0]:
                stack.pop()
            if not stack:
                top += 1
                top_kind = _top_kind(*heading)
            stack.append(heading)
            current = _Section(path=tuple(lbl for _, lbl in stack), top=top, top_kind=top_kind, start=s, end=e)
            # "1. Hoạt động đường bộ bao gồm: ..." is a heading and a paragraph at once
            current.has_body = count_tokens(line) > 15 or line.rstrip("*").endswith((".", ";", ":", "!", "?"))
            current.lines.append((s, e))
            if joined_next:  # "Chương I" + its title line
                i += 1
                current.lines.append(lines[i])
                current.end = lines[i][1]
            i += 1
            continue
        if not current.lines:
            current.start = s
        current.lines.append((s, e))
        current.end = e
        current.has_body = True
        i += 1
    if current.lines:
        sections.append(current)
    return sections


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans covering text[start:end], cut where underthesea starts each sentence.

    The cuts are located in the text itself, so the spans cover every character whatever
    underthesea does to whitespace; a sentence it reports but that cannot be found merges into
    the one before.
    """
    from underthesea import sent_tokenize  # loaded lazily: importing it costs a second

    chunk = text[start:end]
    cuts, pos = [0], 0
    for sentence in sent_tokenize(chunk):
        probe = sentence.strip()[:30]
        found = chunk.find(probe, pos) if probe else -1
        if found > cuts[-1]:
            cuts.append(found)
        if found >= 0:
            pos = found + 1
    cuts.append(len(chunk))
    out = []
    for s, e in zip(cuts, cuts[1:]):
        piece = chunk[s:e]
        lead = len(piece) - len(piece.lstrip())
        s2, e2 = s + lead, s + len(piece.rstrip())
        if e2 > s2:
            out.append((start + s2, start + e2))
    return out


def _word_windows(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    return [(words[i][0], words[min(i + max_tokens, len(words)) - 1][1]) for i in range(0, len(words), max_tokens)]


def _units(text: str, section: _Section, max_tokens: int) -> list[tuple[int, int, int]]:
    """(start, end, tokens): the section's lines if it fits in one passage, else its sentences."""
    units = [(s, e, count_tokens(text[s:e])) for s, e in section.lines]
    if sum(u[2] for u in units) <= max_tokens:
        return units
    units = []  # too long for one passage: work in sentences, so windows overlap by sentences
    for s, e in section.lines:
        for ss, se in _sentence_spans(text, s, e):
            m = count_tokens(text[ss:se])
            if m <= max_tokens:
                units.append((ss, se, m))
            else:
                units.extend((ws, we, count_tokens(text[ws:we])) for ws, we in _word_windows(text, ss, se, max_tokens))
    return units


def _windows(units: list[tuple[int, int, int]], max_tokens: int, overlap: int) -> list[tuple[int, int, int]]:
    """Greedy windows over units, each within max_tokens, consecutive ones sharing `overlap` units."""
    out, i = [], 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j][2] <= max_tokens):
            total += units[j][2]
            j += 1
        out.append((units[i][0], units[j - 1][1], total))
        if j >= len(units):
            break
        i = max(i + 1, j - overlap)
    return out


def _pages(page_starts: tuple[int, ...], start: int, end: int) -> tuple[int, ...]:
    if not page_starts:
        return ()
    first = bisect.bisect_right(page_starts, start) - 1
    last = bisect.bisect_right(page_starts, max(start, end - 1)) - 1
    return tuple(range(max(first, 0) + 1, max(last, 0) + 2))


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(prefix), len(p)) and prefix[n] == p[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


def chunk_document(
    text: str,
    doc_id: str,
    page_starts: tuple[int, ...] = (),
    max_tokens: int = DEFAULT_MAX_TOKENS,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    overlap_sentences: int = DEFAULT_OVERLAP_SENTENCES,
) -> tuple[Passage, ...]:
    """Passages of `text` (already normalised) in reading order; see the module docstring."""
    if max_tokens < 8:
        raise ValueError(f"max_tokens={max_tokens} is too small; use at least 8 (default {DEFAULT_MAX_TOKENS})")
    if not 0 <= min_tokens <= max_tokens:
        raise ValueError(f"min_tokens={min_tokens} must be between 0 and max_tokens={max_tokens}")
    if overlap_sentences < 0:
        raise ValueError("overlap_sentences must be >= 0")
    # pieces: (start, end, tokens, top, path, has_body, top_kind)
    pieces = []
    for section in _sections(text):
        for s, e, n in _windows(_units(text, section, max_tokens), max_tokens, overlap_sentences):
            pieces.append((s, e, n, section.top, section.path, section.has_body, section.top_kind))
    groups: list[list] = []
    for piece in pieces:
        if groups and _joins(groups[-1], piece, min_tokens, max_tokens):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    passages = []
    for ordinal, group in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        with_body = [p[4] for p in group if p[5]] or [p[4] for p in group]
        passages.append(
            Passage(
                doc_id=doc_id,
                ordinal=ordinal,
                heading_path=_common_prefix(with_body),
                pages=_pages(page_starts, start, end),
                start=start,
                end=end,
                text=text[start:end],
            )
        )
    return tuple(passages)
