"""Thematic-meeting packs: grouping and order, and the DOCX handout read back with python-docx."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from index.records import SearchHit
from ingest.records import DocumentHeader
from vankien.answers.pack import build_pack, export_docx, export_markdown, group_hits, is_central, make_handout


def _hit(doc_id, ordinal, number, issuer, date, doc_type="Kế hoạch", text=None):
    text = text or f"Đoạn {ordinal} của {number}: nâng cao chất lượng sinh hoạt chi bộ."
    return SearchHit(doc_id=doc_id, ordinal=ordinal,
                     header=DocumentHeader(doc_type, number, date, issuer, title=f"{doc_type} {number}"),
                     heading_path=("II. NHIỆM VỤ", "1. Nội dung"),
                     pages=(2, 3), text=text, score=1.0, start=0, end=len(text))


def test_central_documents_first_then_newest_first():
    hits = [
        _hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10"),
        _hit("ct45", 5, "45-CT/TW", "Ban Bí thư", "2024-05-12", "Chỉ thị"),
        _hit("kh41", 1, "41-KH/TU", "Tỉnh ủy Sông Lam", "2025-02-20"),
        _hit("kl112", 2, "112-KL/TW", "Ban Chấp hành Trung ương", "2025-01-14", "Kết luận"),
        _hit("kh27", 1, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10"),
    ]
    pack = group_hits("sinh hoạt chi bộ", hits)
    assert [g.doc_id for g in pack.groups] == ["kl112", "ct45", "kh41", "kh27"]
    assert [g.central for g in pack.groups] == [True, True, False, False]
    assert [i.ordinal for i in pack.groups[-1].items] == [1, 3]  # document order inside a group


def test_is_central():
    assert is_central("Ban Bí thư", "")
    assert is_central("Bộ Chính trị", "")
    assert is_central("Ban Chấp hành Trung ương", "")
    assert is_central("", "50-CT/TW")
    assert not is_central("Tỉnh ủy Sông Lam", "27-KH/TU")
    assert not is_central("Đảng ủy xã Hòa An", "12-KH/ĐU")


def test_handout_keeps_the_chosen_order_and_skips_unknown_keys():
    pack = group_hits("t", [_hit("a", 1, "1-KH/TU", "Tỉnh ủy", "2024-01-01"),
                            _hit("b", 2, "2-KH/TU", "Tỉnh ủy", "2024-02-01")])
    handout = make_handout(pack, keep=["a#1", "zzz#9", "b#2", "a#1"], note="Ghi chú")
    assert [i.key for i in handout.items] == ["a#1", "b#2"]
    assert make_handout(pack).items == tuple(pack.items())


def test_docx_holds_every_chosen_passage_with_its_full_citation(tmp_path):
    hits = [_hit("ct45", 5, "45-CT/TW", "Ban Bí thư", "2024-05-12", "Chỉ thị",
                 "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.\nSinh hoạt chuyên đề ít nhất mỗi quý một lần."),
            _hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10", text="Nội dung <script>x</script> & thử")]
    pack = group_hits("sinh hoạt chi bộ", hits)
    handout = make_handout(pack, keep=["kh27#3", "ct45#5"], note="Đọc trước khi họp.")
    path = export_docx(handout, tmp_path / "tai-lieu.docx")
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    full = "\n".join(paragraphs)
    assert paragraphs[0] == "TÀI LIỆU SINH HOẠT CHUYÊN ĐỀ"
    assert "Chuyên đề: sinh hoạt chi bộ" in paragraphs and "Ghi chú: Đọc trước khi họp." in paragraphs
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes == ["Nội dung <script>x</script> & thử",
                      "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.\nSinh hoạt chuyên đề ít nhất mỗi quý một lần."]
    assert "— Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam — mục II.1, tr. 2–3" in paragraphs
    assert "— Chỉ thị số 45-CT/TW ngày 12/5/2024 của Ban Bí thư — mục II.1, tr. 2–3" in paragraphs
    i = paragraphs.index("Danh mục tài liệu")
    sources = [p.text for p in doc.paragraphs[i + 1:] if p.style.name == "List Number"]
    assert sources == ["Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam",
                       "Chỉ thị số 45-CT/TW ngày 12/5/2024 của Ban Bí thư"]
    assert "sinh hoạt chi bộ" in doc.core_properties.title
    assert not list(tmp_path.glob("*.tmp"))
    assert full.index("27-KH/TU") < full.index("45-CT/TW")


def test_markdown_quotes_and_sources():
    pack = group_hits("t", [_hit("kh27", 3, "27-KH/TU", "Tỉnh ủy Sông Lam", "2024-07-10",
                                 text="Dòng một <b>đậm</b>\nDòng hai")])
    md = export_markdown(make_handout(pack, note="n"))
    assert "> Dòng một \\<b>đậm\\</b>\n> Dòng hai" in md
    assert "— *Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam — mục II.1, tr. 2–3*" in md
    assert md.rstrip().endswith("1. Kế hoạch số 27-KH/TU ngày 10/7/2024 của Tỉnh ủy Sông Lam")


def test_empty_theme_says_what_to_type():
    with pytest.raises(ValueError, match="Hãy nhập chủ đề"):
        build_pack(None, "  ")


def test_pack_over_the_sample_corpus_exports_every_chosen_passage(answer_library, tmp_path):
    pack = build_pack(answer_library, "nâng cao chất lượng sinh hoạt chi bộ", k=12)
    items = pack.items()
    assert len(items) >= 5
    centrals = [g.central for g in pack.groups]
    assert centrals == sorted(centrals, reverse=True)  # central documents first
    chosen = [items[4].key, items[0].key, items[2].key]
    handout = make_handout(pack, keep=chosen, note="Chuẩn bị cho kỳ sinh hoạt chuyên đề quý IV.")
    doc = Document(str(export_docx(handout, tmp_path / "chuyen-de.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == 3
    for key, quote in zip(chosen, quotes):
        item = pack.item(key)
        assert quote == "\n".join(ln.strip() for ln in item.text.strip().split("\n") if ln.strip())
        citation = paragraphs[paragraphs.index(quote) + 1]
        assert citation == "— " + item.citation
        if item.number:
            assert item.number in citation
        if item.date:
            y, m, d = item.date.split("-")
            assert f"{int(d)}/{int(m)}/{y}" in citation
    sources = paragraphs[paragraphs.index("Danh mục tài liệu") + 1:]
    assert len(sources) == len({pack.item(k).doc_id for k in chosen})


def test_docx_opens_in_libreoffice(answer_library, tmp_path):
    """The handout is for Word and LibreOffice users: LibreOffice must read it back (converted to
    text, every chosen passage's citation is there). Runs where LibreOffice is installed
    (Debian libreoffice-writer-nogui); python-docx read-back above runs everywhere."""
    import shutil
    import subprocess

    from tests.browser_support import in_ci

    soffice = shutil.which("soffice")
    if not soffice:
        problem = "LibreOffice không có (bash scripts/ensure_test_packages.sh)"
        if in_ci():  # make test installs it: CI must not pass without this check
            pytest.fail(problem)
        pytest.skip(problem)
    pack = build_pack(answer_library, "sổ tay đảng viên điện tử", k=8)
    chosen = [item.key for item in pack.items()[:3]]
    handout = make_handout(pack, keep=chosen, note="")
    path = export_docx(handout, tmp_path / "so-tay.docx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    text = (tmp_path / "so-tay.txt").read_text(encoding="utf-8-sig")
    for key in chosen:
        assert pack.item(key).citation in text
