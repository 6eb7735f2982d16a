"""Vietnamese tokens for BM25: syllables, underthesea words, an accent-folded field, whole numbers.

No stopwords and no stemmer: "điều", "không" and one-letter syllables such as "ở" are kept.
Token kinds share one bag, told apart by prefix:
  "sổ"        syllable, lower case
  "sổ_tay"    underthesea word (documents) / syllable n-gram that may be one (queries)
  "~so"       accent-folded syllable;  "~so_tay"  accent-folded syllable bigram
  "#50-ct/tw" whole document number;   "#50-ct"   its number + type
"""
from __future__ import annotations

import re

from vntext.normalize import fold_diacritics
from index.docnumbers import find_numbers, number_tokens, query_number_tokens

_SYLLABLE = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”'‘’«»\n\t/\\|–—…]+|\s-\s")
MAX_WORD = 4  # longest syllable n-gram a query tries as a word


def _segments(text: str) -> list[list[str]]:
    """Syllable runs between punctuation, lower case."""
    out = []
    for part in _BREAK.split(text.lower()):
        syl = _SYLLABLE.findall(part)
        if syl:
            out.append(syl)
    return out


def _folded(segments: list[list[str]]) -> list[str]:
    tokens = []
    for seg in segments:
        f = [fold_diacritics(s) for s in seg]
        tokens += ["~" + s for s in f]
        tokens += [f"~{a}_{b}" for a, b in zip(f, f[1:])]
    return tokens


def _words(text: str) -> list[str]:
    from underthesea import word_tokenize  # heavy import (~seconds): only when indexing

    words = []
    for w in word_tokenize(text):
        syl = _SYLLABLE.findall(w.lower())
        if len(syl) > 1:
            words.append("_".join(syl))
    return words


def passage_tokens(text: str, word_segment: bool = True) -> list[str]:
    segs = _segments(text)
    tokens = [s for seg in segs for s in seg]
    if word_segment:
        tokens += _words(text)
    tokens += _folded(segs)
    for canon in find_numbers(text):
        tokens += number_tokens(canon)
    return tokens


def query_tokens(query: str) -> list[str]:
    """Tokens of a normalised query (normalize_query). Without any diacritics it uses only the folded
    field (so "dang" matches "đảng" as well as "đang"); multi-syllable words are tried as n-grams, no
    segmenter needed."""
    segs = _segments(query)
    tokens: list[str] = []
    if fold_diacritics(query) != query:
        for seg in segs:
            tokens += seg
            for n in range(2, MAX_WORD + 1):
                tokens += ["_".join(seg[i:i + n]) for i in range(len(seg) - n + 1)]
    tokens += _folded(segs)
    tokens += query_number_tokens(query)
    return tokens
