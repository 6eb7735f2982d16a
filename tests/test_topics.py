"""Topics: the topic list, the zero-shot labeller, the passage_topics table, the topic filter and
relabelling after an edit (index/topics.py, index/topic_store.py, index/library_topics.py)."""
from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from index.filters import allowed_passages
from index.records import SearchFilters
from index.topics import DEFAULT_FILE, FILE_NAME, TopicList, assign, load_topics, parse_topics, topic_scores
from tests.conftest import write_app_samples


# --- the list --------------------------------------------------------------------------------------
def test_default_list_has_every_group_with_measured_thresholds():
    topics = load_topics(None)
    assert len(topics.topics) >= 14
    for key in ("xay-dung-dang", "can-bo", "kiem-tra-giam-sat", "phong-chong-tham-nhung", "dan-van",
                "quoc-phong-an-ninh", "doi-ngoai", "chuyen-doi-so", "sap-xep-bo-may", "hoc-tap-lam-theo-bac"):
        assert key in topics.keys()
    assert all(t.threshold is not None and len(t.description) >= 2 for t in topics.topics)
    assert topics.fingerprint() == load_topics(None).fingerprint()


def test_index_folder_list_wins_and_bad_files_say_what_to_fix(tmp_path):
    assert load_topics(tmp_path).keys() == load_topics(None).keys()  # no topics.json: the shipped list
    (tmp_path / FILE_NAME).write_text(json.dumps({"topics": [{"key": "moi", "description": "Một câu."}]}),
                                      encoding="utf-8")
    assert load_topics(tmp_path).keys() == ("moi",)
    (tmp_path / FILE_NAME).write_text("{không phải JSON", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON không hợp lệ"):
        load_topics(tmp_path)
    with pytest.raises(ValueError, match="cần \"key\" và \"description\""):
        parse_topics({"topics": [{"key": "a"}]})
    with pytest.raises(ValueError, match="lặp lại"):
        parse_topics({"topics": [{"key": "a", "description": "x"}, {"key": "a", "description": "y"}]})
    with pytest.raises(ValueError, match="không rỗng"):
        parse_topics({"topics": []})


def test_find_accepts_keys_and_labels_with_or_without_marks():
    topics = load_topics(None)
    assert topics.find("kiem-tra-giam-sat") == "kiem-tra-giam-sat"
    assert topics.find("Chuyển đổi số") == "chuyen-doi-so"
    assert topics.find("chuyen doi so") == "chuyen-doi-so"
    assert topics.find("tham nhũng") == "phong-chong-tham-nhung"
    assert topics.find("") is None and topics.find("không có chủ đề này") is None


# --- the labeller (pure) ---------------------------------------------------------------------------
def test_scores_are_centred_and_assign_keeps_threshold_margin_and_order():
    topic_vecs = np.eye(3, 8, dtype=np.float32)
    passages = np.asarray([[0.9, 0.1, 0, 1, 0, 0, 0, 0],  # clearly topic 0
                           [0.6, 0.58, 0, 1, 0, 0, 0, 0],  # topics 0 and 1 alike
                           [0.3, 0.3, 0.3, 1, 0, 0, 0, 0]], dtype=np.float32)  # none stands out
    passages /= np.linalg.norm(passages, axis=1, keepdims=True)
    scores = topic_scores(passages, topic_vecs)
    assert np.allclose(scores.mean(axis=1), 0, atol=1e-6)  # centred per passage
    thresholds = np.full(3, 0.05, dtype=np.float32)
    assert assign(scores, thresholds, margin=0.02) == [(0,), (0, 1), ()]
    assert assign(scores, thresholds, margin=0.0) == [(0,), (0,), ()]  # the second is not the best
    assert assign(scores, np.asarray([0.9, 0.05, 0.05]), margin=0.02)[1] == (1,)  # topic 0's own threshold
    assert topic_scores(np.zeros((0, 8)), topic_vecs).shape == (0, 3)


def test_real_encoder_labels_plain_sentences_with_their_topic(e5_encoder):
    from index.topics import TopicLabeller

    labeller = TopicLabeller(load_topics(None), e5_encoder)
    texts = ["Ủy ban kiểm tra các cấp kiểm tra đảng viên có dấu hiệu vi phạm, xem xét thi hành kỷ luật đảng.",
             "Đẩy mạnh chuyển đổi số trong công tác đảng: 100% chi bộ gửi tài liệu qua ứng dụng Sổ tay đảng viên "
             "điện tử, số hóa hồ sơ đảng viên.",
             "Bệnh nhân được mổ cấp cứu sau khi nuốt tăm xỉa răng."]
    labels = labeller.label(e5_encoder.encode_passages(texts))
    assert labels[0] and labels[0][0][0] == "kiem-tra-giam-sat"
    assert labels[1] and labels[1][0][0] == "chuyen-doi-so"
    assert not any(key in ("kiem-tra-giam-sat", "chuyen-doi-so") for key, _ in labels[2])


# --- the filter (pure) -----------------------------------------------------------------------------
def test_allowed_passages_intersects_documents_and_topics():
    docs, topics = np.asarray([1, 2, 3, 5]), np.asarray([2, 5, 8])
    assert allowed_passages(None, None) is None
    assert allowed_passages(docs, None) is docs and allowed_passages(None, topics) is topics
    assert allowed_passages(docs, topics).tolist() == [2, 5]
    assert allowed_passages(docs, np.asarray([], dtype=np.int64)).tolist() == []


# --- in the index ----------------------------------------------------------------------------------
class CountingEncoder:
    """The real encoder, counting the passages it encodes (relabelling must encode none)."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.passages, self.queries = inner, inner.name, inner.dim, 0, 0

    def encode_passages(self, texts):
        self.passages += len(texts)
        return self.inner.encode_passages(texts)

    def encode_query(self, text):
        self.queries += 1
        return self.inner.encode_query(text)


@pytest.fixture
def library(tmp_path, e5_encoder):
    from index.library import Library
    from ingest import parse_file

    encoder = CountingEncoder(e5_encoder)
    lib = Library.open(tmp_path / "index", parser=parse_file, encoder=encoder)
    report = lib.ingest([write_app_samples(tmp_path / "corpus")])
    assert not report.failed
    return lib, encoder


def _topic_places(lib, key):
    return {(h.doc_id, h.ordinal) for h in lib.topic_hits(key, limit=1000)}


def test_ingestion_labels_content_passages_in_the_same_generation(library):
    lib, _ = library
    assert lib.topic_status() == ""
    counts = lib.topic_counts()
    assert counts and all(c.passages >= c.documents >= 1 for c in counts)
    assert any(doc == "chi-thi-50-ct-tw" for doc, _ in _topic_places(lib, "kiem-tra-giam-sat"))
    labelled = {pid for pid, ts in lib.passage_topics(lib._pid_doc).items() if ts}
    assert labelled and not labelled & lib.boilerplate  # letterheads and signatures carry no topic
    # the months are those of the documents' dates
    assert {c.month for c in counts} <= {d.date[:7] for d in lib.documents()}


def test_search_filtered_by_topic_returns_only_its_passages(library):
    lib, _ = library
    key = max(lib.topic_list().keys(), key=lambda k: len(_topic_places(lib, k)))
    places = _topic_places(lib, key)
    hits = lib.search("chi bộ kiểm tra chuyển đổi số", k=20, filters=SearchFilters(topics=(key,)))
    assert hits and {(h.doc_id, h.ordinal) for h in hits} <= places
    everything = lib.search("chi bộ kiểm tra chuyển đổi số", k=20)
    assert len(everything) > len(hits)  # without the filter other passages come back too
    # with a document filter too: both apply
    both = lib.search("chi bộ", k=20, filters=SearchFilters(topics=(key,), doc_types=("Chỉ thị",)))
    assert all(h.doc_type == "Chỉ thị" and (h.doc_id, h.ordinal) in places for h in both)
    assert lib.search("chi bộ", filters=SearchFilters(topics=("khong-co",))) == []


def test_removing_a_document_removes_its_topics(library):
    lib, _ = library
    assert any(doc == "chi-thi-50-ct-tw" for doc, _ in _topic_places(lib, "kiem-tra-giam-sat"))
    assert lib.remove("chi-thi-50-ct-tw")
    for key in lib.topic_list().keys():
        assert all(doc != "chi-thi-50-ct-tw" for doc, _ in _topic_places(lib, key))


def test_editing_the_list_then_recompute_relabels_without_encoding_passages(library):
    lib, encoder = library
    before = {k: _topic_places(lib, k) for k in lib.topic_list().keys()}
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["margin"] = 1.0  # the new topic need not be each passage's best
    data["topics"].append({"key": "ung-dung-so", "label": "Ứng dụng số cho đảng viên", "threshold": -1.0,
                           "description": ["Cài đặt và sử dụng ứng dụng Sổ tay đảng viên điện tử trên điện thoại."]})
    (lib.home / FILE_NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "đã thay đổi" in lib.topic_status() and "vankien topics --recompute" in lib.topic_status()
    encoded = encoder.passages
    labelled = lib.recompute_topics()
    assert encoder.passages == encoded  # the stored vectors, not the encoder
    assert lib.topic_status() == "" and labelled > 0
    assert "ung-dung-so" in lib.topic_list().keys() and _topic_places(lib, "ung-dung-so")
    assert any(_topic_places(lib, k) != places for k, places in before.items())  # a new topic takes some


def test_description_vectors_are_kept_in_the_index_folder_per_list(library, tmp_path, e5_encoder):
    from index.library import Library
    from index.library_topics import VECTORS_PREFIX
    from index.topics import description_vectors
    from ingest import parse_file

    lib, encoder = library
    assert encoder.queries > 0  # the first ingestion encoded the descriptions
    kept = sorted(lib.home.glob(VECTORS_PREFIX + "*.npy"))
    assert len(kept) == 1
    assert np.allclose(np.load(kept[0]), description_vectors(lib.topic_list(), e5_encoder), atol=1e-6)
    # another process (a new Library) labels its first upload without encoding them again
    again = CountingEncoder(e5_encoder)
    other = Library.open(lib.home, parser=parse_file, encoder=again)
    extra = tmp_path / "them.txt"
    extra.write_text("KẾ HOẠCH số 9-KH/ĐU\nChi bộ tổ chức kiểm tra, giám sát đảng viên chấp hành Điều lệ Đảng "
                     "và học tập nghị quyết hằng tháng.", encoding="utf-8")
    assert not other.ingest([extra]).failed
    assert again.queries == 0 and again.passages > 0
    # a changed list gets its own vectors; the old file goes
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["topics"][0]["description"].append("Một câu mô tả thêm cho chủ đề này.")
    (lib.home / FILE_NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert other.recompute_topics() > 0
    now = sorted(lib.home.glob(VECTORS_PREFIX + "*.npy"))
    assert len(now) == 1 and now != kept and again.queries > 0
    kept[0].parent.joinpath(now[0].name).write_bytes(b"not a numpy file")  # damaged: encoded again
    fresh = CountingEncoder(e5_encoder)
    assert Library.open(lib.home, encoder=fresh).recompute_topics() > 0 and fresh.queries > 0


def test_index_from_before_topics_still_loads_and_says_what_to_run(library):
    from index.library import Library
    from index.library_write import SHARED_STORE

    lib, encoder = library
    store = lib.home / SHARED_STORE  # one store shared by the generations (issue 14)
    with sqlite3.connect(store) as conn:  # what an index built before topics holds
        conn.execute("DROP TABLE passage_topics")
        conn.execute("DELETE FROM meta WHERE key LIKE 'topics_%'")
    old = Library.open(lib.home, encoder=encoder)
    assert old.topic_status() == "Chỉ mục chưa gán chủ đề; chạy vankien topics --recompute."
    assert old.topic_counts() == [] and old.topic_hits("chuyen-doi-so") == []
    assert old.search("chi bộ", filters=SearchFilters(topics=("chuyen-doi-so",))) == []
    assert old.search("chi bộ")  # searching without topics is untouched
    assert old.recompute_topics() > 0 and old.topic_status() == "" and old.topic_counts()


def test_cli_topics_and_search_topic(library, capsys):
    from vankien.cli.main import main

    lib, _ = library
    assert main(["topics", "--index", str(lib.home)]) == 0
    out = capsys.readouterr().out
    assert "kiem-tra-giam-sat" in out and "Kiểm tra, giám sát" in out
    assert main(["search", "chi bộ", "--topic", "kiem tra", "--index", str(lib.home), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert {(h["doc_id"], h["ordinal"]) for h in hits} <= _topic_places(lib, "kiem-tra-giam-sat")
    assert main(["search", "chi bộ", "--topic", "không có", "--index", str(lib.home)]) == 2
    assert "không có chủ đề" in capsys.readouterr().err
    assert main(["topics", "--init", "--index", str(lib.home)]) == 0
    assert isinstance(parse_topics(json.loads((lib.home / FILE_NAME).read_text(encoding="utf-8"))), TopicList)


# --- the Chủ đề view's records ---------------------------------------------------------------------
def test_topic_service_counts_by_year_and_month_and_lists_newest_first(library):
    from vankien.services.topics import ALL, TopicService

    lib, _ = library
    service = TopicService(lib)
    view = service.overview()
    assert view.message == "" and len(view.topics) == len(lib.topic_list().topics)
    row = max(view.topics, key=lambda r: r.passages)
    assert row.passages == len(_topic_places(lib, row.key)) > 0
    page = service.browse(row.key, ALL)
    assert len(page.items) == row.passages and f"{row.passages} đoạn" in page.message
    dates = [i.date for i in page.items]
    assert dates == sorted(dates, reverse=True)
    years = [p for p in page.periods if len(p.value) == 4]
    assert sum(p.passages for p in years) + sum(p.passages for p in page.periods if p.value == "-") == row.passages
    year = years[0]
    in_year = service.browse(row.key, year.value)
    assert len(in_year.items) == year.passages and all(i.date.startswith(year.value) for i in in_year.items)
    assert year.label == f"Năm {year.value}" and in_year.message.startswith(f"Chủ đề «{row.label}»")
    assert service.browse("khong-co").message == "Hãy chọn một chủ đề."


# --- the evaluation --------------------------------------------------------------------------------
LABELLED = __import__("pathlib").Path(__file__).parent / "data" / "topics_labelled.json"


def test_labelled_set_is_large_enough_and_uses_the_shipped_keys():
    from vankien.evaluation.topics import gold_matrix, load_labelled

    passages = load_labelled(LABELLED)
    assert len(passages) >= 150 and len({p.id for p in passages}) == len(passages)
    assert {p.source.split("/")[0] for p in passages} == {"corpus", "shared"}  # project-written and real
    gold = gold_matrix(passages, load_topics(None).keys())
    assert gold.any(axis=1).sum() >= 120 and (~gold.any(axis=1)).sum() >= 20  # negatives too


def test_fitted_thresholds_reach_the_target_on_what_they_were_fitted_on():
    from vankien.evaluation.topics import fit_thresholds, precision_recall, predictions

    rng = np.random.default_rng(1)
    gold = rng.random((200, 3)) < 0.3
    scores = np.where(gold, 0.05, 0.0) + rng.normal(0, 0.02, gold.shape)  # positives score higher, overlapping
    thresholds = fit_thresholds(scores, gold, target=0.9)
    per, total = precision_recall(predictions(scores, thresholds, margin=1.0), gold, ("a", "b", "c"))
    assert all(r.precision >= 0.9 for r in per) and 0 < total.recall < 1
    few = fit_thresholds(scores[:, :1], np.zeros((200, 1), dtype=bool) | (np.arange(200) == 0)[:, None], 0.9)
    assert few[0] > scores[1:, 0].max()  # one positive: never fires on a labelled negative


@pytest.mark.slow
def test_shipped_thresholds_keep_80_percent_precision_on_the_labelled_set(e5_encoder):
    """scripts/eval_topics.py's figure (encodes the 194 passages: minutes on a busy 2-core PC)."""
    from index.topics import TopicLabeller
    from vankien.evaluation.topics import gold_matrix, load_labelled, precision_recall, predictions

    topics, passages = load_topics(None), load_labelled(LABELLED)
    scores = TopicLabeller(topics, e5_encoder).scores(e5_encoder.encode_passages([p.text for p in passages]))
    _, total = precision_recall(predictions(scores, topics.thresholds(), topics.margin),
                                gold_matrix(passages, topics.keys()), topics.keys())
    assert total.precision >= 0.8 and total.recall >= 0.3


def test_a_broken_topics_file_never_stops_ingestion(tmp_path):
    from index.library import Library
    from ingest import parse_file
    from tests.index_fixtures import RandomEncoder

    home = tmp_path / "index"
    home.mkdir()
    (home / FILE_NAME).write_text('{"topics": [{"key": "a"}]}', encoding="utf-8")  # no description
    lib = Library.open(home, parser=parse_file, encoder=RandomEncoder())
    report = lib.ingest([write_app_samples(tmp_path / "corpus")])
    assert report.count("added") == 4 and not report.failed
    assert lib.topic_status().startswith("Tệp danh sách chủ đề có lỗi:") and "description" in lib.topic_status()
    with pytest.raises(ValueError):
        lib.recompute_topics()  # says what to fix, builds nothing
    (home / FILE_NAME).write_text('{"topics": [{"key": "a", "description": "Chi bộ."}]}', encoding="utf-8")
    assert lib.recompute_topics() >= 0 and lib.topic_status() == ""  # once the file is fixed
