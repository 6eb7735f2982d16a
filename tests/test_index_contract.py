"""One contract every retriever (dense, keyword, hybrid) must pass."""
import numpy as np
import pytest

from index.hybrid import DenseRetriever, HybridRetriever


@pytest.fixture(params=["dense", "keyword", "hybrid"])
def retriever(request, seed_library):
    lib = seed_library
    dense = DenseRetriever(lib.dense, lib.encoder)
    return {"dense": dense, "keyword": lib.keyword,
            "hybrid": HybridRetriever(dense, lib.keyword, lib.retrieval)}[request.param]


QUERY = "Bản tin sinh hoạt chi bộ"


def test_len_counts_passages(retriever, seed_library):
    assert len(retriever) == len(seed_library) > 10


def test_k_is_clamped(retriever):
    hits = retriever.search(QUERY, 10_000)
    assert 0 < len(hits) <= len(retriever)
    assert len({h.pid for h in hits}) == len(hits)


def test_k_zero_and_negative(retriever):
    assert retriever.search(QUERY, 0) == [] and retriever.search(QUERY, -3) == []


def test_empty_query(retriever):
    assert retriever.search("", 5) == [] and retriever.search("  \n", 5) == []


def test_best_first(retriever):
    hits = retriever.search(QUERY, 8)
    assert len(hits) == 8
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_top_hit_is_relevant(retriever, seed_library):
    # over the passages the Library ranks: letterheads and "Nơi nhận" blocks are not (ingest/roles.py)
    content = np.asarray(sorted(set(seed_library.store.pids_of_docs(d.doc_id for d in seed_library.documents()))
                                - seed_library.boilerplate), dtype=np.int64)
    hit = retriever.search("hơn 400 đại biểu dự hội nghị tổng kết 35 năm", 5, content)
    texts = seed_library.store.passage_rows(h.pid for h in hit)
    assert any("400 đại biểu" in texts[h.pid][6] for h in hit)
