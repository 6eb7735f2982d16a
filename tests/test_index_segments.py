"""Segments (issue 14, item 1): a commit writes only what changed, deletions are tombstones, a
merge folds segments; scores stay those of one bm25s index / one exact search over the live passages."""
from pathlib import Path

import bm25s
import numpy as np
import pytest

from index.dense import DenseIndex
from index.keyword import KeywordIndex
from index.library import Library
from index.settings import DenseSettings
from index.tokenize import passage_tokens, query_tokens
from ingest import parse_text
from tests.index_fixtures import PASSAGES, HashEncoder
from tests.test_index_resume import StandIn

# the dozen test passages, each again with a place name: 36 passages sharing most of their words
TEXTS = PASSAGES + [f"{p} Tại {place}." for place in ("xã Tân Phú", "phường Hòa Thuận") for p in PASSAGES]
TOKENS = [passage_tokens(t) for t in TEXTS]
QUERIES = ["sinh hoạt chi bộ", "dang vien cao tuoi", "Chỉ thị số 50-CT/TW", "hội nghị tổng kết ở xã Tân Phú"]


def bm25s_scores(pids, tokens, query):
    ref = bm25s.BM25()
    ref.index(tokens, show_progress=False)
    ids = ref.get_tokens_ids(query_tokens(query))
    scores = ref.get_scores_from_ids(ids) if ids else np.zeros(len(pids))
    return dict(zip(pids, scores.tolist()))


def test_keyword_segments_score_as_one_bm25s_index(tmp_path):
    kw = KeywordIndex()
    kw.append(range(12), TOKENS[:12])
    kw.save(tmp_path / "a")
    kw = KeywordIndex.load(tmp_path / "a")
    kw.append(range(12, 24), TOKENS[12:24])
    kw.delete([3, 15, 999])
    kw.append(range(24, 36), TOKENS[24:])
    kw.save(tmp_path / "b")
    kw = KeywordIndex.load(tmp_path / "b")
    assert kw.segments == 3 and len(kw) == 34
    live = [i for i in range(36) if i not in (3, 15)]
    for query in QUERIES:
        want = bm25s_scores(live, [TOKENS[i] for i in live], query)
        got = dict(zip(kw.pids.tolist(), kw.scores(query).tolist()))
        assert all(abs(got[p] - want[p]) < 1e-4 for p in live), query
        assert {h.pid for h in kw.search(query, 50)} == {p for p in live if want[p] > 0}
    before = {q: [(h.pid, round(h.score, 4)) for h in kw.search(q, 10)] for q in QUERIES}
    kw.merge()
    assert kw.segments == 1 and len(kw) == 34
    assert {q: [(h.pid, round(h.score, 4)) for h in kw.search(q, 10)] for q in QUERIES} == before


def test_dense_segments_equal_exact_search(tmp_path):
    enc = HashEncoder()
    vectors = enc.encode_passages(TEXTS)
    index = DenseIndex(enc.dim, DenseSettings(kind="flat"))
    index.append(range(20), vectors[:20])
    index.save(tmp_path / "a")
    index = DenseIndex.load(tmp_path / "a")
    index.append(range(20, 36), vectors[20:])
    index.delete([0, 25])
    live = np.asarray([i for i in range(36) if i not in (0, 25)])
    for query in QUERIES:
        q = enc.encode_query(query)
        order = live[np.argsort(-(vectors[live] @ q), kind="stable")][:10]
        assert [h.pid for h in index.search(q, 10)] == order.tolist()
    index.save(tmp_path / "b")
    again = DenseIndex.load(tmp_path / "b")
    assert again.segments == 2 and len(again) == 34
    again.merge()
    assert again.segments == 1 and len(again) == 34 and sorted(again.items()[0].tolist()) == live.tolist()


def _doc(i: int):
    return parse_text(f"KẾ HOẠCH số {i}-KH/ĐU\nVề {TEXTS[i % len(TEXTS)]}\n{TEXTS[(i * 5) % len(TEXTS)]}", f"kh-{i}")


def _inode_set(folder: Path) -> set[int]:
    return {f.stat().st_ino for sub in ("dense", "keyword") for f in (folder / sub).rglob("*.npy")
            if f.name != "dead.npy"}


