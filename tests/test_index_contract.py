"""One contract every retriever (dense, keyword, hybrid) must pass, and the life cycle both passage
indexes share (index.base.PassageIndex) — over passages and an encoder the tests bring themselves."""
from __future__ import annotations

import numpy as np
import pytest

from index.dense import DenseIndex
from index.hybrid import DenseRetriever, HybridRetriever
from index.keyword import KeywordIndex
from index.settings import RetrievalSettings
from index.tokenize import passage_tokens
from tests.index_fixtures import PASSAGES, PIDS, HashEncoder

TOKENS = [passage_tokens(p, word_segment=False) for p in PASSAGES]


@pytest.fixture(scope="module")
def encoder():
    return HashEncoder()


@pytest.fixture(scope="module")
def vectors(encoder):
    return encoder.encode_passages(PASSAGES)


@pytest.fixture(params=["dense", "keyword", "hybrid"])
def retriever(request, encoder, vectors):
    dense_index = DenseIndex(encoder.dim)
    dense_index.index(PIDS, vectors)
    keyword = KeywordIndex()
    keyword.index(PIDS, TOKENS)
    dense = DenseRetriever(dense_index, encoder)
    return {"dense": dense, "keyword": keyword,
            "hybrid": HybridRetriever(dense, keyword, RetrievalSettings())}[request.param]


QUERY = "sinh hoạt chi bộ đảng viên"


def test_len_counts_passages(retriever):
    assert len(retriever) == len(PASSAGES)


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


def test_top_hit_is_relevant(retriever):
    hits = retriever.search("hơn 400 đại biểu dự hội nghị tổng kết 35 năm", 5)
    assert hits[0].pid == PIDS[2]


def test_allowed_restricts_exactly(retriever):
    allowed = np.asarray(PIDS[::3], dtype=np.int64)
    hits = retriever.search(QUERY, 10, allowed)
    assert hits and {h.pid for h in hits} <= set(allowed.tolist())


# ---- the shared life cycle: index / append / delete / search / count / save / load

def _indexes(encoder, vectors):
    """(empty index, data rows) for both kinds, and the query each searches with."""
    return [(DenseIndex(encoder.dim), list(vectors), encoder.encode_query(QUERY)),
            (KeywordIndex(), TOKENS, QUERY)]


@pytest.mark.parametrize("kind", [0, 1], ids=["dense", "keyword"])
def test_append_and_delete_equal_a_fresh_index(kind, encoder, vectors, tmp_path):
    index, data, query = _indexes(encoder, vectors)[kind]
    fresh, _, _ = _indexes(encoder, vectors)[kind]
    index.index(PIDS[:5], data[:5])
    index.append(PIDS[5:], data[5:])
    index.delete([PIDS[1], PIDS[7], 999])  # an unknown id is ignored
    keep = [i for i in range(len(PIDS)) if i not in (1, 7)]
    fresh.index([PIDS[i] for i in keep], [data[i] for i in keep])
    assert index.count() == len(index) == fresh.count() == len(PASSAGES) - 2
    got = [(h.pid, round(h.score, 5)) for h in index.search(query, 10)]
    assert got == [(h.pid, round(h.score, 5)) for h in fresh.search(query, 10)]
    assert PIDS[1] not in {pid for pid, _ in got}
    index.save(tmp_path)
    again = type(index).load(tmp_path)
    assert again.count() == index.count()
    assert [(h.pid, round(h.score, 5)) for h in again.search(query, 10)] == got
