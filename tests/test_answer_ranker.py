"""The learned answer-sentence ranker (vankien/answers/ranker.py, coefficients in answer_ranker.json)
and the answer kinds it leans on: lists that enumerate, a person named in the sentence before."""
from __future__ import annotations

import json

import numpy as np
import pytest

from index.records import DocumentHeader, SearchHit
from vankien.answers import ranker
from vankien.answers.answer_items import enumerates, list_noun, with_antecedent
from vankien.answers.qa import NO_ANSWER, score_sentences, select_answer
from vankien.answers.sentences import Sentence, split_sentences


def _hit(text: str, doc_id: str = "kh12", score: float = 1.0) -> SearchHit:
    header = DocumentHeader(doc_type="Kế hoạch", number="12-KH/ĐU", date="2024-08-20", issuer="Đảng ủy xã Hòa An",
                            title="Kế hoạch 12-KH/ĐU")
    return SearchHit(doc_id, 0, header, ("II. NỘI DUNG",), (), text, score, 0, len(text))


def _typical(model: ranker.Ranker, n: int = 2) -> np.ndarray:
    """n candidates at the model's mean on every sentence column it reads (0 elsewhere)."""
    row = np.zeros(len(ranker.FEATURES))
    for name, mean in zip(model.features, model.mean):
        if name in ranker.FEATURES:
            row[ranker.FEATURES.index(name)] = mean
    return np.tile(row, (n, 1))


def test_the_committed_model_loads_with_the_current_features():
    model = ranker.load()
    assert set(model.features) <= set(ranker.MODEL_FEATURES) and model.coef.shape == (len(model.features),)
    assert (model.refusal is not None or model.answered is not None) and 0.0 < model.threshold < 1.0
    data = json.loads(ranker.MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]  # a file written for other columns is refused, not misread
    with pytest.raises(ValueError, match="train_answer_ranker"):
        ranker.from_json(data)
    data = json.loads(ranker.MODEL_FILE.read_text(encoding="utf-8"))
    data["features"][0] = "no_such_feature"
    with pytest.raises(ValueError, match="train_answer_ranker"):
        ranker.from_json(data)


def test_the_ranker_puts_the_sentence_that_answers_first():
    passage = ("Đảng bộ xã Hòa An có 14 chi bộ trực thuộc. Tài liệu sinh hoạt được gửi qua ứng dụng Sổ tay đảng "
               "viên điện tử. Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng. Chi ủy chuẩn bị nội dung "
               "trước buổi sinh hoạt.")
    question = "Các chi bộ sinh hoạt thường kỳ vào ngày nào?"
    scored = score_sentences(question, [_hit(passage)], None)
    # the sentence, or the sentence read with the next one (it restates the question: qa.join_restating)
    assert scored[0].sentence.text.startswith("Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng.")
    assert scored[1].sentence.text.startswith("Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng.")
    assert all(0.0 <= s.score <= 1.0 for s in scored) and scored[0].score > scored[-1].score / 2
    answer = select_answer(question, [_hit(passage)], scored)
    assert answer.found and "ngày 3 hằng tháng" in answer.text


def test_a_question_the_passages_do_not_speak_of_is_refused():
    passage = "Các chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng. Chi ủy chuẩn bị nội dung trước buổi sinh hoạt."
    question = "Thủ đô của nước Pháp là thành phố nào?"
    answer = select_answer(question, [_hit(passage)], score_sentences(question, [_hit(passage)], None))
    assert not answer.found and answer.text == NO_ANSWER


def test_listwise_columns_compare_each_candidate_with_the_best_and_the_worst():
    x = np.zeros((3, len(ranker.FEATURES)))
    unit = ranker.FEATURES.index("unit")
    x[:, unit] = [1.0, 0.5, 0.0]
    wide = ranker.with_listwise(x)
    assert wide.shape == (3, len(ranker.MODEL_FEATURES))
    assert wide[:, ranker.MODEL_FEATURES.index("unit-max")].tolist() == [0.0, -0.5, -1.0]
    assert wide[:, ranker.MODEL_FEATURES.index("unit-min")].tolist() == [1.0, 0.5, 0.0]
    assert ranker.with_listwise(np.zeros((0, len(ranker.FEATURES)))).shape == (0, len(ranker.MODEL_FEATURES))


def test_the_same_sentence_scores_lower_beside_a_candidate_that_answers_better():
    """Listwise: a sentence's probability depends on the other candidates of its question."""
    model = ranker.load()
    base = _typical(model)
    for name in ("lex", "dense", "exact", "trigrams"):
        base[1, ranker.FEATURES.index(name)] += 0.3  # the second candidate shares more with the question
    alone = model.probability(base[:1])[0]
    beside = model.probability(base)[0]
    assert beside < alone and model.probability(base)[1] > beside


def test_confidence_grows_with_what_the_best_sentence_shares_with_the_question():
    model = ranker.load()
    weak = _typical(model)
    strong = weak.copy()
    strong[0, ranker.FEATURES.index("lex")] += 0.5
    strong[0, ranker.FEATURES.index("dense")] += 0.5
    assert model.confidence(model.probability(strong), strong) > model.confidence(model.probability(weak), weak)
    assert model.confidence(np.array([]), np.zeros((0, len(ranker.FEATURES)))) == 0.0


