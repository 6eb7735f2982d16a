"""The BEIR loader: defaults, overrides, header line, queries without qrels, missing files."""
import json

import pytest

from vankien.evaluation.beir import DatasetError, load_beir


def _write(folder, corpus, queries, qrels, qrels_name="qrels.tsv", queries_name="queries.jsonl"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in corpus) + "\n", "utf-8")
    (folder / queries_name).write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in queries) + "\n", "utf-8")
    (folder / qrels_name).write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in qrels), "utf-8")


CORPUS = [{"id": "d1", "title": "Chỉ thị", "text": "Tăng cường sự lãnh đạo của Đảng."}, {"id": "d2", "text": "Nghị quyết."}]


def test_loads_and_skips_queries_without_qrels(tmp_path):
    _write(tmp_path, CORPUS, [{"id": "q1", "text": "lãnh đạo"}, {"id": "q2", "text": "không có đánh giá"}],
           [("q1", "d1", 2), ("q1", "d2", 0)])
    ds = load_beir(tmp_path)
    assert [d.id for d in ds.corpus] == ["d1", "d2"] and ds.corpus[1].title == ""
    assert [q.id for q in ds.queries] == ["q1"] and ds.skipped_queries == 1
    assert ds.qrels == {"q1": {"d1": 2}}  # grade 0 is not relevant


def test_override_files_relative_to_folder(tmp_path):
    _write(tmp_path, CORPUS, [{"id": "x", "text": "nghị quyết"}], [("x", "d2", 1)],
           qrels_name="qrels_dev.tsv", queries_name="queries_dev.jsonl")
    ds = load_beir(tmp_path, queries="queries_dev.jsonl", qrels="qrels_dev.tsv")
    assert ds.qrels == {"x": {"d2": 1}}


def test_missing_file_is_named_in_vietnamese(tmp_path):
    _write(tmp_path, CORPUS, [{"id": "q1", "text": "a"}], [("q1", "d1", 1)])
    (tmp_path / "qrels.tsv").unlink()
    with pytest.raises(DatasetError, match="qrels.tsv") as err:
        load_beir(tmp_path)
    assert "Không tìm thấy" in str(err.value)
    with pytest.raises(DatasetError, match="thư mục"):
        load_beir(tmp_path / "khong-co")
