"""Merging keyword segments into files range by range (index/postings_merge.py) gives the same
segment as the in-memory merge, tombstones dropped, and the same BM25 scores."""
from __future__ import annotations

import numpy as np

from index import postings_merge
from index.keyword import KeywordIndex
from index.postings import Segment, merge
from index.postings_merge import merge_to_folder

TEXTS = [
    "chỉ thị về tăng cường sự lãnh đạo của đảng đối với công tác phòng chống tham nhũng",
    "nghị quyết đại hội đảng bộ tỉnh nhiệm kỳ 2020 2025 về phát triển kinh tế",
    "kế hoạch tổ chức sinh hoạt chi bộ theo chuyên đề học tập làm theo tư tưởng",
    "hướng dẫn kiểm điểm đánh giá xếp loại chất lượng tổ chức đảng và đảng viên",
    "thông báo kết luận của ban thường vụ tỉnh ủy về công tác cán bộ",
    "quy định về những điều đảng viên không được làm",
    "bản tin sinh hoạt chi bộ tháng mười về chuyển đổi số",
]


def _segments():
    rng = np.random.default_rng(0)
    segs, pid = [], 0
    for s in range(3):
        tokens = [" ".join(rng.choice(TEXTS, 2)).split() for _ in range(40)]
        segs.append(Segment.build(f"s{s}", range(pid, pid + 40), tokens))
        pid += 40
    return segs


def test_merge_into_files_equals_the_merge_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(postings_merge, "RANGE_POSTINGS", 50)  # many ranges on a small index
    segs = _segments()
    dead = [np.array([0, 5, 39]), np.zeros(0, np.int64), np.array([7])]
    want = merge(segs, dead, "m")
    got = merge_to_folder(segs, dead, "m", tmp_path)
    for field in ("pids", "dl", "terms", "indptr", "rows", "tf"):
        assert np.array_equal(np.asarray(getattr(got, field)), np.asarray(getattr(want, field))), field
    assert len(got) == 120 - 4 and got.source == tmp_path / "m"


def test_keyword_merge_through_a_folder_keeps_scores(tmp_path, monkeypatch):
    monkeypatch.setattr("index.keyword.RANGE_POSTINGS", 10)
    index = KeywordIndex()
    for start in (0, 30, 60):
        index.append(range(start, start + 30), [TEXTS[i % len(TEXTS)].split() for i in range(start, start + 30)])
        index.save(tmp_path / "g0")  # one segment per batch
    index.delete([3, 31])
    before = {q: index.search(q, 10) for q in ("chi bộ", "đảng viên không được làm", "kinh tế")}
    index.merge(folder=tmp_path / "g1")
    assert index.segments == 1 and (tmp_path / "g1" / "keyword").is_dir()
    for q, hits in before.items():
        assert [(h.pid, round(h.score, 5)) for h in index.search(q, 10)] == [(h.pid, round(h.score, 5)) for h in hits]
    index.save(tmp_path / "g1")
    again = KeywordIndex.load(tmp_path / "g1")
    assert [h.pid for h in again.search("chi bộ", 10)] == [h.pid for h in before["chi bộ"]]


def test_dense_merge_through_a_folder_equals_an_exact_scan(tmp_path):
    from index.dense import FLAT_MAX, DenseIndex
    from index.settings import DenseSettings

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(FLAT_MAX + 5000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = DenseIndex(32, DenseSettings(kind="flat"))
    index.append(range(15000), vectors[:15000])
    index.save(tmp_path / "g0")
    index.append(range(15000, len(vectors)), vectors[15000:])
    index.delete(range(100, 200))
    index.merge(folder=tmp_path / "g1")
    assert index.segments == 1 and len(index) == len(vectors) - 100
    index.save(tmp_path / "g1")
    loaded = DenseIndex.load(tmp_path / "g1", DenseSettings(kind="flat"))
    q = vectors[150] + vectors[20000]
    scores = vectors @ q
    scores[100:200] = -np.inf
    want = np.argsort(-scores)[:10].tolist()
    assert [h.pid for h in loaded.search(q, 10)] == want == [h.pid for h in index.search(q, 10)]
    ids, stored = loaded.items()
    assert np.array_equal(stored[np.argsort(ids)], np.delete(vectors, range(100, 200), axis=0))
