"""Oracle: FAISS search equals brute-force numpy cosine, over the passages and the deterministic
encoder the index tests bring (tests/index_fixtures.py)."""
import numpy as np
import pytest

from index.dense import DenseIndex
from index.settings import DenseSettings
from tests.index_fixtures import PASSAGES, PIDS, HashEncoder


@pytest.fixture(scope="module")
def corpus():
    encoder = HashEncoder()
    return np.asarray(PIDS, dtype=np.int64), encoder.encode_passages(PASSAGES), encoder


QUERIES = ["thời gian hoàn thành tổng kết", "đảng viên cao tuổi", "so tay dang vien", "Bản tin sinh hoạt chi bộ"]


def brute(vectors, ids, q, k):
    scores = vectors @ q
    order = np.argsort(-scores, kind="stable")[:k]
    return ids[order], scores[order]


def test_flat_equals_numpy_cosine(corpus):
    ids, vectors, encoder = corpus
    index = DenseIndex(vectors.shape[1], DenseSettings(kind="flat"))
    index.index(ids, vectors)
    for text in QUERIES:
        q = encoder.encode_query(text)
        got = index.search(q, 10)
        want_ids, want_scores = brute(vectors, ids, q, 10)
        assert [h.pid for h in got] == want_ids.tolist()
        assert np.allclose([h.score for h in got], want_scores, atol=1e-5)
        assert np.allclose(want_scores, [float(vectors[list(ids).index(h.pid)] @ q) /
                                         np.linalg.norm(q) for h in got], atol=1e-4)  # cosine


def test_filtered_search_and_remove_and_save(tmp_path, corpus):
    ids, vectors, encoder = corpus
    index = DenseIndex(vectors.shape[1])
    index.index(ids, vectors)
    q = encoder.encode_query(QUERIES[0])
    allowed = ids[::2]
    got = index.search(q, 5, allowed=allowed)
    want, _ = brute(vectors[::2], allowed, q, 5)
    assert [h.pid for h in got] == want.tolist()
    index.delete([got[0].pid])
    assert got[0].pid not in [h.pid for h in index.search(q, len(ids))] and len(index) == len(ids) - 1
    index.save(tmp_path)
    again = DenseIndex.load(tmp_path)
    assert [h.pid for h in again.search(q, 5)] == [h.pid for h in index.search(q, 5)]


def test_auto_switches_to_ivf_above_threshold(corpus):
    ids, vectors, _ = corpus
    rng = np.random.default_rng(0)
    copies = 1200 // len(vectors) + 1  # above the 1,000 vectors an IVF index is trained from
    big = np.repeat(vectors, copies, axis=0) + rng.normal(0, 0.02, (len(vectors) * copies, vectors.shape[1])).astype(np.float32)
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    index = DenseIndex(vectors.shape[1], DenseSettings(exact_max=1000, nprobe=16, ann="ivf"))
    index.index(np.arange(len(big)), big)
    assert index.kind == "ivf"
    hits = index.search(big[7], 10)
    assert hits[0].pid == 7 and len(hits) == 10
