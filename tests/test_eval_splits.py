"""Tuning/check splits: deterministic, by document, disjoint, and the committed ids match the data."""
import json

import pytest

from tests.conftest import SHARED
from vankien.evaluation.beir import DatasetError, load_beir
from vankien.evaluation.splits import SPLITS_DIR, load_split, restrict, split_queries, write_split


def _set(tmp_path):
    corpus = [{"id": f"d{i}", "text": f"văn bản {i}"} for i in range(40)]
    # three questions about each document: they must land in the same part
    queries = [{"id": f"q{i}-{j}", "text": f"câu hỏi {j} về văn bản {i}"} for i in range(40) for j in range(3)]
    (tmp_path / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in corpus), "utf-8")
    (tmp_path / "queries.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in queries), "utf-8")
    (tmp_path / "qrels.tsv").write_text("q\td\ts\n" + "".join(f"q{i}-{j}\td{i}\t1\n" for i in range(40) for j in range(3)),
                                        "utf-8")
    return load_beir(tmp_path)


def test_split_is_deterministic_disjoint_and_by_document(tmp_path):
    ds = _set(tmp_path)
    split = split_queries(ds)
    assert split == split_queries(ds)
    assert set(split.tune).isdisjoint(split.check)
    assert sorted(split.tune + split.check) == sorted(q.id for q in ds.queries)
    assert 0.25 < len(split.tune) / len(ds.queries) < 0.75
    doc_of = {q: q.split("-")[0] for q in split.tune + split.check}
    assert {doc_of[q] for q in split.tune}.isdisjoint({doc_of[q] for q in split.check})
    assert split_queries(ds, seed="khác") != split


def test_written_split_reads_back_and_restricts(tmp_path):
    ds = _set(tmp_path)
    split = split_queries(ds)
    write_split(split, tmp_path / "splits")
    again = load_split(ds.name, tmp_path / "splits")
    assert again == split
    check = restrict(ds, again.check)
    assert [q.id for q in check.queries] == list(split.check) and set(check.qrels) == set(split.check)
    assert check.corpus == ds.corpus
    with pytest.raises(ValueError, match="tune"):
        again.part("test")
    with pytest.raises(DatasetError, match="eval_splits.py"):
        load_split("khong-co", tmp_path / "splits")


@pytest.mark.parametrize("name", ["uit_regwiki", "vinewsqa", "alqac"])
def test_committed_splits_match_the_shared_sets(name):
    """The committed ids are what the fixed seed gives on today's data, and cover every judged query."""
    folder = SHARED / "eval" / name
    if not folder.is_dir():
        pytest.skip(f"{folder} không có")
    ds = load_beir(folder)
    assert (SPLITS_DIR / f"{name}.json").is_file()
    assert load_split(name) == split_queries(ds)


def test_eval_cli_reports_only_the_chosen_part(capsys):
    from vankien.cli.main import main

    folder = SHARED / "eval" / "uit_regwiki"
    if not folder.is_dir():
        pytest.skip(f"{folder} không có")
    assert main(["eval", str(folder), "--split", "check", "--systems", "keyword", "--json", "--quiet"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["queries"] == len(load_split("uit_regwiki").check)