@pytest.mark.parametrize("question, noun", [
    ("Sinh hoạt chuyên đề ở Đảng bộ xã Hòa An tổ chức vào những tháng nào?", "thang"),
    ("sinh hoat chuyen de to chuc vao nhung thang nao", "thang"),
    ("Quy định áp dụng đối với các đối tượng nào?", "doi"),
    ("Chi bộ sinh hoạt vào ngày nào?", ""),
])
def test_the_noun_a_list_question_enumerates(question, noun):
    assert list_noun(question) == noun


def test_a_list_answer_enumerates_what_is_asked():
    assert enumerates("thang", "Sinh hoạt chuyên đề tổ chức vào tháng cuối quý (tháng 3, 6, 9 và 12).")
    assert enumerates("thang", "vào các tháng 3 và 9")
    assert not enumerates("thang", "100% chi bộ tổ chức sinh hoạt chuyên đề vào tháng cuối quý; tỷ lệ dự đạt 94%.")
    question = "Sinh hoạt chuyên đề tổ chức vào những tháng nào?"
    listed = _hit("Sinh hoạt chuyên đề được tổ chức vào kỳ sinh hoạt thường kỳ của tháng cuối quý "
                  "(tháng 3, 6, 9 và 12), theo chủ đề do Đảng ủy định hướng.")
    vague = _hit("Sau 9 tháng, 100% chi bộ tổ chức sinh hoạt chuyên đề vào tháng cuối quý, tỷ lệ dự đạt 94,1%.",
                 doc_id="bt6")
    scored = score_sentences(question, [vague, listed], None)
    assert scored[0].hit_index == 1 and scored[0].unit == 1.0


def test_a_person_named_by_the_given_name_is_read_with_the_full_name():
    passage = ("Đồng chí Nguyễn Thị Mai, 26 tuổi, là Bí thư Chi đoàn thôn Đông Hòa. Ngay khi chi bộ phân công, "
               "Mai đã đến từng nhà hướng dẫn 17 đảng viên cao tuổi cài đặt Sổ tay đảng viên điện tử.")
    second = split_sentences(passage)[1]
    read = with_antecedent(passage, second)
    assert read.start == 0 and read.end == second.end and "Nguyễn Thị Mai" in read.text
    # a sentence that names someone in full, or names nobody the sentence before names, stays as it is
    alone = split_sentences("Hôm qua trời mưa. Đồng chí Trần Văn Bình chủ trì hội nghị.")[1]
    assert with_antecedent("Hôm qua trời mưa. Đồng chí Trần Văn Bình chủ trì hội nghị.", alone) == alone
    question = "Ai đã hướng dẫn 17 đảng viên cao tuổi cài đặt Sổ tay đảng viên điện tử?"
    hit = _hit(passage)
    answer = select_answer(question, [hit], score_sentences(question, [hit], None), threshold=0.0)
    assert "Nguyễn Thị Mai" in answer.text and "Mai đã đến từng nhà" in answer.text
    assert answer.citations[0].sentence.startswith("Đồng chí Nguyễn Thị Mai")
    # read with a long sentence after it (a restating sentence joined with the next), the first one is kept
    longer = passage + " Với các cụ mắt kém, Mai tăng cỡ chữ trên điện thoại, ghi các bước ra giấy khổ lớn để các " \
                       "cụ dán cạnh bàn, hằng tuần đến từng nhà kiểm tra lại cho các cụ."
    joined = Sentence(second.start, len(longer), longer[second.start:])
    read = with_antecedent(longer, joined)
    assert read.start == 0 and read.text.endswith("Sổ tay đảng viên điện tử.")


def test_the_date_of_another_event_does_not_answer_when_a_question_asks():
    from vankien.answers.answer_items import event_words, tells_of

    event = event_words("Bao giờ tổ chức Đại hội Đảng bộ tỉnh Sông Lam nhiệm kỳ 2025 - 2030?")
    assert event == ("to chuc", "dai hoi")
    assert not tells_of(event, "Sáng 13/5, Ban Thường vụ Tỉnh ủy Sông Lam tổ chức Hội nghị sơ kết 1 năm")
    assert tells_of(event, "Đại hội Đảng bộ tỉnh được tổ chức từ ngày 5 đến 7/10/2025")
    assert event_words("Đại hội được tổ chức khi nào?") == ()  # its words come first: the ranker weighs them


def _eval_answers_script():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "eval_answers", Path(__file__).resolve().parents[1] / "scripts" / "eval_answers.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def _feature_dump(path, width: int) -> None:
    rng = np.random.default_rng(3)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(4):
            sentences = [{"text": f"Câu {j}.", "gold": j == 0, "x": rng.uniform(0, 1, width).tolist()} for j in range(3)]
            out.write(json.dumps({"dataset": "vinewsqa", "answerable": True, "id": f"q{i}", "passage_hit": True,
                                  "any_passage_hit": True, "sentences": sentences}, ensure_ascii=False) + "\n")


def test_a_feature_dump_of_an_older_ranker_is_refused_with_what_to_do(tmp_path, capsys):
    script = _eval_answers_script()
    old, current = tmp_path / "old.jsonl", tmp_path / "current.jsonl"
    _feature_dump(old, len(ranker.FEATURES) - 5)
    with pytest.raises(SystemExit, match=f"{len(ranker.FEATURES) - 5} đặc trưng.*cần {len(ranker.FEATURES)}"):
        script.report(old)
    _feature_dump(current, len(ranker.FEATURES))
    script.report(current)
    assert "vinewsqa" in capsys.readouterr().out
