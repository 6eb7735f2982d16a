"""One document in two files is indexed once with both files listed; a metadata correction survives
re-ingestion (issue 12, item 7)."""
import shutil
from pathlib import Path

import pytest

from index.library import Library
from index.records import SearchFilters
from vankien.cli.main import main
from tests.index_fixtures import RandomEncoder as _FakeEncoder

REAL = Path(__file__).resolve().parent / "data" / "real_docs"


def _lib(tmp_path) -> Library:
    return Library.open(tmp_path / "idx", encoder=_FakeEncoder())


PLAN = """TỈNH ỦY SÔNG LAM
*
Số 27-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Sông Lam, ngày 10 tháng 7 năm 2024
KẾ HOẠCH
thực hiện Chỉ thị số 45-CT/TW của Ban Bí thư
-----
I. MỤC ĐÍCH, YÊU CẦU
1. Quán triệt sâu sắc nội dung Chỉ thị đến từng chi bộ, đảng viên; nâng cao chất lượng sinh hoạt chi bộ.
2. Ứng dụng Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, bảo đảm an toàn thông tin.
II. NHIỆM VỤ, GIẢI PHÁP
Các đảng ủy trực thuộc xây dựng kế hoạch thực hiện, báo cáo kết quả về Ban Thường vụ Tỉnh ủy.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Lê Thị Minh Hạnh
"""


SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def _decree_pdf(md: Path, out: Path) -> Path:
    """The decree of the labelled Markdown excerpt laid out as a PDF the way the signed original
    prints it: the two header columns, then the text, in a serif with Vietnamese glyphs."""
    import pymupdf

    lines = [line for line in md.read_text(encoding="utf-8").splitlines()[1:] if line and "---|" not in line]
    body = "\n".join(lines[2:])
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    font = {"fontname": "serif", "fontfile": str(SERIF), "fontsize": 11}
    page.insert_textbox(pymupdf.Rect(60, 50, 250, 110), "CHÍNH PHỦ\n--------\nSố: 55/2023/NĐ-CP", align=1, **font)
    page.insert_textbox(pymupdf.Rect(260, 50, 560, 110), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                        "Độc lập - Tự do - Hạnh phúc\n---------------\nHà Nội, ngày 21 tháng 7 năm 2023",
                        align=1, **font)
    page.insert_textbox(pymupdf.Rect(60, 130, 540, 800), body, **font)
    doc.save(out)
    return out


@pytest.mark.skipif(not SERIF.exists(), reason="DejaVu Serif (Vietnamese glyphs) not installed")
def test_same_document_in_two_formats_is_kept_once_with_both_files(tmp_path):
    md = REAL / "55_2023_ND_CP_preamble.md"
    pdf = _decree_pdf(md, tmp_path / "55_ND_CP_21072023_2_signed.pdf")
    lib = _lib(tmp_path)
    report = lib.ingest([pdf, md])
    assert [o.status for o in report.outcomes] == ["added", "duplicate"]
    dup = report.outcomes[1]
    assert dup.reason.startswith(f"trùng với {report.outcomes[0].doc_id}") and "55/2023/NĐ-CP" in dup.reason
    assert len(lib.documents()) == 1
    assert [Path(p).name for p in lib.copies(dup.doc_id)] == [pdf.name, md.name]
    again = lib.ingest([pdf, md])
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]


