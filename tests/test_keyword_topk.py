"""Keyword top k by MaxScore (index/keyword_topk.py, issue 14): the same passages and the same
scores as scoring every posting, on real Vietnamese text, across segments and tombstones."""
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from index.keyword import KeywordIndex
from index.keyword_rows import best_k
from index.tokenize import passage_tokens
from tests.conftest import SHARED

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(autouse=True)
def maxscore_at_every_size(monkeypatch):
    """These indexes are small enough for KeywordIndex to score every posting: make it prune, with
    the numpy MaxScore (the compiled loops have tests/test_keyword_ranges.py)."""
    monkeypatch.setattr("index.keyword.FULL_SCORING_MAX", 0)
    monkeypatch.setenv("VANKIEN_KEYWORD_KERNELS", "0")


def full_top(kw: KeywordIndex, query: str, k: int, allowed=None) -> list[tuple[int, float]]:
    """The reference: every posting scored (KeywordIndex.scores), best k by score then id."""
    scores = kw.scores(query)
    if allowed is not None:
        scores = np.where(np.isin(kw.pids, allowed), scores, 0)
    rows = np.flatnonzero(scores > 0)
    pick = best_k(rows, scores[rows], kw.pids, k)
    return [(int(kw.pids[rows[i]]), float(scores[rows[i]])) for i in pick]


def pruned_top(kw: KeywordIndex, query: str, k: int, allowed=None) -> list[tuple[int, float]]:
    return [(h.pid, h.score) for h in kw.search(query, k, allowed)]


def sample_paragraphs() -> list[str]:
    """Paragraphs of the project's sample documents that are plain text (bulletins)."""
    paras = []
    for path in sorted(CORPUS.glob("*.txt")):
        paras += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 30]
    return paras


def viwiki(n: int) -> list[dict]:
    path = SHARED / "eval" / "viwiki_corpus" / "corpus.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval/viwiki_corpus is absent")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, n)]


def segmented(texts: list[str], parts: int, dead_every: int, tmp_path: Path) -> KeywordIndex:
    """`parts` segments (saved and loaded: memory-mapped, as served), every dead_every-th passage deleted."""
    kw = KeywordIndex()
    bounds = np.linspace(0, len(texts), parts + 1).astype(int)
    for a, b in zip(bounds[:-1], bounds[1:]):
        kw.append(range(a, b), [passage_tokens(t, word_segment=False) for t in texts[a:b]])
        kw.save(tmp_path / f"g{a}")
        kw = KeywordIndex.load(tmp_path / f"g{a}")
    if dead_every:
        kw.delete(range(0, len(texts), dead_every))
    return kw


def assert_same(kw: KeywordIndex, queries: list[str], ks=(1, 10, 100)) -> int:
    compared = 0
    for q in queries:
        for k in ks:
            want = full_top(kw, q, k)
            assert pruned_top(kw, q, k) == want, (q, k)
            compared += bool(want)
    return compared


def test_pruned_equals_full_on_the_sample_documents(tmp_path):
    paras = sample_paragraphs()
    assert len(paras) > 50
    kw = segmented(paras, 3, 7, tmp_path)
    # queries: the opening words of paragraphs, a few syllables and whole sentences, with and without diacritics
    queries = [" ".join(p.split()[:n]) for p in paras[::3] for n in (2, 6, 15)]
    queries += ["sinh hoat chi bo", "đảng viên", "nghị quyết", "của và các"]
    assert assert_same(kw, queries) > 100


def test_pruned_equals_full_on_real_wikipedia_passages(tmp_path):
    rows = viwiki(6000)
    texts = [f"{r['title']}. {r['text']}" for r in rows]
    kw = segmented(texts, 4, 11, tmp_path)
    queries = [r["title"] for r in rows[::25]]  # 240 titles: many share "việt nam", "năm", "của"
    queries += [" ".join(r["text"].split()[:12]) for r in rows[5::60]]
    assert assert_same(kw, queries, ks=(10, 100)) > 300
    assert assert_same(kw, ["việt nam", "năm của các"], ks=(1500,)) == 2  # k above the probe's 1,000
    kw.merge()  # one segment, no tombstones
    assert assert_same(kw, queries[::4], ks=(10,)) > 50


@pytest.mark.parametrize("few_new", [0, 10**9])
def test_pruned_equals_full_whatever_the_probes_score_again(tmp_path, monkeypatch, few_new):
    """Probes that score every row they pick (FEW_NEW 0), or that take theta from the rows scored
    before whenever k of them are among their rows (FEW_NEW huge), and the rows kept scored for the
    final rescoring (index/keyword_exact.py): the results of scoring every posting all the same."""
    from index.keyword_exact import ExactScores

    monkeypatch.setattr("index.keyword_exact.FEW_NEW", few_new)
    monkeypatch.setattr("index.keyword_topk.FEW", 1)  # the look-ups term by term go on to the end
    # probes of 20 rows before any list of 8 postings or more: several a query on these short lists
    monkeypatch.setattr("index.keyword_topk.PROBE", 20)
    monkeypatch.setattr("index.keyword_topk.PROBE_BEFORE", 8)
    monkeypatch.setattr("index.keyword_topk.BIG_LIST", 16)
    monkeypatch.setattr("index.keyword_topk.PROBE_GROWTH", 1)
    monkeypatch.setattr("index.blockmax.EXACT_BOUND_MIN", 8)  # blocks for every list of 8 postings or more
    scored: list[int] = []
    exact = ExactScores.exact
    monkeypatch.setattr(ExactScores, "exact", lambda self, rows: scored.append(len(rows)) or exact(self, rows))
    paras = sample_paragraphs()
    kw = segmented(paras, 3, 5, tmp_path)
    queries = [" ".join(p.split()[:n]) for p in paras[::4] for n in (4, 12)] + ["của và các", "dang vien chi bo"]
    assert assert_same(kw, queries, ks=(1, 5, 10)) > 60
    assert len(scored) > 2 * len(queries)  # probes and the final rescoring ran


def test_allowed_passages_are_scored_alone(tmp_path):
    paras = sample_paragraphs()
    kw = segmented(paras, 2, 5, tmp_path)
    allowed = np.arange(3, len(paras), 4)
    for q in ["chi bộ", "kế hoạch thực hiện nghị quyết", "dang vien"]:
        want = full_top(kw, q, 5, allowed)
        assert want and pruned_top(kw, q, 5, allowed) == want
    assert kw.search("chi bộ", 5, np.asarray([10 ** 9])) == []
