"""Which documents a search may return: filters on the header fields, and the documents a query
names by number. Pure functions over the in-memory header fields the Library keeps."""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, NamedTuple

import numpy as np

from index.docnumbers import normalize_number, number_tokens, query_number_tokens
from index.records import SearchFilters
from vntext.docname import filter_names, parse_names
from vntext.docnumber import number_key
from vntext.normalize import fold_lower


class DocFields(NamedTuple):
    """The header fields a search filters on, per document (a named tuple: 10^5 of them are built
    at every open of a large index, 0.16 s against 0.20 s as a frozen dataclass)."""

    doc_type: str
    issuer: str
    date: str
    number: str


def _number_tokens(number: str) -> set[str]:
    return set(number_tokens(normalize_number(number) or number)) if number else set()


def allowed_docs(fields: Mapping[str, DocFields], f: SearchFilters) -> set[str] | None:
    """Documents that pass the filters; None when there are no filters (every document passes).
    Topics are per passage: allowed_passages applies them."""
    if replace(f, topics=()) == SearchFilters():
        return None
    issuer = fold_lower(f.issuer).strip()
    names = filter_names(f.number) if f.number else []  # the words decide Quy định vs Quyết định
    key = number_key(f.number) if f.number else ""  # "834-VBHN/BLĐTBXH" finds "834/VBHN-BLĐTBXH"
    types = {t.lower() for t in f.doc_types}
    out = set()
    for doc_id, d in fields.items():
        if types and d.doc_type.lower() not in types:
            continue
        if issuer and issuer not in fold_lower(d.issuer):
            continue
        if (f.date_from or f.date_to) and not d.date:
            continue
        if f.date_from and d.date < f.date_from or f.date_to and d.date > f.date_to:
            continue
        if f.number and not (any(n.matches(d.doc_type, d.number) for n in names)
                             or key and number_key(d.number) == key):
            continue
        out.add(doc_id)
    return out


def named_docs(fields: Mapping[str, DocFields], query: str) -> list[str]:
    """Documents whose own number the query names ("chỉ thị 50", "50/CT-TW"): vntext.docname."""
    names = parse_names(query)
    if not names:
        return []
    wanted = set(query_number_tokens(query))  # also State numbers typed bare ("nghị quyết 66" -> 66/NQ-CP)
    return [doc_id for doc_id, d in fields.items()
            if d.number and (any(n.matches(d.doc_type, d.number) for n in names) or wanted & _number_tokens(d.number))]


def allowed_passages(doc_pids: np.ndarray | None, topic_pids: np.ndarray | None) -> np.ndarray | None:
    """The passages a search may rank: those of the allowed documents that carry an asked topic
    (either side None: no restriction from it; both None: every passage)."""
    if doc_pids is None or topic_pids is None:
        return topic_pids if doc_pids is None else doc_pids
    return np.intersect1d(doc_pids, topic_pids)
