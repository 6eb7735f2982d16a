"""On the sample corpus: a directive's number finds the directive first, and the documents that
cite it next."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("query", ["chỉ thị 45", "45-CT/TW", "45/CT-TW", "chi thi so 45"])
def test_directive_number_finds_it_first_then_the_documents_citing_it(answer_library, query):
    hits = answer_library.search(query, k=10)
    assert any(h.number == "45-CT/TW" for h in hits), "corpus/ lost Chỉ thị 45-CT/TW (or its number)"
    assert hits[0].number == "45-CT/TW"
    others = [h.doc_id for h in hits if h.number != "45-CT/TW"]
    assert others, "no citing document after the directive"
    directive_ranks = [i for i, h in enumerate(hits) if h.number == "45-CT/TW"]
    assert max(directive_ranks) < min(i for i, h in enumerate(hits) if h.number != "45-CT/TW")
    for doc_id in dict.fromkeys(others):
        cited = {r.number for r in answer_library.document(doc_id).references}
        assert "45-CT/TW" in cited, f"{doc_id} does not cite 45-CT/TW"
