"""Similar documents and passages: the nearest others by dense vectors, for editors checking prior
coverage and near-duplicates.

Vectors are the Library's own passage vectors (Library.passage_vectors: nothing is encoded again).
A document is represented by the normalised mean of its passage vectors; a neighbour document is
shown with its passage closest to that mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ingest.records import DocumentHeader, HeaderFields

if TYPE_CHECKING:
    from index.library import Library


@dataclass(frozen=True)
class Similar(HeaderFields):
    doc_id: str
    header: DocumentHeader
    score: float  # cosine
    ordinal: int  # the neighbour's closest passage
    text: str

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "doc_type": self.doc_type,
                "number": self.number, "date": self.date, "score": round(self.score, 4),
                "ordinal": self.ordinal, "text": self.text}


@dataclass
class _Vectors:
    doc_ids: list[str]  # per row
    ordinals: list[int]
    texts: list[str]
    matrix: np.ndarray  # (n, dim) normalised


def _header(infos: dict, doc_id: str) -> DocumentHeader:
    info = infos.get(doc_id)
    return info.header if info is not None else DocumentHeader(title=doc_id)


def _normalise(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def passage_vectors(library: Library) -> _Vectors:
    """Every indexed content passage with the vector the Library's dense index holds for it
    (letterheads, signatures, recipients are not compared)."""
    rows, matrix = library.passage_vectors(content_only=True)
    return _Vectors([r.doc_id for r in rows], [r.ordinal for r in rows], [r.text for r in rows], matrix)


def _rank_documents(library: Library, vecs: _Vectors, query: np.ndarray, exclude: set[str],
                    k: int) -> list[Similar]:
    if not len(vecs.doc_ids):
        return []
    sims = vecs.matrix @ query
    by_doc: dict[str, list[int]] = {}
    for row, doc_id in enumerate(vecs.doc_ids):
        if doc_id not in exclude:
            by_doc.setdefault(doc_id, []).append(row)
    infos = {d.doc_id: d for d in library.documents()}
    out = []
    for doc_id, rows in by_doc.items():
        centroid = _normalise(vecs.matrix[rows].mean(axis=0))
        best = rows[int(np.argmax(sims[rows]))]
        out.append(Similar(doc_id, _header(infos, doc_id), float(centroid @ query), vecs.ordinals[best],
                           vecs.texts[best]))
    out.sort(key=lambda s: -s.score)
    return out[:max(0, k)]


def similar_documents(library: Library, doc_id: str, k: int = 5) -> list[Similar]:
    """The k documents nearest to `doc_id` (cosine of mean passage vectors)."""
    vecs = passage_vectors(library)
    rows = [i for i, d in enumerate(vecs.doc_ids) if d == doc_id]
    if not rows:
        raise ValueError(f"Không có văn bản {doc_id!r} trong chỉ mục; xem danh sách bằng: vankien stats")
    query = _normalise(vecs.matrix[rows].mean(axis=0))
    return _rank_documents(library, vecs, query, {doc_id}, k)


def similar_passages(library: Library, doc_id: str, ordinal: int, k: int = 5,
                     same_document: bool = False) -> list[Similar]:
    """The k passages nearest to one passage (other documents only, unless same_document)."""
    vecs = passage_vectors(library)
    rows = [i for i, (d, o) in enumerate(zip(vecs.doc_ids, vecs.ordinals)) if d == doc_id and o == ordinal]
    if not rows:
        raise ValueError(f"Không có đoạn {doc_id}#{ordinal} trong chỉ mục")
    return _nearest_passages(library, vecs, vecs.matrix[rows[0]], k,
                             lambda d, o: (d == doc_id and o == ordinal) or (d == doc_id and not same_document))


def similar_to_text(library: Library, text: str, k: int = 5) -> list[Similar]:
    """The k passages nearest to a piece of text (e.g. a draft news item)."""
    query = np.asarray(library.encoder.encode_passages([text])[0], dtype=np.float32)
    return _nearest_passages(library, passage_vectors(library), query, k, lambda d, o: False)


def _nearest_passages(library: Library, vecs: _Vectors, query: np.ndarray, k: int, skip) -> list[Similar]:
    if not len(vecs.doc_ids):
        return []
    sims = vecs.matrix @ query
    infos = {d.doc_id: d for d in library.documents()}
    out = []
    for row in np.argsort(-sims):
        d, o = vecs.doc_ids[row], vecs.ordinals[row]
        if skip(d, o):
            continue
        out.append(Similar(d, _header(infos, d), float(sims[row]), o, vecs.texts[row]))
        if len(out) >= k:
            break
    return out
