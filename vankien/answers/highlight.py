"""Query words marked in document text, everything else escaped.

Text and query are compared in a folded lowercase form (no diacritics), so "chi bo" finds "chi bộ"
and "chi bộ" finds a document typed without diacritics, while a word typed with its marks only
matches the same word ("bộ" does not light up "bò"). fold_diacritics keeps one character per
character, so spans found in the folded text are spans of the original.

All output goes through html.escape: a document containing "<script>" shows it as text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from vntext.normalize import fold_diacritics, normalize_query

# Function words too common to be worth marking (only dropped when the query has other words).
# Kept deliberately short: "không", "điều" etc. carry meaning in directives and stay.
_COMMON = {
    "và", "của", "các", "là", "có", "được", "những", "cho", "với", "trong", "theo", "để", "thì",
    "mà", "này", "đó", "một", "về", "từ", "đã", "sẽ", "đang", "như", "khi", "tại", "ra", "vào",
}
_WORD = re.compile(r"\w+")


class _LowerFoldTable(dict):
    """Code point -> lowercase without diacritics, one character (see vntext.normalize._FoldTable)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        folded = fold_diacritics(low if len(low) == 1 else ch)
        self[code] = folded
        return folded


_LOWER_FOLD = _LowerFoldTable()


def _fold(text: str) -> str:
    """Lowercase, no diacritics, exactly one output character per input character."""
    return text.translate(_LOWER_FOLD)


def _has_marks(word: str) -> bool:
    return _fold(word) != word.lower()


@dataclass(frozen=True)
class Term:
    folded: str  # "chi", "95-kh/tu"
    lower: str  # as typed, lowercase: "bộ"
    marked: bool  # query typed with diacritics: only the same word (or text without marks) matches


def query_terms(query: str) -> list[Term]:
    """Words of the query; a token with inner punctuation ("95-KH/TU") stays one term."""
    terms: list[Term] = []
    seen: set[tuple[str, str]] = set()
    query = normalize_query(query or "")
    # Someone who types any diacritics types them all: then "chi" means "chi", not "chỉ".
    typed_with_marks = _has_marks(query)
    for token in query.split():
        token = token.strip(".,;:!?\"'()[]{}«»“”‘’…")
        if not token:
            continue
        words = [token] if (re.search(r"\w[-/.]\w", token)) else _WORD.findall(token)
        for word in words:
            lower = word.lower()
            key = (_fold(word), lower)
            if key in seen:
                continue
            seen.add(key)
            terms.append(Term(folded=key[0], lower=lower, marked=typed_with_marks))
    content = [t for t in terms if t.lower not in _COMMON and t.folded not in _COMMON_FOLDED]
    return content or terms


_COMMON_FOLDED = {_fold(w) for w in _COMMON if not _has_marks(w)}


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) char spans of query words in text; words next to each other
    (separated only by spaces) become one span.

    A query typed with diacritics marks the same words; a query typed without marks every word
    that folds to it; a text typed without diacritics is matched by its folded form.
    """
    terms = query_terms(query)
    if not text or not terms:
        return []
    folded = _fold(text)
    # A text typed without any diacritics matches every query by its folded form.
    text_unmarked = folded == text.lower()
    spans: list[tuple[int, int]] = []
    simple = {}
    for t in terms:
        if _WORD.fullmatch(t.folded):
            simple.setdefault(t.folded, []).append(t)
        else:  # compound token such as a document number
            for m in re.finditer(r"(?<!\w)" + re.escape(t.folded) + r"(?!\w)", folded):
                spans.append((m.start(), m.end()))
    for m in _WORD.finditer(folded):
        candidates = simple.get(m.group())
        if not candidates:
            continue
        original = text[m.start():m.end()].lower()
        if text_unmarked or any(not t.marked or original == t.lower for t in candidates):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start].isspace()
                       and "\n" not in text[merged[-1][1]:start]):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_spans(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """Escape text, wrapping each span (given in coordinates shifted by offset) in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in spans:
        start, end = max(start - offset, pos), min(end - offset, len(text))
        if end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight_html(text: str, query: str) -> str:
    """The whole text, escaped, with the query's words in <mark>."""
    return mark_spans(text or "", find_spans(text or "", query))


def snippet_html(text: str, query: str, max_chars: int = 600) -> str:
    """At most about max_chars of text around the densest group of matches, escaped and marked;
    cut ends are shown with "…"."""
    text = text or ""
    spans = find_spans(text, query)
    if len(text) <= max_chars:
        return mark_spans(text, spans)
    start = 0
    if spans:
        best, best_count = spans[0][0], 0
        for i, (s, _) in enumerate(spans):
            count = sum(1 for s2, e2 in spans[i:] if e2 <= s + max_chars - 60)
            if count > best_count:
                best, best_count = s, count
        start = max(0, best - 60)
    start = min(start, max(0, len(text) - max_chars))
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + max_chars // 2 else end
    inside = [(s, e) for s, e in spans if e > start and s < end]
    body = mark_spans(text[start:end], inside, offset=start)
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
