"""Search that says only what the index holds: a relevance floor, missing documents, one entry per
document. Used by the web interface (SearchService) and `vankien search`.

- Relevance floor: a query whose best result's cosine is under `RetrievalSettings.relevance_floor`
  (calibrated by scripts/calibrate_floor.py on the eval sets: the value that keeps 99 % of their
  answerable queries) keeps only the passages that hold all its words ("dang phi" in "đảng phí");
  none: "Không có đoạn nào đủ phù hợp" instead of the ten least bad passages. A query naming an
  indexed document always passes. The floor judges the query, not each hit: under a relevant best
  hit the ranking stands as the Library made it.
- Missing documents: a query naming a document (vntext.docname) that is not indexed says so,
  "Chưa có văn bản 50-CT/TW trong chỉ mục", and shows what is close: indexed documents of the same
  number and type, and the passages that cite it or pass the floor.
- Grouping: results are grouped by document, best passage first, with the count of its other
  passages among the results ("+N đoạn khác").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from index.records import SearchFilters, SearchHit
from vntext.docname import DocName, parse_names
from vntext.normalize import fold_diacritics, normalize_query

DEFAULT_FLOOR = 0.82  # RetrievalSettings.relevance_floor when a Library does not carry one

MSG_NO_MATCH = "Không có đoạn nào đủ phù hợp với «{query}». Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc."
MSG_NOTHING = "Không tìm thấy đoạn nào phù hợp. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc."
MSG_MISSING = "Chưa có văn bản {labels} trong chỉ mục."
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DocGroup:
    """One document in the results: its best passage and its other passages, best first."""

    best: SearchHit
    others: tuple[SearchHit, ...] = ()

    @property
    def doc_id(self) -> str:
        return self.best.doc_id


@dataclass(frozen=True)
class HonestResult:
    query: str
    hits: tuple[SearchHit, ...]  # what may be shown, ranked; () when nothing is relevant enough
    groups: tuple[DocGroup, ...]
    message: str  # Vietnamese, for the line above the results
    missing: tuple[str, ...] = ()  # labels of named documents the index does not hold
    near: tuple[Any, ...] = ()  # indexed documents of the same number and type as a missing one
    no_match: bool = False  # results existed, none relevant enough
    fetched: int = 0  # passages the search returned before the floor (paging: more may follow)


def group_by_document(hits: Sequence[SearchHit]) -> tuple[DocGroup, ...]:
    """Hits grouped by document, documents in the order of their best hit."""
    order: dict[str, list[SearchHit]] = {}
    for hit in hits:
        order.setdefault(hit.doc_id, []).append(hit)
    return tuple(DocGroup(group[0], tuple(group[1:])) for group in order.values())


def _folded_words(text: str) -> set[str]:
    return set(_WORD.findall(fold_diacritics(text).lower()))


def covers_query(query: str, text: str) -> bool:
    """Every word of a short query is in the text (accents ignored): "dang phi" in "đảng phí"."""
    words = _WORD.findall(fold_diacritics(query).lower())
    return 0 < len(words) <= 6 and set(words) <= _folded_words(text)


def _mentions(name: DocName, text: str) -> bool:
    for found in parse_names(text):
        if name.canonical and found.canonical == name.canonical:
            return True
        if not name.canonical and found.number == name.number and found.type_agrees(name.doc_type, found.canonical):
            return True
    return False


def _same_number(name: DocName, doc: Any) -> bool:
    """An indexed document with the missing name's bare number and type ("50-CT/TU" for "50-CT/TW")."""
    m = re.match(r"\d+", doc.number or "")
    return bool(m) and str(int(m.group())) == name.number and name.type_agrees(doc.doc_type, "")


def _is_news(doc: Any) -> bool:
    from vankien.answers.links import is_news_doc

    return is_news_doc(doc)


def relevance_floor(library: Any) -> float:
    """The floor for this Library's encoder: cosines live on each model's own scale, so the
    calibrated value holds for the default encoder only; another gets no floor until calibrated."""
    from models.settings import EncoderSettings

    settings = getattr(library, "encoder_settings", None)
    if settings is not None and settings.name != EncoderSettings().name:
        return 0.0
    return getattr(getattr(library, "retrieval", None), "relevance_floor", DEFAULT_FLOOR)


def honest_search(library: Any, query: str, k: int = 10, filters: SearchFilters | None = None,
                  floor: float | None = None) -> HonestResult:
    query = normalize_query(query or "")
    if floor is None:
        floor = relevance_floor(library)
    hits, relevance = library.search_scored(query, k=k, filters=filters)
    names = parse_names(query)
    docs = [d for d in library.documents() if d.number and not _is_news(d)] if names else []
    missing = [n for n in names if not any(n.matches(d.doc_type, d.number) for d in docs)]
    named_ids = {d.doc_id for d in docs for n in names if n not in missing and n.matches(d.doc_type, d.number)}
    if named_ids or (relevance and max(relevance) >= floor):
        keep = list(hits)  # the floor judges the query: under a relevant best hit the ranking stands
    else:  # nothing close enough in meaning: only passages holding every word, or citing a missing name
        keep = [h for h in hits if covers_query(query, h.text) or any(_mentions(n, h.text) for n in missing)]
    near = tuple(d for d in docs for n in missing if d.doc_id not in named_ids and _same_number(n, d))
    groups = group_by_document(keep)
    if missing:
        labels = ", ".join(n.label for n in missing)
        message = MSG_MISSING.format(labels=labels)
        if near:
            message += " Có trong chỉ mục: " + "; ".join(d.title or d.number for d in near) + "."
        if keep:
            message += " Các đoạn dưới đây nhắc đến hoặc gần với nội dung cần tìm."
    elif keep:
        message = f"Tìm thấy {len(keep)} đoạn trong {len(groups)} văn bản cho «{query}»."
    elif hits:
        message = MSG_NO_MATCH.format(query=query)
    else:
        message = MSG_NOTHING
    return HonestResult(query, tuple(keep), groups, message, tuple(n.label for n in missing), near,
                        no_match=bool(hits) and not keep and not missing, fetched=len(hits))