def test_near_identical_text_is_a_duplicate_and_two_communes_plans_are_not(tmp_path):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAN.replace("Số 27-KH/TU\n", "") + "(Bản lưu)\n", encoding="utf-8")
    other = PLAN.replace("TỈNH ỦY SÔNG LAM", "TỈNH ỦY LAM HỒNG").replace("Sông Lam, ngày", "Lam Hồng, ngày")
    (tmp_path / "c.txt").write_text(other.replace("Quán triệt sâu sắc", "Phổ biến"), encoding="utf-8")
    lib = _lib(tmp_path)
    report = lib.ingest([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"])
    assert [o.status for o in report.outcomes] == ["added", "duplicate", "added"]
    assert "nội dung gần như trùng" in report.outcomes[1].reason


def test_the_same_text_under_another_number_is_another_document(tmp_path):
    """A plan copied from a template keeps its own number: two numbers, two documents."""
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAN.replace("27-KH/TU", "28-KH/TU"), encoding="utf-8")
    report = _lib(tmp_path).ingest([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert [o.status for o in report.outcomes] == ["added", "added"]


def test_correction_survives_reingestion_and_feeds_the_filters(tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_text(PLAN.replace("Số 27-KH/TU", "Số 27 KH"), encoding="utf-8")  # a number parsing cannot read
    lib = _lib(tmp_path)
    (outcome,) = lib.ingest([path]).outcomes
    doc_id = outcome.doc_id
    assert lib.documents()[0].number != "27-KH/TU"
    info = lib.correct(doc_id, number="27-kh/tu", date="10/7/2024", issuer="Tỉnh ủy Sông Lam",
                       doc_type="Kế hoạch", title="Kế hoạch 27-KH/TU thực hiện Chỉ thị 45")
    assert (info.number, info.date, info.issuer, info.doc_type, info.title) == (
        "27-KH/TU", "2024-07-10", "Tỉnh ủy Sông Lam", "Kế hoạch", "Kế hoạch 27-KH/TU thực hiện Chỉ thị 45")
    assert lib.document(doc_id).metadata.number == "27-KH/TU"
    assert {h.doc_id for h in lib.search("kế hoạch", 5, SearchFilters(number="27-KH/TU"))} == {doc_id}
    path.write_text(path.read_text(encoding="utf-8") + "III. TỔ CHỨC THỰC HIỆN\nVăn phòng Tỉnh ủy theo dõi.\n",
                    encoding="utf-8")
    assert [o.status for o in lib.ingest([path]).outcomes] == ["updated"]
    assert lib.documents()[0].number == "27-KH/TU" and lib.corrections(doc_id)["number"] == "27-KH/TU"
    reopened = Library.open(tmp_path / "idx")  # the model is not needed to list or correct
    assert reopened.documents()[0].issuer == "Tỉnh ủy Sông Lam"
    undone = reopened.correct(doc_id, number="")
    assert undone.number != "27-KH/TU" and undone.date == "2024-07-10"
    with pytest.raises(ValueError, match="ngày"):
        reopened.correct(doc_id, date="hôm qua")


def test_cli_correct(tmp_path, capsys):
    shutil.copy(REAL / "62_2011_QD_TTg_preamble.md", tmp_path / "qd.md")
    lib = _lib(tmp_path)
    (outcome,) = lib.ingest([tmp_path / "qd.md"]).outcomes
    index = str(tmp_path / "idx")
    assert main(["correct", outcome.doc_id, "--issuer", "Thủ tướng Chính phủ (khóa XIII)", "--index", index]) == 0
    assert "Đã sửa" in capsys.readouterr().out
    assert Library.open(tmp_path / "idx").documents()[0].issuer == \
        "Thủ tướng Chính phủ (khóa XIII)"
    assert main(["correct", "khong-co", "--number", "1-KH/TU", "--index", index]) == 1
    assert main(["correct", outcome.doc_id, "--index", index]) == 2


def test_near_identical_candidates_come_from_sketches_and_older_indexes_still_find_theirs(tmp_path):
    """At 10^6 passages reading every stored text to find near-identical candidates made one upload
    take seconds (issue 14): candidates now come from each document's shingle sketch. A document
    stored before sketches were kept is still compared (its text read), until a merge sketches it."""
    from index.duplicates import jaccard, shingles, sketch, sketch_matches_needed
    from index.store import Store

    copy = PLAN.replace("Số 27-KH/TU\n", "") + "(Bản lưu)\n"
    assert jaccard(shingles(PLAN), shingles(copy)) >= 0.9
    shared = len(set(sketch(PLAN)) & set(sketch(copy)))
    assert shared >= sketch_matches_needed(len(sketch(copy))) and sketch(PLAN) == sketch(PLAN)
    other = "Báo cáo tổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Tân Phú, huyện Lam Hồng."
    assert len(set(sketch(other)) & set(sketch(copy))) < sketch_matches_needed(len(sketch(copy)))

    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(copy, encoding="utf-8")
    lib = _lib(tmp_path)
    lib.ingest([tmp_path / "a.txt"])
    store = Store(tmp_path / "idx" / "store.sqlite")
    assert store.get_meta("sketched") == "all"  # a new index: every document gets its sketch
    store.conn.execute("DELETE FROM doc_sketch")  # as an index built before sketches were kept
    store.conn.execute("DELETE FROM meta WHERE key = 'sketched'")
    store.commit()
    store.close()
    report = lib.ingest([tmp_path / "b.txt"])
    assert [o.status for o in report.outcomes] == ["duplicate"]
    lib.merge()  # sketches the older document
    store = Store(tmp_path / "idx" / "store.sqlite")
    assert store.conn.execute("SELECT count(DISTINCT doc_id) FROM doc_sketch").fetchone()[0] == 1
    assert store.get_meta("sketched") == "all" and store.unsketched() == []  # no more walks over every document
    store.close()
    (tmp_path / "c.txt").write_text(PLAN.replace("Số 27-KH/TU\n", ""), encoding="utf-8")
    assert [o.status for o in lib.ingest([tmp_path / "c.txt"]).outcomes] == ["duplicate"]  # by its sketch
