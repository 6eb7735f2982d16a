"""Block-max bounds for keyword top k (index/blockmax.py, index/keyword_topk.py, issue 14): the
blocks' bounds are true upper bounds, and with every term given blocks (tiny thresholds, so the
pruning that serves 10^6 passages runs on a few thousand) the top k is that of scoring every
posting, across segments, tombstones, commits that move the average length, and threads."""
import threading

import numpy as np
import pytest

import index.blockmax as blockmax
import index.keyword_topk as keyword_topk
from index.blockmax import at_shift, block_postings, list_at_shift, term_blocks
from index.keyword import KeywordIndex
from index.postings import FILES
from index.tokenize import passage_tokens
from tests.test_keyword_topk import assert_same, full_top, pruned_top, sample_paragraphs, segmented, viwiki


@pytest.fixture
def blocks_everywhere(monkeypatch):
    """Blocks for every term, a few postings each, probes before any list of 16 postings."""
    monkeypatch.setattr("index.keyword.FULL_SCORING_MAX", 0)
    monkeypatch.setenv("VANKIEN_KEYWORD_KERNELS", "0")  # the numpy MaxScore (compiled: test_keyword_ranges.py)
    monkeypatch.setattr(blockmax, "EXACT_BOUND_MIN", 1)
    monkeypatch.setattr(blockmax, "BLOCK_POSTINGS", 4)
    monkeypatch.setattr(keyword_topk, "BIG_LIST", 32)
    monkeypatch.setattr(keyword_topk, "SUFFIX_MIN", 32)
    monkeypatch.setattr(keyword_topk, "PROBE_BEFORE", 16)
    monkeypatch.setattr(keyword_topk, "PROBE", 20)


def paragraph_queries(paras: list[str]) -> list[str]:
    queries = [" ".join(p.split()[:n]) for p in paras[::4] for n in (2, 5, 12)]
    return queries + ["sinh hoat chi bo", "đảng viên", "của và các", "ban chấp hành đảng bộ", "nghi quyet dai hoi"]


def test_block_maxima_are_those_of_their_postings():
    rng = np.random.default_rng(7)
    n = 5_000
    rows = np.sort(rng.choice(n, 1_200, replace=False)).astype(np.int32)
    tf = rng.integers(1, 6, len(rows)).astype(np.float32)
    norm = rng.uniform(0.4, 3.0, n).astype(np.float32)
    blocks = term_blocks(rows, tf, norm, n, avgdl=1.0)
    impact = tf / (tf + norm[rows])
    assert (1 << blocks.shift) * len(rows) <= n * blockmax.BLOCK_POSTINGS * 2  # ~BLOCK_POSTINGS a block
    for b in range(len(blocks.maxima)):
        mine = (rows >> blocks.shift) == b
        assert blocks.maxima[b] == (impact[mine].max() if mine.any() else 0)
        at = block_postings(blocks, np.asarray([b]))
        assert np.array_equal(rows[at], rows[mine])
    some = np.asarray([0, 3, len(blocks.maxima) - 1])
    assert np.array_equal(rows[block_postings(blocks, some)], rows[np.isin(rows >> blocks.shift, some)])
    assert blocks.top == pytest.approx(impact.max())
    # finer ranges: every row's range bound covers its own impact, from the blocks or from the list
    for shift in range(blocks.shift + 1):
        size = (n >> shift) + 1
        fine = at_shift(blocks, shift, size)
        assert (fine[rows >> shift] >= impact).all()
        exact = list_at_shift(rows, tf, norm, shift, size)
        assert (exact[rows >> shift] >= impact).all() and (fine >= exact).all()


def test_pruned_equals_full_with_blocks_on_the_sample_documents(tmp_path, blocks_everywhere):
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 7, tmp_path)  # three segments, every 7th passage deleted
    assert assert_same(kw, paragraph_queries(paras)) > 100
    assert len(kw._bounds._cache) > 100 and kw._bounds._fine  # the block paths ran


def test_pruned_equals_full_with_blocks_on_wikipedia_passages(tmp_path, blocks_everywhere):
    rows = viwiki(4000)
    texts = [f"{r['title']}. {r['text']}" for r in rows]
    kw = segmented(texts, 3, 9, tmp_path)
    queries = [r["title"] for r in rows[::40]] + [" ".join(r["text"].split()[:12]) for r in rows[7::80]]
    queries += ["việt nam", "năm của các", "là một trong những"]  # every term frequent
    assert assert_same(kw, queries, ks=(1, 10, 100)) > 200
    kw.merge()
    assert assert_same(kw, queries[::3], ks=(10,)) > 30


def test_bounds_stay_upper_bounds_when_commits_move_the_average_length(tmp_path, blocks_everywhere):
    """Bounds are cached per segment at the average length of the first search: appending long
    passages raises the average (bounds scaled), deleting them lowers it again."""
    paras = sample_paragraphs()
    kw = KeywordIndex()
    kw.append(range(len(paras)), [passage_tokens(p, word_segment=False) for p in paras])
    queries = paragraph_queries(paras)[::3]
    assert assert_same(kw, queries, ks=(10,)) > 20  # bounds cached now
    long = [" ".join(paras[i:i + 12]) for i in range(0, 120, 12)]
    kw.append(range(10_000, 10_000 + len(long)), [passage_tokens(t, word_segment=False) for t in long])
    assert assert_same(kw, queries, ks=(10,)) > 20
    kw.delete(range(10_000, 10_000 + len(long)))
    kw.delete(range(0, len(paras), 3))
    assert assert_same(kw, queries, ks=(10,)) > 20


def test_segments_saved_before_load_and_search_alike(tmp_path, blocks_everywhere):
    """Nothing new is written: a saved index holds the files it held before block bounds, and
    searching it leaves its folders as they were."""
    paras = sample_paragraphs()
    kw = segmented(paras, 2, 5, tmp_path)
    kw.save(tmp_path / "saved")
    before = sorted(p.relative_to(tmp_path / "saved") for p in (tmp_path / "saved").rglob("*"))
    assert {p.name for p in before if p.suffix == ".npy"} == {f"{f}.npy" for f in FILES} | {"dead.npy"}
    loaded = KeywordIndex.load(tmp_path / "saved")
    queries = paragraph_queries(paras)[::2]
    assert [pruned_top(loaded, q, 10) for q in queries] == [pruned_top(kw, q, 10) for q in queries]
    assert sorted(p.relative_to(tmp_path / "saved") for p in (tmp_path / "saved").rglob("*")) == before


def test_searches_in_threads_agree_and_leave_the_accumulators_clean(tmp_path, blocks_everywhere):
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 4, tmp_path)
    queries = paragraph_queries(paras)
    want = {q: full_top(kw, q, 10) for q in queries}
    got: dict[str, list] = {}
    dirty: list[float] = []

    def work(part):
        for q in part:
            got[q] = pruned_top(kw, q, 10)
        dirty.append(float(np.abs(keyword_topk._buffer(1)).sum()))  # this thread's accumulator

    threads = [threading.Thread(target=work, args=(queries[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want
    assert dirty == [0.0] * 4
