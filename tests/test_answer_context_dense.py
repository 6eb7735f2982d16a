"""The in-context cosines of a candidate sentence (vankien/answers/context_dense.py, ranker columns
dense_ctx, dense_head, dense_prev, dense_next), on a constructed news item, with the real encoder."""
from __future__ import annotations

import numpy as np
import pytest

from index.records import DocumentHeader, SearchHit
from vankien.answers import qa, ranker
from vankien.answers.context_dense import COLUMNS, context_texts, cosines, heading_of, neighbour_texts
from vankien.answers.sentences import split_sentences
from vntext.normalize import fold_diacritics

QUESTION = "Hội nghị Tỉnh ủy Sông Lam lần thứ 12 thông qua nghị quyết về nội dung gì?"
# the answer (2nd sentence) does not repeat the question's subject: the sentence before it does
NEWS = ("Sáng 5/3, Hội nghị Tỉnh ủy Sông Lam lần thứ 12 khai mạc tại thành phố Vinh. "
        "Hội nghị đã thảo luận và thống nhất ban hành văn bản về chuyển đổi số trong các cơ quan đảng. "
        "Các đại biểu dự hội nghị đều phát biểu ý kiến.")


def _hit(text: str, title: str = "", headings: tuple[str, ...] = ()) -> SearchHit:
    return SearchHit("a", 0, DocumentHeader(doc_type="Tin bài", title=title), headings, (), text, 1.0, 0, len(text))


def test_each_sentence_reads_with_the_one_before_and_its_title():
    hit = _hit(NEWS, "Hội nghị Tỉnh ủy Sông Lam lần thứ 12", ("I. Tin trong tỉnh",))
    parts = split_sentences(NEWS)
    first, answer, last = parts
    assert neighbour_texts(NEWS, parts, first) == ("", answer.text)
    assert neighbour_texts(NEWS, parts, answer) == (first.text, last.text)
    assert neighbour_texts(NEWS, parts, last) == (answer.text, "")
    assert heading_of(hit) == "Hội nghị Tỉnh ủy Sông Lam lần thứ 12. I. Tin trong tỉnh"
    rows = context_texts([hit], [(0, s) for s in parts])
    assert rows[1] == (f"{first.text} {answer.text}", f"Hội nghị Tỉnh ủy Sông Lam lần thứ 12. I. Tin trong tỉnh. "
                       f"{answer.text}", first.text, last.text, "")
    # no sentence before the first one, no title: those texts do not exist (their cosine is left out)
    assert rows[0][0] == "" and rows[0][2] == ""
    assert context_texts([_hit(NEWS)], [(0, answer)])[0][1] == ""
    # only the columns asked for get a text (the neighbours alone cost no new encoding of the sentence)
    assert context_texts([hit], [(0, answer)], ("dense_prev", "dense_next"))[0] == ("", "", first.text, last.text, "")


def test_cosines_are_the_encoders_and_the_sentence_before_lifts_the_answer(e5_encoder):
    hit = _hit(NEWS, "Tin hoạt động")
    parts = split_sentences(NEWS)
    qv = e5_encoder.encode_query(QUESTION)
    rows = context_texts([hit], [(0, s) for s in parts])
    cos = cosines(qv, rows, e5_encoder.encode_passages)
    assert cos.shape == (3, len(COLUMNS)) and np.isnan(cos[0, 0]) and np.isnan(cos[2, 3])
    # oracle: each cell is the cosine of the question with that text encoded on its own
    for j, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                assert cos[j, c] == pytest.approx(float(e5_encoder.encode_passages([text])[0] @ qv), abs=1e-4)
    own = e5_encoder.encode_passages([parts[1].text])[0] @ qv
    # read after the sentence that names the conference, the answer is nearer the question than alone
    assert cos[1, COLUMNS.index("dense_ctx")] > own
    # the answer's previous sentence restates the question: closer to it than the last one's previous
    assert cos[1, COLUMNS.index("dense_prev")] > cos[2, COLUMNS.index("dense_prev")]
    # a question typed without diacritics compares with folded texts
    folded = cosines(qv, rows, e5_encoder.encode_passages, fold_diacritics)
    assert folded[1, 0] == pytest.approx(float(e5_encoder.encode_passages([fold_diacritics(rows[1][0])])[0] @ qv),
                                         abs=1e-4)


def test_the_ranker_columns_hold_them_only_when_asked(e5_encoder):
    hits = [_hit(NEWS, "Tin hoạt động")]
    cols = [ranker.FEATURES.index(c) for c in COLUMNS]
    plain = qa.score_sentences(QUESTION, hits, e5_encoder, context=())
    assert all(s.features[k] == 0.0 for s in plain for k in cols)
    ctx = {s.sentence.start: s for s in qa.score_sentences(QUESTION, hits, e5_encoder, context=COLUMNS)}
    parts = split_sentences(NEWS)
    answer = ctx[parts[1].start]
    qv = e5_encoder.encode_query(QUESTION)
    want = cosines(qv, context_texts(hits, [(0, parts[1])]), e5_encoder.encode_passages)[0]
    assert [answer.features[k] for k in cols[:4]] == pytest.approx(list(qa.rescale_dense(want[:4])), abs=1e-4)
    # the first sentence has none before it: its dense_ctx and dense_prev stay 0
    first = ctx[0]
    assert first.features[cols[0]] == 0.0 and first.features[cols[2]] == 0.0
    # dense_sym: the question encoded as a passage against the sentence (no text of its own above)
    sym = e5_encoder.encode_passages([parts[1].text])[0] @ e5_encoder.encode_passages([QUESTION])[0]
    assert answer.features[ranker.FEATURES.index("dense_sym")] == pytest.approx(float(qa.rescale_dense(sym)), abs=1e-4)
    # a sentence that restates the question is closer to it as a paraphrase than one that does not
    assert first.features[ranker.FEATURES.index("dense_sym")] > ctx[parts[2].start].features[
        ranker.FEATURES.index("dense_sym")]
