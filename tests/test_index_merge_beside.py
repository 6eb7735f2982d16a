"""A merge does not hold up uploads (issue 14, index/merge_beside.py): while it folds the segments,
another writer adds, replaces and removes documents and publishes at once; the merge's generation
then keeps every one of those changes."""
import threading

import numpy as np

from index import merge_beside
from index.keyword import KeywordIndex
from index.library import Library
from ingest import parse_text
from tests.test_index_crash import _consistent, _doc
from tests.test_index_resume import StandIn

QUERY = "chi bộ sinh hoạt chuyên đề"


def _changes_during_the_fold(home, monkeypatch) -> dict:
    """Patch the fold (KeywordIndex.merge, which only the merge calls) so that, the first time it
    runs, another Library writes and publishes; a writer that waited for the lock fails the test."""
    fold, seen = KeywordIndex.merge, {}

    def fold_with_writer(self, *args, **kwargs):
        if not seen:
            seen["merging"] = merge_beside.merging(home)

            def write() -> None:
                other = Library.open(home, encoder=StandIn())
                other.add_documents([_doc(500)])  # new during the merge
                other.add_documents([parse_text("THÔNG BÁO số 3-TB/ĐU\nNội dung đã sửa: hội nghị "
                                                "sơ kết quý ba.", "tb-3")])  # replaced
                other.remove("tb-5")  # removed from a segment being folded
                seen["published"] = {d.doc_id for d in other.documents()}
                other.close()

            writer = threading.Thread(target=write)
            writer.start()
            writer.join(120)
            seen["waited"] = writer.is_alive()
        return fold(self, *args, **kwargs)

    monkeypatch.setattr(KeywordIndex, "merge", fold_with_writer)
    return seen


def test_uploads_and_removals_during_a_merge_publish_at_once_and_survive_it(tmp_path, monkeypatch):
    home = tmp_path / "idx"
    lib = Library.open(home, encoder=StandIn())
    for c in range(5):
        lib.add_documents([_doc(10 * c + j) for j in range(10)])
    assert lib.stats()["segments"] > 2
    seen = _changes_during_the_fold(home, monkeypatch)

    result = lib.merge()

    assert seen["merging"] and not seen["waited"], seen  # the writer did not wait for the fold
    docs = {d.doc_id for d in lib.documents()}
    assert docs == seen["published"] and "tb-500" in docs and "tb-5" not in docs
    _consistent(lib)  # both sides and the store agree on every live passage
    # the merged segments plus the one the writer's last add made (its replace and removal are
    # tombstones carried into the merged segments by passage id)
    assert result["segments_after"] < result["segments_before"]
    assert "tb-3" in {h.doc_id for h in lib.search("hội nghị sơ kết quý ba", 5)}
    texts = [h.text for h in lib.search("thông báo 3", 50) if h.doc_id == "tb-3"]
    assert texts and all("thứ hai của thông báo 3." not in t for t in texts)  # the old text is gone
    assert all(h.doc_id != "tb-5" for h in lib.search("thông báo 5 thôn 5", 50))
    assert not list(home.glob(merge_beside.WORK_PREFIX + "*"))  # its work folder is gone
    again = Library.open(home, encoder=StandIn())  # and another process sees the same
    assert {d.doc_id for d in again.documents()} == docs
    _consistent(again)
    again.close()
    monkeypatch.undo()
    lib.merge()  # the next merge folds what is left into one segment a side
    assert lib.stats()["segments"] == 1 and {d.doc_id for d in lib.documents()} == docs


def test_compose_carries_tombstones_by_passage_id_and_refuses_a_rebuilt_index(tmp_path):
    """The file-level step: merged segments get the tombstones laid since the snapshot, segments
    added since are linked as they are, and a snapshot segment missing from the live generation
    (an index rebuilt meanwhile) makes compose publish nothing."""
    home = tmp_path / "idx"
    lib = Library.open(home, encoder=StandIn())
    lib.add_documents([_doc(j) for j in range(4)])
    lib.add_documents([_doc(j) for j in range(4, 8)])
    snap = merge_beside.snapshot(lib._generation, tmp_path / "snap")
    from index.dense import DenseIndex
    from index.keyword import KeywordIndex as Keyword

    dense, keyword = DenseIndex.load(snap), Keyword.load(snap)
    dense.merge(folder=tmp_path / "merged")
    keyword.merge(folder=tmp_path / "merged")
    dense.save(tmp_path / "merged")
    keyword.save(tmp_path / "merged")
    gone = [p for p, d in lib._pid_doc.items() if d == "tb-6"]
    lib.remove("tb-6")
    lib.add_documents([_doc(9)])
    target = tmp_path / "composed"
    assert merge_beside.compose(lib._generation, snap, tmp_path / "merged", target)
    composed = DenseIndex.load(target)
    ids, _ = composed.items()
    assert not set(gone) & set(ids.tolist()) and len(ids) == len(lib)
    assert set(Keyword.load(target).pids[~Keyword.load(target)._dead_mask].tolist()) == set(ids.tolist())
    other = tmp_path / "rebuilt"
    (other / "dense").mkdir(parents=True)
    (other / "keyword").mkdir()
    for side in ("dense", "keyword"):
        (other / side / "segments.json").write_text("[]", encoding="utf-8")
    assert not merge_beside.compose(other, snap, tmp_path / "merged", tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    assert np.isin(np.asarray(gone), ids).sum() == 0
