"""The same document in two files (issue 12, item 7): a PDF and the DOCX it was printed from, a
Word file and its text saved from a portal.

Two files hold one document when they bear the same number and the same date (their issuers, when
both print one, agree), or when their texts are near-identical (word 5-gram Jaccard >= 0.9). Pure
functions: the Library asks, records the second file under the first and keeps the document once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from vntext.docnumber import number_key
from vntext.normalize import fold_diacritics

NEAR_IDENTICAL = 0.9
SHINGLE = 5
SKETCH = 64  # shingle hashes kept per document to find near-identical candidates without reading texts


def _fold(text: str) -> str:
    return " ".join(fold_diacritics(text or "").lower().split())


def shingles(text: str, n: int = SHINGLE, limit: int = 20000) -> set[int]:
    """Hashed word n-grams of the first `limit` characters (enough to tell two texts apart)."""
    words = _fold(text[:limit]).split()
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {hash(" ".join(words[i:i + n])) for i in range(len(words) - n + 1)}


def sketch(text: str, k: int = SKETCH) -> list[int]:
    """The k smallest stable 63-bit hashes of the text's shingles (a bottom-k MinHash sketch): two
    texts with Jaccard J share about J·k of them, so near-identical texts (J >= 0.9) share most."""
    words = _fold(text[:20000]).split()
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))} if words else set()
    hashes = {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") >> 1 for g in grams}
    return sorted(hashes)[:k]


def sketch_matches_needed(k: int) -> int:
    """Shared sketch hashes that make a stored document a candidate: half of them (J 0.9 shares ~90 %)."""
    return max(1, k // 2)


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _issuers_agree(a: str, b: str) -> bool:
    a, b = _fold(a), _fold(b)
    return not a or not b or a == b or a in b or b in a


def same_number_and_date(number: str, date: str, issuer: str,
                         fields: Iterable[tuple[str, str, str, str, str]]) -> str:
    """doc_id of a stored document with this number and date; `fields`: (doc_id, doc_type, issuer,
    date, number) rows. "" when there is none (or the number or the date is missing)."""
    key = number_key(number) if number else ""
    if not key or not date:
        return ""
    for doc_id, _, other_issuer, other_date, other_number in fields:
        if other_date == date and other_number and number_key(other_number) == key \
                and _issuers_agree(issuer, other_issuer):
            return doc_id
    return ""


def near_identical(text: str, candidates: Iterable[tuple[str, str]], threshold: float = NEAR_IDENTICAL
                   ) -> tuple[str, float]:
    """(doc_id, similarity) of the most similar candidate text at or above `threshold`, else ("", 0)."""
    mine = shingles(text)
    best, score = "", 0.0
    for doc_id, other in candidates:
        s = jaccard(mine, shingles(other))
        if s >= threshold and s > score:
            best, score = doc_id, s
    return best, score
