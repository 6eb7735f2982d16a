"""Keyword top k by ranges in compiled loops (index/keyword_ranges.py, index/keyword_kernels.py,
issue 14): the same passages and the same scores, bit for bit, as scoring every posting, on real
Vietnamese text, across segments, tombstones, saved block maxima, commits that move the average
length and threads; ranges and blocks made tiny so the pruning that serves 10^6 passages runs on a
few thousand."""
import threading

import numpy as np
import pytest

import index.blockmax as blockmax
import index.blockmax_files as blockmax_files
import index.keyword_ranges as keyword_ranges
import index.keyword_topk as keyword_topk
from index.blockmax import term_blocks
from index.keyword import KeywordIndex
from index.keyword_ranges import _term_ranges
from index.tokenize import passage_tokens
from tests.test_keyword_blockmax import paragraph_queries
from tests.test_keyword_topk import assert_same, full_top, pruned_top, sample_paragraphs, segmented, viwiki


@pytest.fixture(autouse=True)
def compiled(monkeypatch):
    """The compiled loops, loaded (numba is a dependency: not loading them is a failure), and the
    numpy MaxScore made to fail, so every search below goes through the loops."""
    monkeypatch.setattr("index.keyword.FULL_SCORING_MAX", 0)
    monkeypatch.setenv("VANKIEN_KEYWORD_KERNELS", "1")
    assert keyword_ranges.kernels(wait=True) is not None, keyword_ranges.load_error()

    def not_here(*args, **kwargs):
        raise AssertionError("keyword_topk.top_rows ran instead of the compiled loops")
    monkeypatch.setattr("index.keyword.top_rows", not_here)


@pytest.fixture(params=[(3, 1, 4), (6, 1, 4), (11, 4096, 32)], ids=["ranges8-blocks", "ranges64-blocks", "defaults"])
def sizes(request, monkeypatch):
    """(range shift, postings from which a list has blocks, postings a block): tiny ranges and
    blocks on every list, then the sizes that serve 10^6 passages."""
    shift, exact_min, block = request.param
    monkeypatch.setattr(keyword_ranges, "RANGE_SHIFT", shift)
    monkeypatch.setattr(blockmax, "EXACT_BOUND_MIN", exact_min)
    monkeypatch.setattr(blockmax, "BLOCK_POSTINGS", block)
    return request.param


def test_range_bounds_cover_every_posting_and_cut_the_list_at_range_starts():
    rng = np.random.default_rng(11)
    n = 20_000
    norm = rng.uniform(0.4, 3.0, n).astype(np.float32)
    for size in (50, 1_500, 12_000):  # a block wider than a range, about one, several a range
        rows = np.sort(rng.choice(n, size, replace=False)).astype(np.int32)
        tf = rng.integers(1, 6, size).astype(np.float32)
        impact = tf / (tf + norm[rows])
        for shift in (4, 8, 11):
            for blocks in (None, term_blocks(rows, tf, norm, n, avgdl=1.0)):
                maxima, cuts = _term_ranges(rows, tf, 100, blocks, norm, n, shift)
                assert len(maxima) == (n >> shift) + 1 and len(cuts) == len(maxima) + 1
                assert (maxima[rows >> shift] >= impact).all()
                for r in range(len(maxima)):
                    mine = np.flatnonzero((rows >> shift) == r)
                    assert np.array_equal(np.arange(cuts[r], cuts[r + 1]) - 100, mine), (size, shift, r)
                if blocks is None:  # a short list's own postings: its bound is reached in each range
                    assert all(maxima[r] == impact[(rows >> shift) == r].max() for r in np.unique(rows >> shift))


def test_compiled_equals_full_on_the_sample_documents(tmp_path, sizes):
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 7, tmp_path)
    assert assert_same(kw, paragraph_queries(paras), ks=(1, 10, 100)) > 100


