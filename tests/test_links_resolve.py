"""Links between documents: resolution by canonical number, never across differing numbers."""
from __future__ import annotations

import pytest

from index.records import DocumentInfo
from ingest.records import DocumentHeader
from vntext.docnumber import normalize_doc_number
from ingest.records import Reference
from vankien.answers.links import (REL_IMPLEMENTED, REL_MENTIONED, LinkGraph, coverage, find_document,
                           is_news_doc, links_of, resolve)


def _doc(doc_id, doc_type, number, issuer="", date="", title=""):
    header = DocumentHeader(doc_type, number, date, issuer, title or f"{doc_type} {number}")
    return DocumentInfo(doc_id, header, "", "text", 1, "")


def _ref(doc_type, number, date="", issuer=""):
    return Reference(doc_type, number, date, issuer, 0, 10)


DOCS = [
    _doc("ct45", "Chỉ thị", "45-CT/TW", "Ban Bí thư", "2024-05-12"),
    _doc("kh08-xa-a", "Kế hoạch", "08-KH/ĐU", "Đảng ủy xã Diên Khánh", "2025-10-07"),
    _doc("kh08-xa-b", "Kế hoạch", "08-KH/ĐU", "Đảng ủy xã Hòa An", "2024-03-01"),
    _doc("kh12-2023", "Kế hoạch", "12-KH/ĐU", "Đảng ủy xã Hòa An", "2023-02-01"),
    _doc("kh12-2024", "Kế hoạch", "12-KH/ĐU", "Đảng ủy xã Hòa An", "2024-08-20"),
    _doc("tin-45", "", "45-CT/TW", "", "", "Tin bài: sơ kết 1 năm Chỉ thị 45-CT/TW"),
]


def test_resolves_by_canonical_number_in_any_variant():
    assert resolve(_ref("Chỉ thị", "45/CT-TW"), DOCS).doc_id == "ct45"
    assert resolve(_ref("Chỉ thị", "45-ct/tw", "2024-05-12", "Ban Bí thư"), DOCS).doc_id == "ct45"


def test_differing_numbers_are_never_linked():
    for number in ("46-CT/TW", "45-CT/TU", "45-KL/TW", "450-CT/TW", "4-CT/TW", "45"):
        assert resolve(_ref("Chỉ thị", number, "2024-05-12", "Ban Bí thư"), DOCS) is None


def test_collisions_are_settled_by_date_then_issuer_or_left_unresolved():
    assert resolve(_ref("Kế hoạch", "08-KH/ĐU", "2025-10-07"), DOCS).doc_id == "kh08-xa-a"
    assert resolve(_ref("Kế hoạch", "08-KH/ĐU", "", "Ban Thường vụ Đảng ủy xã Hòa An"), DOCS).doc_id == "kh08-xa-b"
    assert resolve(_ref("Kế hoạch", "08-KH/ĐU"), DOCS) is None  # two candidates, nothing to choose by
    assert resolve(_ref("Kế hoạch", "12-KH/ĐU", "2024-08-20", "Đảng ủy xã Hòa An"), DOCS).doc_id == "kh12-2024"


def test_a_contradicting_date_or_type_is_not_linked():
    assert resolve(_ref("Chỉ thị", "45-CT/TW", "2019-01-01"), DOCS) is None
    assert resolve(_ref("Chỉ thị", "45-CT/TW"), [_doc("kl", "Kết luận", "45-CT/TW")]) is None
    assert resolve(_ref("Chỉ thị", "45-CT/TW"), [_doc("x", "", "45-CT/TW")]) is None  # type unread


def test_the_code_in_the_number_names_the_type():
    # Words read around a reference can belong to its neighbour ("Kế hoạch ... Chỉ thị số 45-CT/TW").
    assert resolve(_ref("Kế hoạch", "45-CT/TW"), DOCS).doc_id == "ct45"


def test_news_reports_are_never_the_document_a_number_means():
    assert is_news_doc(DOCS[-1])
    assert is_news_doc(_doc("2024-08-28-ban-tin-sinh-hoat-chi-bo-so-9-2024", "", "9/2024"))
    assert not is_news_doc(DOCS[0])
    only_news = [DOCS[-1]]
    assert resolve(_ref("Chỉ thị", "45-CT/TW"), only_news) is None


def test_a_document_does_not_cite_itself():
    assert resolve(_ref("Chỉ thị", "45-CT/TW"), DOCS, citing_id="ct45") is None


