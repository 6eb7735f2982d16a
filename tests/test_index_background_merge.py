"""The server's background merge (index/background_merge.py): a child process folds the segments
while searches go on and find results; the next search sees the merged generation."""
from __future__ import annotations

from index.background_merge import BackgroundMerge
from index.library import Library
from tests.test_index_crash import _doc
from tests.test_index_resume import StandIn
from vankien.services.search import SearchService


def _index(home, commits: int = 4) -> Library:
    lib = Library.open(home, encoder=StandIn())
    for c in range(commits):  # one commit, one segment
        lib.add_documents([_doc(10 * c + j) for j in range(10)])
    lib.remove("tb-3")
    return lib


def test_searches_go_on_during_a_background_merge(tmp_path):
    lib = _index(tmp_path / "idx")
    before = lib.stats()["segments"]
    want = [h.doc_id for h in lib.search("thông báo 17 kiểm tra đảng viên", 5)]
    assert before == 4 and want
    merge = BackgroundMerge(lib.home, max_segments=2)
    assert merge.maybe_start(before) and merge.running
    assert not merge.maybe_start(before)  # one at a time
    during = 0
    while merge.running:
        got = lib.search("thông báo 17 kiểm tra đảng viên", 5)
        assert [h.doc_id for h in got] == want
        during += 1
    assert merge.wait(60) == 0, (lib.home / "merge.log").read_text(encoding="utf-8")
    assert during > 0
    lib.refresh()
    assert lib.stats()["segments"] == 1
    assert [h.doc_id for h in lib.search("thông báo 17 kiểm tra đảng viên", 5)] == want
    assert "tb-3" not in {d.doc_id for d in lib.documents()} and len(lib.documents()) == 39


def test_the_service_starts_a_merge_only_when_segments_pile_up(tmp_path):
    lib = _index(tmp_path / "idx", commits=2)
    service = SearchService(lib)
    assert not service.merge_if_due()  # 2 segments: nothing to do
    service.merges.max_segments = 1
    service.remove("tb-12")  # a change, and more segments than allowed: a merge starts
    assert service.merges.wait(60) == 0
    view = service.search("thông báo kiểm tra đảng viên")
    assert lib.stats()["segments"] == 1 and view.cards
