"""The hybrid against its own inputs on real held-out queries: the check parts of uit_regwiki and
vinewsqa (../shared/eval, skipped without it), through `vankien eval`'s own harness and the real
encoder. On vinewsqa the RRF fusion before issue 13 failed this (0.809 under keyword-only 0.816)."""
import pytest

from tests.conftest import SHARED



@pytest.mark.slow
@pytest.mark.parametrize("name", ["uit_regwiki", "vinewsqa"])
def test_hybrid_is_above_keyword_only_and_dense_only_on_the_check_part(name):
    data = SHARED / "eval" / name
    if not (data / "qrels.tsv").is_file():
        pytest.skip(f"../shared/eval/{name} không có")
    from vankien.evaluation.beir import load_beir
    from vankien.evaluation.encoders import EvalEncoder
    from vankien.evaluation.runner import build_systems, evaluate
    from vankien.evaluation.splits import load_split, restrict

    ds = load_beir(data)
    ds = restrict(ds, load_split(ds.name).check)
    encoder = EvalEncoder()
    report = evaluate(ds, build_systems(["keyword", "dense", "hybrid"], encoder), encoder)
    ndcg = {r.key: r.metrics["nDCG@10"] for r in report.systems}
    recall = {r.key: r.metrics["Recall@10"] for r in report.systems}
    assert ndcg["hybrid"] > ndcg["keyword"] and ndcg["hybrid"] > ndcg["dense"], ndcg
    assert recall["hybrid"] >= max(recall["keyword"], recall["dense"]), recall
