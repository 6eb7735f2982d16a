"""Block maxima saved with a large keyword segment (index/blockmax_files.py, issue 14): a fresh
process reads them instead of computing them on first use; they are the maxima the lazy path
computes, later generations link them, and the top k stays that of scoring every posting."""
import numpy as np
import pytest

import index.blockmax as blockmax
import index.blockmax_files as blockmax_files
from index.keyword import KeywordIndex
from tests.test_keyword_blockmax import blocks_everywhere, paragraph_queries  # noqa: F401 - a fixture
from tests.test_keyword_topk import assert_same, sample_paragraphs, segmented


@pytest.fixture
def saved_when_large(monkeypatch):
    monkeypatch.setattr(blockmax_files, "LARGE", 20)  # the sample documents' segments count as large


def test_saved_maxima_are_those_computed_on_first_use_and_are_linked_onwards(tmp_path, blocks_everywhere,
                                                                            saved_when_large):
    paras = sample_paragraphs()
    kw = segmented(paras, 2, 0, tmp_path)  # saved and loaded: each segment wrote its maxima
    segs = list(kw._segments)
    assert all(blockmax.SavedBlocks.present(s.source) for s in segs)
    lazy = blockmax.Bounds()
    lazy._saved_of = lambda seg: None  # as before: computed from the postings
    for s in segs:
        saved = blockmax.SavedBlocks(s.source)
        dl = np.asarray(s.dl, dtype=np.float64)
        avgdl = float(dl.mean())
        norm = (1.5 * (1 - 0.75 + 0.75 * dl / avgdl)).astype(np.float32)
        indptr = np.asarray(s.indptr)
        for i in range(0, len(s.terms), 7):
            a, b = int(indptr[i]), int(indptr[i + 1])
            want = lazy.blocks(s, int(s.terms[i]), a, b, norm, avgdl)
            got = saved.get(int(s.terms[i]))
            assert got is not None and got.shift == want.shift and got.at == pytest.approx(avgdl)
            assert np.array_equal(got.maxima, want.maxima) and np.array_equal(got.ptr, want.ptr)
            assert got.top == pytest.approx(want.top)
    kw.append([10_000], [["một", "đoạn", "mới"]])
    kw.save(tmp_path / "next")  # the next generation links the maxima with the segment
    for s in segs:
        for f in blockmax.SAVED_FILES:
            assert (tmp_path / "next" / "keyword" / s.name / f"{f}.npy").stat().st_ino == \
                (s.source / f"{f}.npy").stat().st_ino


def test_the_top_k_with_saved_maxima_is_that_of_scoring_everything(tmp_path, blocks_everywhere, saved_when_large):
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 7, tmp_path)
    assert assert_same(kw, paragraph_queries(paras)) > 100
    assert kw._bounds._saved and all(v is not None for v in kw._bounds._saved.values())  # read, not computed


def test_small_segments_write_nothing_and_still_search(tmp_path, blocks_everywhere):
    paras = sample_paragraphs()
    kw = segmented(paras, 2, 0, tmp_path)  # under LARGE passages each
    assert not any(blockmax.SavedBlocks.present(s.source) for s in kw._segments)
    assert assert_same(kw, paragraph_queries(paras)[:30]) > 10
    assert isinstance(KeywordIndex.load(tmp_path / f"g{len(paras) // 2}"), KeywordIndex)


def test_live_document_frequencies_with_a_few_tombstones_on_long_lists(tmp_path, blocks_everywhere):
    """A few deleted passages in a large segment: a term's live df is its list's length less the dead
    rows found in it (looked up, not the list read); the scores are those of scoring everything."""
    texts = [f"chi bộ {'thôn' if i % 3 else 'ấp'} {i % 11} sinh hoạt chuyên đề số {i}" for i in range(400)]
    kw = segmented(texts, 1, 0, tmp_path)
    kw.delete([5, 6, 200])  # 3 tombstones: 3 * 64 < the 400 postings of "chi", "bộ", …
    kw._ready()
    assert kw._seg_dead[0] == 3
    q = kw._query_terms("chi bộ ấp sinh hoạt")
    full = {h: int(np.count_nonzero(~kw._dead_mask[np.asarray(kw._segments[0].rows[a:b])]))
            for h, a, b in zip(q.hashes.tolist(), q.starts[0].tolist(), q.ends[0].tolist()) if b > a}
    assert sorted(full.values())[-1] == 397 and any(v < 397 for v in full.values())
    assert {k[2]: v for k, v in kw._alive_df.items()} == full
    assert assert_same(kw, ["chi bộ ấp sinh hoạt", "thôn 3", "chuyên đề số 5"]) >= 3
