"""Passage roles: letterheads, signatures, recipients lists and web-page chrome are kept for the
full text and metadata but never ranked, quoted or offered for packs."""
from pathlib import Path

import pytest

from ingest import parse_text
from ingest.records import Passage
from ingest.roles import CHROME, CONTENT, HEADER, RECIPIENTS, SIGNATURE, assign_roles, header_end, passage_role

ROOT = Path(__file__).resolve().parents[1]

PARTY = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 45-CT/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 12 tháng 5 năm 2024

CHỈ THỊ
CỦA BAN BÍ THƯ
về tiếp tục nâng cao chất lượng sinh hoạt chi bộ
-----
Thời gian qua, các cấp ủy đã quan tâm lãnh đạo nâng cao chất lượng sinh hoạt chi bộ.

1. Chi bộ sinh hoạt thường kỳ mỗi tháng một lần, sinh hoạt chuyên đề ít nhất mỗi quý một lần.

Nơi nhận:
- Các tỉnh ủy, thành ủy,
- Lưu Văn phòng Trung ương Đảng.
T/M BAN BÍ THƯ
(đã ký)
Võ Minh Quang
"""

STATE = """QUỐC HỘI
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 36/2024/QH15
Hà Nội, ngày 27 tháng 6 năm 2024
LUẬT
TRẬT TỰ, AN TOÀN GIAO THÔNG ĐƯỜNG BỘ
"""

SAVED_PAGE = """Trang chủ
Giới thiệu
Tin tức
Liên hệ
Hội nghị sơ kết công tác xây dựng Đảng năm 2024
Sáng 5/7, Đảng ủy xã tổ chức hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm, đánh giá kết quả sinh hoạt chi bộ và đề ra nhiệm vụ 6 tháng cuối năm.

Bản quyền thuộc Cổng Thông tin điện tử Đảng bộ tỉnh Sông Lam
Giấy phép số 12/GP-TTĐT do Sở Thông tin và Truyền thông cấp
Chịu trách nhiệm nội dung: Trưởng Ban biên tập
Ghi rõ nguồn khi phát hành lại thông tin từ website này
"""


def test_party_and_state_letterheads():
    head = PARTY[:header_end(PARTY)]
    assert head.startswith("BAN CHẤP HÀNH") and head.endswith("ngày 12 tháng 5 năm 2024")
    head = STATE[:header_end(STATE)]
    assert head.endswith("ngày 27 tháng 6 năm 2024") and "LUẬT" not in head
    assert header_end("Thời gian qua, các cấp ủy đã quan tâm.\nSố 5 chi bộ đạt.") == 0
    assert header_end("BẢN TIN SINH HOẠT CHI BỘ\nNội dung chính") == 0  # no anchor: not a letterhead


def test_roles_of_a_party_document():
    doc = parse_text(PARTY, "ct45")
    roles = [p.role for p in doc.passages]
    assert roles[0] == HEADER and roles[-1] == RECIPIENTS and CONTENT in roles
    assert all(doc.text[p.start:p.end] == p.text for p in doc.passages)
    assert [p.ordinal for p in doc.passages] == list(range(len(doc.passages)))
    content = " ".join(p.text for p in doc.passages if p.role == CONTENT)
    assert content.startswith("CHỈ THỊ") and "Nơi nhận" not in content and "Số 45-CT/TW" not in content
    assert doc.metadata.number == "45-CT/TW" and doc.metadata.signer  # metadata still reads them


def test_signature_without_recipients_and_page_chrome():
    sig = Passage("d", 3, ("T/M BAN THƯỜNG VỤ",), (), 0, 40, "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n(đã ký)\nTrần Văn Lộc")
    assert passage_role(sig) == SIGNATURE
    doc = parse_text(SAVED_PAGE, "trang", max_tokens=40, min_tokens=0)
    roles = {p.role for p in doc.passages}
    assert CHROME in roles and CONTENT in roles
    footer = [p for p in doc.passages if "Bản quyền" in p.text]
    assert footer and all(p.role == CHROME for p in footer)
    article = [p for p in doc.passages if "hội nghị sơ kết" in p.text]
    assert article and all(p.role == CONTENT for p in article)


def test_ordinary_content_stays_content():
    text = ("3. Đồng chí được phân công chuẩn bị chuyên đề gửi dự thảo trước 07 ngày; buổi sinh hoạt dành "
            "phần lớn thời gian cho thảo luận, liên hệ thực tế.\nĐảng viên đăng nhập ứng dụng, chia sẻ tài liệu.")
    passages = assign_roles(text, (Passage("d", 0, (), (), 0, len(text), text),))
    assert [p.role for p in passages] == [CONTENT]


@pytest.fixture(scope="module")
def corpus_docs():
    from ingest import parse_file

    files = [p for p in sorted((ROOT / "corpus").iterdir()) if p.suffix in (".pdf", ".docx", ".txt")]
    assert files, "corpus/ is part of the repository"
    return {p.name: parse_file(p) for p in files}


def test_sample_corpus_roles(corpus_docs):
    for name, doc in corpus_docs.items():
        roles = [p.role for p in doc.passages]
        assert roles.count(CONTENT) >= 2, name
        if "ĐẢNG CỘNG SẢN VIỆT NAM" in doc.text[:300]:
            assert roles[0] == HEADER, name
        if "Nơi nhận" in doc.text:
            assert roles[-1] == RECIPIENTS, name
        assert CHROME not in roles, name


def test_search_ranks_content_only(answer_library):
    lib = answer_library
    for query in ("chỉ thị 45", "45-CT/TW", "kế hoạch 27", "Nơi nhận Ban Bí thư Võ Minh Quang"):
        hits = lib.search(query, 10)
        assert hits, query
        roles = {p.ordinal: p.role for p in lib.document(hits[0].doc_id).passages}
        assert all({p.ordinal: p.role for p in lib.document(h.doc_id).passages}[h.ordinal] == CONTENT
                   for h in hits), query
        assert roles[hits[0].ordinal] == CONTENT
    top = lib.search("chỉ thị 45", 3)[0]
    assert top.number == "45-CT/TW" and "Nơi nhận" not in top.text
    full = lib.document(top.doc_id)
    assert "Nơi nhận" in full.text and "Số 45-CT/TW" in full.text  # the full text keeps everything
