"""The one document-name parser: every form a user or a document writes names one document."""
import pytest

from vntext.docname import DocName, name_of, named_documents, parse_name, parse_names


@pytest.mark.parametrize("text, doc_type, number, canonical, label", [
    ("chỉ thị 45", "Chỉ thị", "45", "", "Chỉ thị 45"),
    ("CT 45", "Chỉ thị", "45", "", "CT 45"),
    ("Kết luận 112", "Kết luận", "112", "", "Kết luận 112"),
    ("nghi quyet 15", "Nghị quyết", "15", "", "Nghị quyết 15"),
    ("quy dinh 294", "Quy định", "294", "", "Quy định 294"),
    ("QĐ 294-QĐ/TW", "Quyết định", "294", "294-QĐ/TW", "294-QĐ/TW"),
    ("50/CT-TW", "Chỉ thị", "50", "50-CT/TW", "50-CT/TW"),
    ("50 ct tw", "Chỉ thị", "50", "50-CT/TW", "50-CT/TW"),
    ("số 38 - HD/BTCTW", "Hướng dẫn", "38", "38-HD/BTCTW", "38-HD/BTCTW"),
    ("Nghị quyết 66/NQ-CP", "Nghị quyết", "66", "66/NQ-CP", "66/NQ-CP"),
    ("09/2025/QĐ-TTg", "Quyết định", "9", "09/2025/QĐ-TTg", "09/2025/QĐ-TTg"),
    ("Quy định số 294-QĐ/TW, ngày 26/5/2025", "Quy định", "294", "294-QĐ/TW", "294-QĐ/TW"),
    ("Quy định 37-QĐi/TW", "Quy định", "37", "37-QĐI/TW", "37-QĐI/TW"),
    ("chi thi so 05 cua ban bi thu", "Chỉ thị", "5", "", "Chỉ thị 5"),
])
def test_forms(text, doc_type, number, canonical, label):
    name = parse_name(text)
    assert name is not None, text
    assert (name.doc_type, name.number, name.canonical, name.label) == (doc_type, number, canonical, label)


@pytest.mark.parametrize("text", ["sinh hoạt chi bộ", "kế hoạch 2025 của chi bộ", "tuyen 50 dang vien",
                                  "ngày 12/5/2024", "xyz qwerty blockchain", "", "Điều 5 khoản 2"])
def test_no_name(text):
    assert parse_names(text) == ()


def test_words_decide_quy_dinh_and_code_decides_alone():
    stored_quy_dinh = ("Quy định", "294-QĐ/TW")
    stored_quyet_dinh = ("Quyết định", "294-QĐ/TW")
    assert parse_name("quy dinh 294").matches(*stored_quy_dinh)
    assert not parse_name("quy dinh 294").matches(*stored_quyet_dinh)
    assert parse_name("Quyết định 294-QĐ/TW").matches(*stored_quyet_dinh)
    assert not parse_name("Quyết định 294-QĐ/TW").matches(*stored_quy_dinh)
    # the code alone: QĐ is printed on both types
    assert parse_name("QĐ 294-QĐ/TW").matches(*stored_quy_dinh)
    assert parse_name("QĐ 294").matches(*stored_quyet_dinh)
    # words naming a type never printed with the code belong to a neighbour: the code decides
    chi_thi_then_plan = parse_names("Chỉ thị số 45-CT/TW và 12-KH/ĐU")
    assert [n.doc_type for n in chi_thi_then_plan] == ["Chỉ thị", "Kế hoạch"]


def test_matching_stored_numbers():
    name = parse_name("chỉ thị 45")
    assert name.matches("Chỉ thị", "45-CT/TW")
    assert name.matches("", "45-CT/TW")  # type not read: the number's code agrees
    assert not name.matches("Kế hoạch", "45-KH/TU")
    assert not name.matches("Chỉ thị", "145-CT/TW")
    assert parse_name("50/CT-TW").matches("Chỉ thị", "50-CT/TW")
    assert not parse_name("50/CT-TW").matches("Chỉ thị", "50-CT/TU")
    assert parse_name("66/NQ-CP").matches("Nghị quyết", "66/NQ-CP")
    assert parse_name("nghị quyết 15").matches("Nghị quyết", "15-NQ/TU")
    assert not parse_name("nghị quyết 15").matches("Nghị quyết", "")


def test_named_documents_and_stored_names():
    class Doc:
        def __init__(self, doc_type, number):
            self.doc_type, self.number = doc_type, number

    docs = [Doc("Chỉ thị", "45-CT/TW"), Doc("Kế hoạch", "12-KH/ĐU"), Doc("Quy định", "03-QĐ/ĐU"), Doc("", "")]
    assert named_documents(parse_names("quy định 3 và CT 45"), docs) == [docs[0], docs[2]]
    assert name_of("Quy định", "03-QĐ/ĐU") == DocName("Quy định", "3", "QĐ", "ĐU", "", "03-QĐ/ĐU", True, False)
    assert name_of("", "không có số") is None
