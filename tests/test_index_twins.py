"""An article that is word for word in two documents is one search hit, and the copy kept is the one
a secretary can cite: the numbered document, then the earlier one (issue 13; index/twins.py)."""
from dataclasses import replace

from index.library import Library
from index.settings import RetrievalSettings
from index.twins import citable_rank, collapse_twins, prefix_key, twin_key, twin_keys
from ingest import parse_text
from ingest.records import DocumentHeader
from tests.index_fixtures import HashEncoder
from vntext.normalize import normalize_text

ARTICLE = ("Áp dụng tập quán\n1. Tập quán là quy tắc xử sự có nội dung rõ ràng để xác định quyền, nghĩa vụ "
           "của cá nhân, pháp nhân trong quan hệ dân sự cụ thể.\n2. Trường hợp các bên không có thoả thuận "
           "và pháp luật không quy định thì có thể áp dụng tập quán")
# the same article as the other copy prints it: paragraphs apart, the new tone-mark style, a full stop
ARTICLE_TWIN = ARTICLE.replace("\n", "\n\n").replace("thoả", "thỏa") + "."
OTHER = ("Áp dụng tương tự pháp luật\nTrường hợp phát sinh quan hệ thuộc phạm vi điều chỉnh của pháp luật dân sự "
         "mà các bên không có thỏa thuận, pháp luật không quy định và không có tập quán được áp dụng thì áp dụng "
         "quy định của pháp luật điều chỉnh quan hệ dân sự tương tự.")
QUERY = "tập quán là quy tắc xử sự trong quan hệ dân sự"


def test_twin_key_ignores_layout_tone_style_and_punctuation_but_not_words():
    # keys are taken of stored passages, normalised at ingestion
    assert twin_key(normalize_text(ARTICLE)) == twin_key(normalize_text(ARTICLE_TWIN)) != b""
    assert twin_key(ARTICLE) != twin_key(ARTICLE_TWIN)  # the tone-mark styles differ before normalising
    assert twin_key(ARTICLE) != twin_key(ARTICLE.replace("cá nhân", "tổ chức"))
    assert twin_key("Điều này bị bãi bỏ.") == b""  # short texts are alike by chance, never grouped


def test_only_passages_that_start_alike_in_two_documents_are_keyed():
    texts = {1: normalize_text(ARTICLE), 2: normalize_text(ARTICLE_TWIN), 3: normalize_text(OTHER),
             4: normalize_text(ARTICLE + " Thêm một câu.")}
    docs = {1: "a", 2: "b", 3: "a", 4: "a"}
    prefixes = {pid: prefix_key(t) for pid, t in texts.items()}
    keyed = []

    def key_of(pid):
        keyed.append(pid)
        return twin_key(texts[pid])

    keys = twin_keys(prefixes, docs.__getitem__, key_of)
    assert set(keys) == set(keyed) == {1, 2, 4} and keys[1] == keys[2] != keys[4]  # 4 starts alike only
    keyed.clear()
    assert twin_keys({1: prefixes[1], 4: prefixes[4]}, docs.__getitem__, key_of) == {} and keyed == []


def test_citable_copy_is_the_numbered_then_the_earlier_document():
    named = DocumentHeader(title="Bộ luật dân sự - Điều 5. Áp dụng tập quán")
    numbered_in_title = DocumentHeader(title="91/2015/QH13 - Điều 5. Áp dụng tập quán")
    numbered = DocumentHeader(number="27-KH/TU", date="2024-07-10")
    earlier = DocumentHeader(number="12-KH/TU", date="2023-01-05")
    order = sorted([named, numbered, numbered_in_title, earlier], key=citable_rank)
    assert order == [earlier, numbered, numbered_in_title, named]


def test_collapse_keeps_the_citable_copy_at_the_groups_best_place():
    docs = {1: "luat", 2: "x", 3: "so", 4: "y"}
    headers = {"luat": DocumentHeader(title="Bộ luật dân sự"), "so": DocumentHeader(number="91/2015/QH13"),
               "x": DocumentHeader(), "y": DocumentHeader()}
    keys = {1: b"k", 3: b"k", 2: b"a", 4: b""}
    def rank_of(doc_id):
        return citable_rank(headers[doc_id])

    pids, also = collapse_twins([1, 2, 3, 4], docs.__getitem__, keys, rank_of)
    assert pids == [3, 2, 4] and also == {3: ("luat",)}
    # twins inside one document are not collapsed here
    pids, also = collapse_twins([1, 2], {1: "a", 2: "a"}.__getitem__, {1: b"k", 2: b"k"}, rank_of)
    assert pids == [1, 2] and also == {}