def test_compiled_equals_full_on_real_wikipedia_passages(tmp_path, sizes):
    rows = viwiki(6000)
    texts = [f"{r['title']}. {r['text']}" for r in rows]
    kw = segmented(texts, 4, 11, tmp_path)
    queries = [r["title"] for r in rows[::40]] + [" ".join(r["text"].split()[:12]) for r in rows[5::90]]
    assert assert_same(kw, queries, ks=(1, 10, 100)) > 300
    assert assert_same(kw, ["việt nam", "năm của các"], ks=(1500,)) == 2  # more than a heap's first arrays
    kw.merge()  # one segment, no tombstones
    assert assert_same(kw, queries[::4], ks=(10,)) > 50


def test_compiled_equals_full_with_saved_maxima_and_a_moved_average_length(tmp_path, monkeypatch):
    """Blocks read from a segment's files (memory-mapped) and computed at an older average length:
    still upper bounds once scaled, so the results stay those of scoring everything."""
    monkeypatch.setattr(keyword_ranges, "RANGE_SHIFT", 5)
    monkeypatch.setattr(blockmax, "EXACT_BOUND_MIN", 1)
    monkeypatch.setattr(blockmax, "BLOCK_POSTINGS", 4)
    monkeypatch.setattr(blockmax_files, "LARGE", 20)
    paras = sample_paragraphs()
    kw = segmented(paras[: len(paras) // 2], 2, 0, tmp_path)
    queries = paragraph_queries(paras)[::2]
    assert assert_same(kw, queries, ks=(5,)) > 20
    long = [" ".join([p] * 6) for p in paras[len(paras) // 2:]]  # longer passages: the average grows
    kw.append(range(len(paras), len(paras) + len(long)), [passage_tokens(t, word_segment=False) for t in long])
    kw.save(tmp_path / "later")
    kw = KeywordIndex.load(tmp_path / "later")
    assert assert_same(kw, queries, ks=(1, 10)) > 40


def test_searches_in_threads_agree(tmp_path, monkeypatch):
    """The loops run without the interpreter lock: two threads at once get what one gets alone."""
    monkeypatch.setattr(keyword_ranges, "RANGE_SHIFT", 4)
    monkeypatch.setattr(blockmax, "EXACT_BOUND_MIN", 1)
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 5, tmp_path)
    queries = paragraph_queries(paras)
    alone = {q: pruned_top(kw, q, 10) for q in queries}
    got: dict[int, list] = {0: [], 1: []}

    def run(i):
        for q in queries[i::2] + queries:
            got[i].append((q, pruned_top(kw, q, 10)))
    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(res == alone[q] for i in (0, 1) for q, res in got[i]) and len(got[0]) > len(queries)


def test_without_the_loops_the_numpy_maxscore_answers_the_same(tmp_path, monkeypatch):
    paras = sample_paragraphs()
    kw = segmented(paras, 2, 5, tmp_path)
    queries = paragraph_queries(paras)[:20]
    compiled = {q: pruned_top(kw, q, 10) for q in queries}
    monkeypatch.setenv("VANKIEN_KEYWORD_KERNELS", "0")
    assert keyword_ranges.kernels() is None
    monkeypatch.setattr("index.keyword.top_rows", keyword_topk.top_rows)
    assert all(pruned_top(kw, q, 10) == compiled[q] == full_top(kw, q, 10) for q in queries)


def test_a_held_load_starts_only_when_released(monkeypatch):
    """`vankien serve` holds the load while it builds the UI and releases it once it serves."""
    import time

    monkeypatch.setattr(keyword_ranges, "_state", {"module": None, "thread": None, "error": None})
    keyword_ranges.hold_loading()
    try:
        assert keyword_ranges.kernels() is None  # starts the loading thread, which waits
        time.sleep(0.3)
        assert keyword_ranges.kernels() is None and keyword_ranges._state["thread"].is_alive()
    finally:
        keyword_ranges.release_loading()
    assert keyword_ranges.kernels(wait=True) is not None
