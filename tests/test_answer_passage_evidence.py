"""The passage-level ranker features (sentence_features.passage_evidence), each on a constructed case:
the misses they target were sentences of another article sharing the question's words."""
from __future__ import annotations

from index.records import DocumentHeader, SearchHit
from vankien.answers import ranker, sentence_features
from vankien.answers.sentence_features import Candidate, passage_evidence
from vankien.answers.sentences import split_sentences

QUESTION = "Hội nghị Ban Chấp hành Đảng bộ tỉnh Sông Lam lần thứ 12 thông qua nghị quyết về nội dung gì?"
ANSWERS = ("Hội nghị Ban Chấp hành Đảng bộ tỉnh Sông Lam lần thứ 12 diễn ra trong hai ngày. "
           "Hội nghị thông qua nghị quyết về chuyển đổi số trong các cơ quan đảng. "
           "Các đại biểu thảo luận sôi nổi.")
OTHER = ("Hội nghị cán bộ thôn tổ chức chiều qua. Tỉnh cũng thông qua nghị quyết về nội dung thu ngân sách.")


def _hit(text: str, doc_id: str, title: str, headings: tuple[str, ...] = ()) -> SearchHit:
    header = DocumentHeader(doc_type="Tin bài", title=title)
    return SearchHit(doc_id, 0, header, headings, (), text, 1.0, 0, len(text))


def _cands(hits):
    return [Candidate(i, s, 0.0, 0.0, 0.0, 0.5, True, False, 0.0, 1.0, False)
            for i, h in enumerate(hits) for s in split_sentences(h.text)]


def test_the_passage_that_covers_the_question_and_its_title_are_seen():
    hits = [_hit(OTHER, "b", "Tin vắn trong ngày"), _hit(ANSWERS, "a", "Hội nghị Ban Chấp hành Đảng bộ tỉnh Sông Lam")]
    cands = _cands(hits)
    ev = passage_evidence(QUESTION, {"ban chap hanh dang bo", "song lam"}, hits, cands)
    other, first, answer, last = ev[1], ev[2], ev[3], ev[4]
    # the answer's passage covers more of the question than the other article's, and ranks first by it
    assert answer["passage_cover"] > other["passage_cover"] and answer["cover_rank"] == 1.0
    assert other["cover_rank"] == 0.5
    # its title carries the question's words and names; the other article's does not
    assert answer["heading_match"] > 0.3 and answer["heading_names"] == 1.0
    assert other["heading_match"] == 0.0 and other["heading_names"] == 0.0
    # the sentence alone covers less than its passage: cover_share says how much of the match it carries
    assert 0.0 < answer["sentence_cover"] < answer["passage_cover"]
    assert answer["cover_share"] == answer["sentence_cover"] / answer["passage_cover"]
    assert last["sentence_cover"] < answer["sentence_cover"]  # "sôi nổi" folds to a question word, no more


def test_the_sentence_after_the_one_that_restates_the_question():
    hits = [_hit(ANSWERS, "a", "Tin bài")]
    cands = _cands(hits)
    ev = passage_evidence(QUESTION, set(), hits, cands)
    restates, answer, last = ev
    assert restates["best_in_passage"] == 1.0 and restates["after_best"] == 0.0 and restates["near_best"] == 1.0
    assert answer["best_in_passage"] == 0.0 and answer["after_best"] == 1.0 and answer["near_best"] == 0.5
    assert last["after_best"] == 0.0 and last["near_best"] == 1 / 3


def test_the_matrix_carries_the_passage_columns_in_feature_order():
    hits = [_hit(OTHER, "b", "Tin vắn"), _hit(ANSWERS, "a", "Hội nghị tỉnh Sông Lam")]
    cands = _cands(hits)
    m = sentence_features.matrix(QUESTION, "", False, 0.0, hits, cands)
    assert m.shape == (len(cands), len(ranker.FEATURES))
    ev = passage_evidence(QUESTION, set(), hits, cands)
    for name in ("passage_cover", "sentence_cover", "cover_rank", "heading_match", "after_best"):
        assert m[:, ranker.FEATURES.index(name)].tolist() == [e[name] for e in ev]
    # a question with no content words: every coverage is 0, nothing divides by zero
    empty = passage_evidence("là gì?", set(), hits, cands)
    assert all(e["passage_cover"] == 0.0 and e["cover_share"] == 0.0 for e in empty)
