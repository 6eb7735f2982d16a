"""Document numbers ("50-CT/TW") as single index tokens, and the variants a query may use.

The canonical form is `vntext.docnumber`'s and the names a query may use are `vntext.docname`'s;
here are only the index tokens.
"""
from __future__ import annotations

import re

from vntext.docname import codes_of, parse_names
from vntext.docnumber import find_doc_numbers, normalize_doc_number
from vntext.normalize import fold_lower

# number + type code of a Party ("50-ct/tw") or State ("66/nq-cp", "09/2025/qd-ttg") number
# (the type code starts with a letter: "33/2005/qh11" has none, and "#33-2005" would be a year)
_HEAD = re.compile(r"^(\d{1,5})(?:/(?:19|20)\d{2})?[-/]([^\W\d_][^/\-]*)[/-]")


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
    """Tokens for every document a query names (vntext.docname): "50/CT-TW", "50 ct tw" ->
    "#50-ct/tw"; "chỉ thị số 50" -> "#50-ct"; "quy định 3" -> "#3-qdi", "#3-qd", "#03-qd"..."""
    tokens = []
    for name in parse_names(query):
        if name.canonical:
            tokens.append(number_tokens(name.canonical)[0])
            continue
        codes = [name.code] if name.code and not name.typed else sorted(codes_of(name.doc_type))
        numbers = [name.number] + ([f"0{name.number}"] if len(name.number) == 1 else [])
        tokens += [f"#{n}-{fold_lower(c)}" for c in codes for n in numbers]
    return list(dict.fromkeys(tokens))
