"""Each passage's twin prefix (index/twins.py prefix_hash) is stored with its keyword segment at
ingestion, so a search finds twins without reading texts (issue 14): the stored numbers equal the
ones computed from the stored texts after an ingest, a replacement, a removal and merges (in memory
and range by range into files), and an index whose segments lack them groups twins as before."""
from pathlib import Path

import pytest

from index import postings_merge
from index.library import Library
from index.postings import PREFIX_FILE
from index.twins import prefix_hash, prefix_key
from ingest import parse_text
from tests.index_fixtures import HashEncoder
from tests.test_index_twins import ARTICLE, ARTICLE_TWIN, OTHER, QUERY

PLAN = ("Kế hoạch tổ chức sinh hoạt chi bộ theo chuyên đề năm 2024\n1. Mỗi quý, chi bộ chọn một chuyên đề "
        "gắn với nhiệm vụ chính trị của cơ quan, đơn vị.\n2. Bí thư chi bộ chuẩn bị nội dung, phân công "
        "đảng viên chuẩn bị ý kiến tham luận trước buổi sinh hoạt ít nhất năm ngày.")


def _stored_equals_computed(lib: Library) -> int:
    """Checks every live passage; returns how many there are."""
    pids = [int(p) for p in lib._keyword.pids[~lib._keyword._dead_mask]]
    texts = lib._store.passage_texts(pids)
    stored = lib._keyword.twin_prefixes(pids)
    assert set(stored) == set(pids) == set(texts)
    assert stored == {pid: prefix_hash(texts[pid]) for pid in pids}
    return len(pids)


def _open(home: Path) -> Library:
    return Library.open(home, encoder=HashEncoder())


def test_prefix_hash_is_the_prefix_as_a_nonzero_number():
    assert prefix_hash("") == prefix_hash("  ,. ") == 0  # no words: never compared
    assert prefix_hash(ARTICLE) == prefix_hash(ARTICLE.replace("\n", "\n\n")) != 0  # same first words
    assert prefix_hash(ARTICLE) != prefix_hash(OTHER)
    assert prefix_key(ARTICLE) != prefix_key(OTHER)


@pytest.mark.parametrize("through_files", [False, True])
def test_stored_prefixes_equal_computed_after_ingest_replace_remove_and_merge(tmp_path, monkeypatch, through_files):
    if through_files:  # the merge written range by range (index/postings_merge.py), as at 10^6 passages
        monkeypatch.setattr("index.keyword.RANGE_POSTINGS", 10)
        monkeypatch.setattr(postings_merge, "RANGE_POSTINGS", 20)
    lib = _open(tmp_path / "idx")
    lib.add_documents([parse_text(ARTICLE, "BLDS@5", title="Bộ luật dân sự - Điều 5")])
    lib.add_documents([parse_text(OTHER, "BLDS@6", title="Bộ luật dân sự - Điều 6"),
                       parse_text(PLAN, "KH-01", title="Kế hoạch 01-KH/CB")])
    assert _stored_equals_computed(lib) >= 3
    # a replacement: the old passages are tombstoned, the new ones stored with their own prefix
    lib.add_documents([parse_text(ARTICLE_TWIN + "\nBổ sung câu cuối.", "KH-01", title="Kế hoạch 01-KH/CB")])
    lib.add_documents([parse_text(ARTICLE_TWIN, "91/2015/QH13@5", title="91/2015/QH13 - Điều 5")])
    lib.remove("BLDS@6")
    assert lib._keyword.segments > 1 and lib._keyword._dead_mask.any()
    n = _stored_equals_computed(lib)
    lib.merge()  # the Library then reads the merged generation's files
    assert lib._keyword.segments == 1 and not lib._keyword._dead_mask.any()
    assert _stored_equals_computed(lib) == n
    hits = lib.search(QUERY, k=10)
    assert hits[0].doc_id == "91/2015/QH13@5" and hits[0].also_in == ("BLDS@5",)  # KH-01 says more


def test_segments_without_stored_prefixes_group_twins_as_before(tmp_path):
    lib = _open(tmp_path / "idx")
    lib.add_documents([parse_text(ARTICLE, "BLDS@5", title="Bộ luật dân sự - Điều 5"),
                       parse_text(OTHER, "BLDS@6", title="Bộ luật dân sự - Điều 6")])
    home = tmp_path / "idx"
    gen = home / (home / "CURRENT").read_text().strip()
    removed = list(gen.glob(f"keyword/*/{PREFIX_FILE}.npy"))
    for f in removed:  # an index written before prefixes were stored
        f.unlink()
    assert removed
    lib._load(gen)  # opened again
    assert lib._keyword.twin_prefixes(lib._keyword.pids.tolist()) == {}
    # a commit beside it stores its own; the Library mixes both (hashes computed from texts)
    lib.add_documents([parse_text(ARTICLE_TWIN, "91/2015/QH13@5", title="91/2015/QH13 - Điều 5")])
    assert len(lib._keyword.twin_prefixes(lib._keyword.pids.tolist())) == 1
    hits = lib.search(QUERY, k=10)
    assert hits[0].doc_id == "91/2015/QH13@5" and hits[0].also_in == ("BLDS@5",)
    lib.merge()  # one part without prefixes: the merged segment has none, texts are read again
    assert lib._keyword.twin_prefixes(lib._keyword.pids.tolist()) == {}
    hits = lib.search(QUERY, k=10)
    assert hits[0].doc_id == "91/2015/QH13@5" and hits[0].also_in == ("BLDS@5",)
