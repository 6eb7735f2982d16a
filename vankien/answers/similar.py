"""Similar documents and passages: the nearest others by dense vectors, for editors checking prior
coverage and near-duplicates.

Vectors are the Library's own passage vectors (its dense index); when a Library does not expose
them, passages are re-encoded with its encoder (through its embedding cache). A document is
represented by the normalised mean of its passage vectors; a neighbour document is shown with its
passage closest to that mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Similar:
    doc_id: str
    title: str
    doc_type: str
    number: str
    date: str
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


def _normalise(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-12)


def passage_vectors(library: Any) -> _Vectors:
    """Every indexed passage with its vector, from the dense index when the Library exposes it."""
    dense, store = getattr(library, "dense", None), getattr(library, "store", None)
    if dense is not None and store is not None and hasattr(store, "passage_rows"):
        len(dense)  # applies pending additions/removals
        ids = [int(i) for i in dense.ids]
        rows = store.passage_rows(ids)
        boilerplate = getattr(library, "boilerplate", frozenset())  # letterheads, signatures: not compared
        keep = [i for i, pid in enumerate(ids) if pid in rows and pid not in boilerplate]
        return _Vectors([rows[ids[i]][0] for i in keep], [rows[ids[i]][1] for i in keep],
                        [rows[ids[i]][6] for i in keep],
                        np.asarray(dense.vectors, dtype=np.float32)[keep])
    doc_ids, ordinals, texts = [], [], []
    for info in library.documents():
        stored = library.document(info.doc_id)
        for p in stored.passages if stored else ():
            if getattr(p, "role", "content") != "content":
                continue
            doc_ids.append(p.doc_id)
            ordinals.append(p.ordinal)
            texts.append(p.text)
    matrix = library.encoder.encode_passages(texts) if texts else np.zeros((0, 1), np.float32)
    return _Vectors(doc_ids, ordinals, texts, np.asarray(matrix, dtype=np.float32))


def _rank_documents(library: Any, vecs: _Vectors, query: np.ndarray, exclude: set[str],
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
        info = infos.get(doc_id)
        out.append(Similar(doc_id, getattr(info, "title", doc_id), getattr(info, "doc_type", ""),
                           getattr(info, "number", ""), getattr(info, "date", ""),
                           float(centroid @ query), vecs.ordinals[best], vecs.texts[best]))
    out.sort(key=lambda s: -s.score)
    return out[:max(0, k)]


def similar_documents(library: Any, doc_id: str, k: int = 5) -> list[Similar]:
    """The k documents nearest to `doc_id` (cosine of mean passage vectors)."""
    vecs = passage_vectors(library)
    rows = [i for i, d in enumerate(vecs.doc_ids) if d == doc_id]
    if not rows:
        raise ValueError(f"Không có văn bản {doc_id!r} trong chỉ mục; xem danh sách bằng: vankien stats")
    query = _normalise(vecs.matrix[rows].mean(axis=0))
    return _rank_documents(library, vecs, query, {doc_id}, k)


def similar_passages(library: Any, doc_id: str, ordinal: int, k: int = 5,
                     same_document: bool = False) -> list[Similar]:
    """The k passages nearest to one passage (other documents only, unless same_document)."""
    vecs = passage_vectors(library)
    rows = [i for i, (d, o) in enumerate(zip(vecs.doc_ids, vecs.ordinals)) if d == doc_id and o == ordinal]
    if not rows:
        raise ValueError(f"Không có đoạn {doc_id}#{ordinal} trong chỉ mục")
    return _nearest_passages(library, vecs, vecs.matrix[rows[0]], k,
                             lambda d, o: (d == doc_id and o == ordinal) or (d == doc_id and not same_document))


def similar_to_text(library: Any, text: str, k: int = 5) -> list[Similar]:
    """The k passages nearest to a piece of text (e.g. a draft news item)."""
    query = np.asarray(library.encoder.encode_passages([text])[0], dtype=np.float32)
    return _nearest_passages(library, passage_vectors(library), query, k, lambda d, o: False)


def _nearest_passages(library, vecs: _Vectors, query: np.ndarray, k: int, skip) -> list[Similar]:
    if not len(vecs.doc_ids):
        return []
    sims = vecs.matrix @ query
    infos = {d.doc_id: d for d in library.documents()}
    out = []
    for row in np.argsort(-sims):
        d, o = vecs.doc_ids[row], vecs.ordinals[row]
        if skip(d, o):
            continue
        info = infos.get(d)
        out.append(Similar(d, getattr(info, "title", d), getattr(info, "doc_type", ""),
                           getattr(info, "number", ""), getattr(info, "date", ""),
                           float(sims[row]), o, vecs.texts[row]))
        if len(out) >= k:
            break
    return out
