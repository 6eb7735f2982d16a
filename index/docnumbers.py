"""Document numbers ("50-CT/TW") as single index tokens, and the variants a query may use.

The canonical form is `vntext.docnumber`'s; here are only the index tokens and the loose query
forms people type ("50 ct tw", "chỉ thị số 50").
"""
from __future__ import annotations

import re

from vntext.docnumber import find_doc_numbers, normalize_doc_number
from vntext.normalize import fold_lower

# "50 CT TW", "50 ct/tw" in a query (upper-cased first): number, type code, issuer code
_LOOSE = re.compile(r"(?<![\w/-])\d{1,5}\s*[-/ ]?\s*[A-ZĐ]{1,6}\s*[-/ ]\s*[A-ZĐ]{1,12}(?:-[A-ZĐ]{1,12})?(?![\w/])")
# number + type code of a Party ("50-ct/tw") or State ("66/nq-cp", "09/2025/qd-ttg") number
_HEAD = re.compile(r"^(\d{1,5})(?:/(?:19|20)\d{2})?[-/]([^/\-]+)[/-]")

# "chỉ thị (số) 50" -> "#50-ct": a query may name a type and a bare number
TYPE_CODES = {
    "chi thi": "ct", "nghi quyet": "nq", "ket luan": "kl", "ke hoach": "kh", "huong dan": "hd",
    "quyet dinh": "qd", "quy dinh": "qdi", "thong bao": "tb", "bao cao": "bc", "cong van": "cv",
    "to trinh": "ttr", "chuong trinh": "ctr", "de an": "da", "quy che": "qc",
}
_TYPED = re.compile(
    r"\b(" + "|".join(sorted(TYPE_CODES, key=len, reverse=True)) + r")\s+(?:so\s+)?(\d{1,5})(?![\w/-])"
)


def normalize_number(s: str) -> str:
    """Canonical form: "50/CT-TW" -> "50-CT/TW" ("" when it is not a number)."""
    return normalize_doc_number(s)


def find_numbers(text: str) -> list[str]:
    """Canonical numbers printed in a text."""
    return [canon for _, _, canon in find_doc_numbers(text)]


def number_tokens(canonical: str) -> list[str]:
    """Index tokens of one number: whole ("#50-ct/tw") and number + type code ("#50-ct")."""
    canon = fold_lower(canonical)
    head = _HEAD.match(canon)
    return ["#" + canon, f"#{head.group(1)}-{head.group(2)}"] if head else ["#" + canon]


def query_number_tokens(query: str) -> list[str]:
    """Tokens for every number a query names: "50/CT-TW", "50 ct tw" -> "#50-ct/tw";
    "chỉ thị số 50" -> "#50-ct"."""
    canons = find_numbers(query) + [normalize_doc_number(m) for m in _LOOSE.findall(query.upper())]
    tokens = [number_tokens(c)[0] for c in canons if c and ("-" in c or "/" in c)]
    folded = fold_lower(query)
    tokens += [f"#{num}-{TYPE_CODES[kind]}" for kind, num in _TYPED.findall(folded)]
    return list(dict.fromkeys(tokens))
