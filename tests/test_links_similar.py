"""Similar documents and passages from the Library's own vectors."""
from __future__ import annotations

import numpy as np
import pytest

from vankien.answers.similar import passage_vectors, similar_documents, similar_passages, similar_to_text


def _doc_by_number(lib, number):
    docs = [d for d in lib.documents() if d.number == number]
    assert docs, f"no document numbered {number} in corpus/: a metadata regression?"
    return docs[0]


def test_vectors_are_the_indexed_passages(answer_library):
    vecs = passage_vectors(answer_library)
    # every content passage; letterheads, signatures and recipients lists are not compared
    assert answer_library.boilerplate and len(vecs.doc_ids) == len(answer_library) - len(answer_library.boilerplate)
    assert np.allclose(np.linalg.norm(vecs.matrix, axis=1), 1.0, atol=1e-3)


def test_similar_documents_exclude_the_document_and_rank_best_first(answer_library):
    kh12 = _doc_by_number(answer_library, "12-KH/ĐU")
    found = similar_documents(answer_library, kh12.doc_id, k=4)
    assert len(found) == 4 and kh12.doc_id not in {s.doc_id for s in found}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    # The province's plan for the same directive is among the nearest to the commune's plan.
    assert "27-KH/TU" in {s.number for s in found}
    with pytest.raises(ValueError, match="Không có văn bản"):
        similar_documents(answer_library, "khong-co", k=3)


def test_similar_passages_and_text(answer_library):
    kh12 = _doc_by_number(answer_library, "12-KH/ĐU")
    first = next(p.ordinal for p in answer_library.document(kh12.doc_id).passages if p.role == "content")
    found = similar_passages(answer_library, kh12.doc_id, first, k=3)
    assert len(found) == 3 and all(s.doc_id != kh12.doc_id for s in found)
    text = "Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng."
    near = similar_to_text(answer_library, text, k=3)
    assert any("ngày 3 hằng tháng" in s.text for s in near)
