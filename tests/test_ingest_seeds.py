"""Metadata, references and passages of the three real seed documents in ../shared."""
from pathlib import Path

import pytest

from ingest import parse_file, parse_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"

pytestmark = [pytest.mark.seeds, pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} not present")]


@pytest.fixture(scope="module")
def seeds():
    return {p.name[:3]: parse_file(p) for p in sorted(SEEDS.glob("*.txt"))}


def test_tien_giang_plan(seeds):
    m = seeds["004"].metadata
    assert (m.doc_type, m.number, m.issuer, m.date, m.place) == (
        "Kế hoạch", "95-KH/TU", "Tỉnh ủy Tiền Giang", "2023-04-28", "Tiền Giang")
    assert m.subject.startswith("Tổng kết 35 năm")
    assert m.title.startswith("Kế hoạch 95-KH/TU: Tổng kết 35 năm")
    assert m.signer_capacity == "T/M BAN THƯỜNG VỤ"
    assert m.signer == ""  # no name printed: not guessed
    assert seeds["004"].doc_id == "004_804e439749c42cb2"


def test_dien_khanh_guidance(seeds):
    m = seeds["001"].metadata
    assert m.doc_type == "Hướng dẫn"
    assert m.signer == "Nguyễn Thị Kim Hương"
    assert m.signer_capacity == "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ"
    assert m.number == "" and m.date == ""  # not in the text


def test_news_report(seeds):
    m = seeds["002"].metadata
    assert (m.doc_type, m.date, m.author) == ("Tin bài", "2024-07-11", "Hữu Toàn")
    assert m.title.startswith("Tiếp tục đổi mới công tác biên soạn")


def test_references_across_seeds(seeds):
    found = {r.number for d in seeds.values() for r in d.references}
    expected = {"254-KH/BTGTW", "18-KL/TW", "10-CT/TW", "21-NQ/TW", "50-CT/TW", "07-HD/BTGDV",
                "08-KH/ĐU", "16-KH/ĐU", "12-HD/BTCTW"}
    assert expected <= found
    assert "95-KH/TU" not in {r.number for r in seeds["004"].references}  # its own number
    ref = next(r for r in seeds["001"].references if r.number == "50-CT/TW")
    assert (ref.doc_type, ref.date, ref.issuer) == ("Chỉ thị", "2025-07-23", "Ban Bí thư")
    assert seeds["001"].text[ref.start:ref.end] == "Chỉ thị số 50-CT/TW, ngày 23/7/2025 của Ban Bí thư"


def test_passage_invariants_and_headings(seeds):
    for doc in seeds.values():
        assert doc.passages
        assert doc.text.count("[bookmark") == 0
        for i, p in enumerate(doc.passages):
            assert p.ordinal == i and p.doc_id == doc.doc_id
            assert p.text == doc.text[p.start:p.end]
            assert len(p.text.split()) <= 280
    paths = [p.heading_path for p in seeds["004"].passages]
    assert paths[0] == ()  # front matter
    assert ("II. NỘI DUNG", "1. Nội dung tổng kết") in paths
    tops = {p.heading_path[0] for p in seeds["004"].passages if p.heading_path}
    assert {"I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN"} <= tops
    for p in seeds["004"].passages:  # never across two top-level sections
        assert sum(p.text.count(h) for h in ("I. MỤC ĐÍCH", "II. NỘI DUNG", "III. TỔ CHỨC")) <= 1


def test_parse_text_with_title(seeds):
    doc = parse_text(seeds["004"].text, "beir-1", title="Một tiêu đề")
    assert doc.metadata.title == "Một tiêu đề"
    assert doc.metadata.number == "95-KH/TU"
    assert [p.text for p in doc.passages] == [p.text for p in seeds["004"].passages]
    with pytest.raises(ValueError):
        parse_text("   ", "empty")