def _library(tmp_path, twins: bool, encoder=None) -> Library:
    # the uncitable copy is ingested first: before this rule, ties went to it
    docs = [parse_text(ARTICLE, "Bộ luật dân sự@5", title="Bộ luật dân sự - Điều 5. Áp dụng tập quán"),
            parse_text(OTHER, "Bộ luật dân sự@6", title="Bộ luật dân sự - Điều 6. Áp dụng tương tự pháp luật"),
            parse_text(ARTICLE_TWIN, "91/2015/QH13@5", title="91/2015/QH13 - Điều 5. Áp dụng tập quán")]
    lib = Library.open(tmp_path / f"idx{twins}", encoder=encoder or HashEncoder(),
                       retrieval=RetrievalSettings(twins=twins))
    lib.add_documents(docs)
    return lib


def test_search_shows_twins_once_as_the_numbered_copy_naming_the_other(tmp_path):
    hits = _library(tmp_path, twins=True).search(QUERY, k=10)
    ids = [h.doc_id for h in hits]
    assert ids[0] == "91/2015/QH13@5" and "Bộ luật dân sự@5" not in ids
    assert hits[0].also_in == ("Bộ luật dân sự@5",)
    assert "Bộ luật dân sự@6" in ids and hits[ids.index("Bộ luật dân sự@6")].also_in == ()
    assert hits[0].to_json()["also_in"] == ["Bộ luật dân sự@5"]


def test_without_the_rule_both_copies_are_hits(tmp_path):
    ids = [h.doc_id for h in _library(tmp_path, twins=False).search(QUERY, k=10)]
    assert {"91/2015/QH13@5", "Bộ luật dân sự@5"} <= set(ids[:2])


def test_dated_copies_keep_the_earlier_one(tmp_path):
    later = parse_text(ARTICLE, "KH-27", title="Kế hoạch 27-KH/TU")
    earlier = parse_text(ARTICLE_TWIN, "KH-12", title="Kế hoạch 12-KH/TU")
    later = replace(later, metadata=replace(later.metadata, number="27-KH/TU", date="2024-07-10"))
    earlier = replace(earlier, metadata=replace(earlier.metadata, number="12-KH/TU", date="2023-01-05"))
    lib = Library.open(tmp_path / "idx", encoder=HashEncoder())
    lib.add_documents([later, earlier])
    hits = lib.search(QUERY, k=10)
    assert [h.doc_id for h in hits] == ["KH-12"] and hits[0].also_in == ("KH-27",)
    # a query that names the later plan is shown that plan's copy
    hits = lib.search(QUERY + " kế hoạch 27-KH/TU", k=10)
    assert [h.doc_id for h in hits] == ["KH-27"] and hits[0].also_in == ("KH-12",)


def test_result_card_says_where_else_the_passage_is(tmp_path, e5_encoder):
    from vankien.services.search import SearchService
    from vankien.ui.search_views import card_html

    # the real encoder: the search's relevance floor is set for its cosines
    view = SearchService(_library(tmp_path, twins=True, encoder=e5_encoder)).search(QUERY)
    card = next(c for c in view.cards if c.doc_id == "91/2015/QH13@5")
    assert card.also_in == ("Bộ luật dân sự - Điều 5. Áp dụng tập quán",)
    assert "Cũng có trong: Bộ luật dân sự - Điều 5. Áp dụng tập quán" in card_html(card, 1, QUERY)


def test_eval_counts_the_twins_a_hit_names_right_after_it():
    from vankien.evaluation.app_systems import app_systems
    from vankien.evaluation.beir import Document

    corpus = [Document("Bộ luật dân sự@5", "Bộ luật dân sự - Điều 5. Áp dụng tập quán", ARTICLE),
              Document("Bộ luật dân sự@6", "Bộ luật dân sự - Điều 6. Áp dụng tương tự pháp luật", OTHER),
              Document("91/2015/QH13@5", "91/2015/QH13 - Điều 5. Áp dụng tập quán", ARTICLE_TWIN)]
    (hybrid,) = app_systems(HashEncoder(), keys=["hybrid"])
    try:
        hybrid.index(corpus)
        assert hybrid.search(QUERY, 10)[:2] == ["91/2015/QH13@5", "Bộ luật dân sự@5"]
    finally:
        hybrid.app.close()


def test_cli_search_prints_where_else_the_passage_is(tmp_path, e5_encoder, capsys):
    from vankien.cli.main import main

    lib = _library(tmp_path, twins=True, encoder=e5_encoder)
    lib.close()
    assert main(["search", QUERY, "--index", str(tmp_path / "idxTrue")]) == 0
    out = capsys.readouterr().out
    assert "91/2015/QH13@5" in out and "Cũng có trong: Bộ luật dân sự@5" in out