def test_a_commit_writes_only_the_new_segment_and_tombstones(tmp_path):
    lib = Library.open(tmp_path / "idx", encoder=StandIn())
    lib.add_documents([_doc(i) for i in range(20)])
    first = tmp_path / "idx" / lib.stats()["generation"]
    old = _inode_set(first)
    lib.add_documents([_doc(20)])
    second = tmp_path / "idx" / lib.stats()["generation"]
    assert second != first and old <= _inode_set(second)  # the earlier segments are the same files
    assert lib.stats()["segments"] == 2
    hits = lib.search("KẾ HOẠCH số 20-KH/ĐU", 3)
    assert hits and hits[0].doc_id == "kh-20"

    assert lib.remove("kh-3")
    assert "kh-3" not in {h.doc_id for h in lib.search("KẾ HOẠCH số 3-KH/ĐU", 50)}
    assert lib.stats()["segments"] == 2  # a deletion is a tombstone, not a rewrite
    before = [(h.doc_id, h.ordinal) for h in lib.search("sinh hoạt chi bộ", 10)]
    assert lib.merge() == {"segments_before": 4, "segments_after": 2}
    assert lib.stats()["segments"] == 1 and len(lib.documents()) == 20
    assert [(h.doc_id, h.ordinal) for h in Library.open(tmp_path / "idx", encoder=StandIn())
            .search("sinh hoạt chi bộ", 10)] == before


def test_small_segments_are_folded(tmp_path):
    from index.library_write import MAX_SEGMENTS

    lib = Library.open(tmp_path / "idx", encoder=StandIn())
    for i in range(MAX_SEGMENTS + 3):
        lib.add_documents([_doc(i)])
    assert lib.stats()["segments"] <= MAX_SEGMENTS and len(lib.documents()) == MAX_SEGMENTS + 3
    one = Library.open(tmp_path / "one", encoder=StandIn())  # the same documents in one commit
    one.add_documents([_doc(i) for i in range(MAX_SEGMENTS + 3)])
    for q in QUERIES:
        assert_same_ranking(lib.search(q, 10), one.search(q, 10))


def assert_same_ranking(got, want, tol: float = 1e-4) -> None:
    """Same scores position by position (within float noise: segments sum in another order), and the
    same passages except among near-ties (whose order that noise may swap)."""
    assert len(got) == len(want)
    assert all(abs(g.score - w.score) < tol for g, w in zip(got, want))
    scores = [w.score for w in want]
    for i, (g, w) in enumerate(zip(got, want)):
        tied = any(abs(scores[i] - scores[j]) < tol for j in (i - 1, i + 1) if 0 <= j < len(scores))
        assert tied or (g.doc_id, g.ordinal) == (w.doc_id, w.ordinal)


def test_index_written_before_segments_still_opens(tmp_path):
    """A generation in the old layout (its own store.sqlite, dense_*.npy, no keyword segments): read
    as it is; the next commit moves the store out to the shared one and writes segments."""
    lib = Library.open(tmp_path / "idx", encoder=StandIn())
    lib.add_documents([_doc(i) for i in range(5)])
    gen = tmp_path / "idx" / lib.stats()["generation"]
    ids, vectors = lib._dense.items()
    lib.close()
    import shutil
    shutil.rmtree(gen / "dense")
    shutil.rmtree(gen / "keyword")
    np.save(gen / "dense_ids.npy", ids)
    np.save(gen / "dense_vectors.npy", vectors)
    import sqlite3
    shared = tmp_path / "idx" / "store.sqlite"  # the store inside the generation, as it was
    sqlite3.connect(shared).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    for f in (tmp_path / "idx").glob("store.sqlite-*"):
        f.unlink()
    shared.rename(gen / "store.sqlite")
    again = Library.open(tmp_path / "idx", encoder=StandIn())
    assert len(again) == len(ids) and again.search("KẾ HOẠCH số 4-KH/ĐU", 1)[0].doc_id == "kh-4"
    again.add_documents([_doc(7)])
    assert (tmp_path / "idx" / again.stats()["generation"] / "keyword" / "segments.json").exists()
    assert shared.exists() and len(again.documents()) == 6
    assert again.search("KẾ HOẠCH số 7-KH/ĐU", 1)[0].doc_id == "kh-7"


def test_exact_segments_are_folded_once_they_would_slow_search():
    """Above exact_max, segments of FLAT_MAX vectors or more are searched approximately; the small
    exact ones are folded into one when together they reach FLAT_MAX (every search scans them)."""
    from index.dense import FLAT_MAX

    rng = np.random.default_rng(0)
    dim, n = 16, 3 * FLAT_MAX // 2
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = DenseIndex(dim, DenseSettings(exact_max=FLAT_MAX, ann="ivf"))
    index.append(range(FLAT_MAX), vectors[:FLAT_MAX])
    for start in range(FLAT_MAX, n, FLAT_MAX // 4):  # commits of FLAT_MAX / 4
        index.append(range(start, min(n, start + FLAT_MAX // 4)), vectors[start:start + FLAT_MAX // 4])
        index.tidy(8)
    assert index.kind == "ivf" and index.segments == 2 and len(index) == n
    assert index.search(vectors[n - 3], 1)[0].pid == n - 3