def test_relation_implemented_or_mentioned():
    plan = _doc("kh27", "Kế hoạch", "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10")
    text = "Thực hiện Chỉ thị số 45-CT/TW, ngày 12/5/2024 của Ban Bí thư, Ban Thường vụ Tỉnh ủy ban hành."
    start = text.index("Chỉ thị")
    refs = [Reference("Chỉ thị", "45-CT/TW", "2024-05-12", "Ban Bí thư", start, start + 22)]
    (link,) = links_of(plan, text, refs, DOCS)
    assert link.target_id == "ct45" and link.relation == REL_IMPLEMENTED
    assert link.context.startswith("Thực hiện Chỉ thị số 45-CT/TW")
    bulletin = _doc("ban-tin-9", "Bản tin", "", "Đảng ủy xã Hòa An", "2024-08-28")
    (link,) = links_of(bulletin, text, refs, DOCS)
    assert link.target_id == "ct45" and link.relation == REL_MENTIONED


# ---- over the seeds and the sample corpus

def _by_number(lib, number):
    docs = [d for d in lib.documents() if d.number == number and not is_news_doc(d)]
    assert docs, f"no document numbered {number} in corpus/: a metadata regression?"
    return docs[0]


def test_each_directive_shows_the_documents_that_implement_it(answer_library):
    graph = LinkGraph.build(answer_library)
    ct45 = _by_number(answer_library, "45-CT/TW")
    links = graph.for_document(ct45.doc_id)
    implementing = {graph.docs[x.source_id].number for x in links.cited_by if x.relation == REL_IMPLEMENTED}
    assert {"27-KH/TU", "12-KH/ĐU", "05-HD/BTCTU", "03-QĐ/ĐU"} <= implementing
    mentioned = [x.source_id for x in links.cited_by if x.relation == REL_MENTIONED]
    assert mentioned and all(is_news_doc(graph.docs[d]) for d in mentioned)
    kl112 = _by_number(answer_library, "112-KL/TW")
    implementing = {graph.docs[x.source_id].number for x in graph.for_document(kl112.doc_id).cited_by
                    if x.relation == REL_IMPLEMENTED}
    assert "41-KH/TU" in implementing
    kh27 = _by_number(answer_library, "27-KH/TU")
    assert ct45.doc_id in {x.target_id for x in graph.for_document(kh27.doc_id).cites}


def test_no_link_joins_documents_whose_numbers_differ(answer_library):
    graph = LinkGraph.build(answer_library)
    resolved = [x for x in graph.links if x.target_id]
    assert resolved
    for link in resolved:
        assert normalize_doc_number(graph.docs[link.target_id].number) == normalize_doc_number(link.number)
        assert link.target_id != link.source_id


def test_find_document_by_id_number_or_title(answer_library):
    ct45 = _by_number(answer_library, "45-CT/TW")
    assert find_document(answer_library, ct45.doc_id).doc_id == ct45.doc_id
    assert find_document(answer_library, "45/CT-TW").doc_id == ct45.doc_id
    assert find_document(answer_library, "không có văn bản này") is None


def test_coverage_lists_bulletins_that_covered_a_directive_by_date(answer_library):
    _by_number(answer_library, "45-CT/TW")
    label, items = coverage(answer_library, "45/CT-TW")
    assert label == "45-CT/TW"
    cited = [c for c in items if c.how == "nêu số hiệu"]
    assert len(cited) >= 4
    docs = {d.doc_id: d for d in answer_library.documents()}
    assert all(is_news_doc(docs[c.doc_id]) for c in items)
    dated = [c.date for c in cited if c.date]
    assert dated == sorted(dated)
    assert all("45-CT/TW" in c.context for c in cited)


def test_coverage_of_a_topic(answer_library):
    _by_number(answer_library, "45-CT/TW")
    label, items = coverage(answer_library, "Sổ tay đảng viên điện tử")
    assert label == "Sổ tay đảng viên điện tử" and items
    with pytest.raises(ValueError):
        coverage(answer_library, " ")


# ---- issue 11: names in any form, Quy định, self-citation, coverage dates

def test_a_quy_dinh_numbered_qd_is_linked_as_a_quy_dinh():
    docs = DOCS + [_doc("qd294", "Quy định", "294-QĐ/TW", "Ban Chấp hành Trung ương", "2025-05-26")]
    assert resolve(_ref("Quy định", "294-QĐ/TW"), docs).doc_id == "qd294"
    assert resolve(_ref("", "294/QĐ-TW", "2025-05-26"), docs).doc_id == "qd294"  # the code alone: either
    assert resolve(_ref("Quyết định", "294-QĐ/TW"), docs) is None  # the words say another type
    assert find_document(type("L", (), {"documents": lambda self: docs})(), "quy dinh 294").doc_id == "qd294"


