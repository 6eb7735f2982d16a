"""What a search reads per generation instead of per search (issue 14): passage -> document as id
ranges, the CURRENT pointer watched with an fstat, tombstone counts kept with the dense segments."""
import os

import numpy as np

from index import generations
from index.dense import DenseIndex
from index.library import Library
from index.passage_docs import PassageDocs, runs
from index.settings import DenseSettings
from ingest import parse_text
from tests.test_index_patched_maps import plan
from tests.test_index_resume import StandIn

PAIRS = [(1, "a"), (2, "a"), (3, "a"), (4, "b"), (5, "b"), (7, "c"), (9, "b"), (10, "c"), (11, "c")]


def test_ranges_answer_as_the_dict_they_replace():
    docs = PassageDocs.from_pairs(reversed(PAIRS))  # any order in
    assert dict(docs) == dict(PAIRS) and len(docs) == len(PAIRS)
    assert runs(PAIRS) == [("a", 1, 3), ("b", 4, 5), ("c", 7, 7), ("b", 9, 9), ("c", 10, 11)]
    asked = [0, 1, 3, 4, 6, 8, 9, 11, 12, -5]
    assert docs.lookup(asked) == {p: d for p, d in PAIRS if p in asked}  # gaps and strangers left out
    assert 6 not in docs and 9 in docs and docs[9] == "b"
    assert PassageDocs.from_pairs([]).lookup([1, 2]) == {} and dict(PassageDocs.from_pairs([])) == {}


def test_patched_ranges_drop_whole_documents_and_add_new_ones():
    docs = PassageDocs.from_pairs(PAIRS)
    after = docs.patched({"b"}, [(12, "b"), (13, "b"), (14, "d")])
    assert dict(after) == {**{p: d for p, d in PAIRS if d != "b"}, 12: "b", 13: "b", 14: "d"}
    assert dict(docs) == dict(PAIRS)  # the map a running search holds is left whole


def test_store_runs_are_exact_even_when_a_document_lost_its_consecutive_ids(tmp_path):
    lib = Library.open(tmp_path / "idx", encoder=StandIn())
    lib.add_documents([plan(i) for i in range(1, 6)])
    store = lib._store
    truth = dict(store.pid_docs())
    assert dict(PassageDocs.from_runs(store.passage_runs())) == truth == dict(lib._pid_doc)
    # one passage of kh-2 handed to kh-4: kh-4's ids are no longer consecutive and kh-2 has a hole
    moved = min(p for p, d in truth.items() if d == "kh-2") + 1
    store.conn.execute("UPDATE passages SET doc_id = 'kh-4' WHERE pid = ?", (moved,))
    truth[moved] = "kh-4"
    assert dict(PassageDocs.from_runs(store.passage_runs())) == truth


def test_a_reader_sees_each_commit_of_another_library_and_only_then_reloads(tmp_path):
    writer = Library.open(tmp_path / "idx", encoder=StandIn())
    reader = Library.open(tmp_path / "idx", encoder=StandIn())
    watch = generations.PointerWatch(tmp_path / "idx")
    assert watch.stale() and watch.read() is None  # nothing published yet
    for i in range(1, 5):  # commits in quick succession: a pointer file's inode can come back
        writer.add_documents([parse_text(f"THÔNG BÁO số {i}-TB/ĐU\nVề lịch sinh hoạt chi bộ tháng {i} "
                                         f"của chi bộ thôn {i} xã Tân Phú năm 2025.", f"tb-{i}")])
        assert watch.stale() and watch.read() == generations.current(tmp_path / "idx")
        assert not watch.stale()
        reader.refresh()
        assert [d.doc_id for d in reader.documents()] == [d.doc_id for d in writer.documents()]
        store = reader._store
        reader.refresh()
        assert reader._store is store  # nothing new: nothing reloaded
    watch.close()
    reader.close()
    assert reader._watch.stale()


def test_tombstone_counts_follow_deletions_and_a_reload(tmp_path):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex(8, DenseSettings(kind="flat"))
    dense.index(range(100, 160), vectors)
    assert len(dense) == 60  # the segment is built: deletions from now on are tombstones
    dense.delete([101, 105, 105, 999])
    assert len(dense) == 58 and dense._segments[0].n_dead == 2
    assert {h.pid for h in dense.search(vectors[1], 60)} == set(range(100, 160)) - {101, 105}
    dense.save(tmp_path)
    again = DenseIndex.load(tmp_path, DenseSettings(kind="hnsw"))
    assert again._segments[0].n_dead == 2 and again._segments[0].dead_ids() == {101, 105}
    again.delete([110])
    assert again._segments[0].dead_ids() == {101, 105, 110} and len(again) == 57
    assert 110 not in {h.pid for h in again.search(vectors[10], 10)}


def test_a_saved_hnsw_segment_serves_memory_mapped_with_the_same_results(tmp_path):
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = DenseSettings(kind="hnsw")
    dense = DenseIndex(16, settings)
    dense.index(range(1000, 1400), vectors)
    asked = [vectors[i] + 0.05 for i in (0, 7, 99, 250)]
    before = [dense.search(q, 20) for q in asked]
    dense.save(tmp_path / "a")
    again = DenseIndex.load(tmp_path / "a", settings)
    assert [again.search(q, 20) for q in asked] == before  # read from ann.faiss, vectors mapped
    again.delete([before[0][0].pid])
    again.save(tmp_path / "b")  # the mapped index is hard-linked, never written
    third = DenseIndex.load(tmp_path / "b", settings)
    assert third.search(asked[0], 19) == before[0][1:]  # the tombstone filtered, the rest as before
    assert os.stat(next((tmp_path / "b" / "dense").glob("*/ann.faiss"))).st_nlink == 2