def test_a_document_never_lists_itself():
    qd = _doc("qd294", "Quy định", "294-QĐ/TW", "Ban Chấp hành Trung ương", "2025-05-26")
    text = "QUY ĐỊNH số 294-QĐ/TW về thi hành Điều lệ Đảng; căn cứ Chỉ thị số 45-CT/TW."
    refs = [Reference("Quy định", "294-QĐ/TW", "", "", 11, 20), Reference("Chỉ thị", "45-CT/TW", "", "", 60, 68)]
    assert [x.number for x in links_of(qd, text, refs, DOCS + [qd])] == ["45-CT/TW"]


def test_find_document_by_any_name(answer_library):
    kl112 = _by_number(answer_library, "112-KL/TW")
    for name in ("Kết luận 112", "ket luan 112", "KL 112", "112/KL-TW"):
        assert find_document(answer_library, name).doc_id == kl112.doc_id, name
    qd03 = _by_number(answer_library, "03-QĐ/ĐU")
    assert find_document(answer_library, "quy định 3").doc_id == qd03.doc_id


def test_quy_dinh_is_cited_and_cites_in_the_sample_corpus(answer_library):
    graph = LinkGraph.build(answer_library)
    qd03 = _by_number(answer_library, "03-QĐ/ĐU")
    links = graph.for_document(qd03.doc_id)
    assert {graph.docs[x.source_id].number for x in links.cited_by} >= {"58-TB/ĐU"}
    assert all(x.number != "03-QĐ/ĐU" for x in links.cites)  # not "chưa có trong chỉ mục" about itself


def test_coverage_of_ket_luan_112_never_counts_earlier_bulletins(answer_library):
    kl112 = _by_number(answer_library, "112-KL/TW")
    label, items = coverage(answer_library, "Kết luận 112")
    assert label == "112-KL/TW"
    covered = [c for c in items if c.covered]
    assert len(covered) >= 3 and all(c.how in ("nêu số hiệu", "nêu tên") for c in covered)
    assert all(c.date >= kl112.date for c in items if c.date)  # nothing before it, covered or related
    docs = {d.doc_id: d for d in answer_library.documents()}
    earlier = [d for d in docs.values() if is_news_doc(d) and d.date and d.date < kl112.date]
    assert earlier and not {d.doc_id for d in earlier} & {c.doc_id for c in items}
    # the bulletins that print 112-KL/TW are marked as citing it
    citing = {d.doc_id for d in docs.values() if is_news_doc(d)
              and "112-KL/TW" in answer_library.document(d.doc_id).text}
    assert citing and citing <= {c.doc_id for c in covered}
    for other in ("KL 112", "112/KL-TW", "ket luan so 112"):
        assert [c.doc_id for c in coverage(answer_library, other)[1] if c.covered] == [c.doc_id for c in covered]


def test_coverage_by_an_unambiguous_name_only():
    class Lib:
        def __init__(self, docs, texts):
            self.docs, self.texts = docs, texts

        def documents(self):
            return self.docs

        def document(self, doc_id):
            return type("S", (), {"text": self.texts.get(doc_id, ""), "references": ()})()

        def search(self, query, k=10):
            return []

    kl = _doc("kl112", "Kết luận", "112-KL/TW", "Ban Bí thư", "2025-01-14")
    news = [_doc("bt-3", "Bản tin", "", "", "2025-03-01", "Bản tin số 3/2025"),
            _doc("bt-1", "Bản tin", "", "", "2024-12-01", "Bản tin số 12/2024")]
    texts = {"bt-3": "Chi bộ quán triệt Kết luận 112 của Ban Bí thư.", "bt-1": "Chi bộ quán triệt Kết luận 112."}
    label, items = coverage(Lib([kl] + news, texts), "Kết luận 112")
    assert [(c.doc_id, c.how) for c in items] == [("bt-3", "nêu tên")]  # bt-1 predates the Kết luận
    other = _doc("kl112-tu", "Kết luận", "112-KL/TU", "Tỉnh ủy", "2025-02-01")
    label, items = coverage(Lib([kl, other] + news, texts), "112-KL/TW")
    assert items == []  # "Kết luận 112" could be either: not counted
