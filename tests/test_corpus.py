"""The sample corpus in corpus/: present, readable in its real formats, and self-consistent.

No mocks: the committed files are opened with the same libraries the ingester uses (pymupdf,
python-docx) and compared with the UTF-8 sources in scripts/corpus_src/.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = make_corpus  # dataclasses look their module up while the class is built
_spec.loader.exec_module(make_corpus)

SOURCES = make_corpus.load_sources()
BY_NAME = {s.out_name: s for s in SOURCES}

# The numbered documents of the sample corpus; every one is cited by at least one other document.
EXPECTED_NUMBERS = {
    "45-CT/TW",  # Chỉ thị, Ban Bí thư, 12/5/2024
    "15-NQ/TU",  # Nghị quyết, Ban Chấp hành Đảng bộ tỉnh Sông Lam, 28/6/2024
    "27-KH/TU",  # Kế hoạch, Ban Thường vụ Tỉnh ủy Sông Lam, 10/7/2024
    "05-HD/BTCTU",  # Hướng dẫn, Ban Tổ chức Tỉnh ủy Sông Lam, 02/8/2024
    "12-KH/ĐU",  # Kế hoạch, Ban Thường vụ Đảng ủy xã Hòa An, 20/8/2024
    "03-QĐ/ĐU",  # Quy định, Ban Thường vụ Đảng ủy xã Hòa An, 15/10/2024
    "58-TB/ĐU",  # Thông báo, Ban Thường vụ Đảng ủy xã Hòa An, 06/01/2025
    "112-KL/TW",  # Kết luận, Ban Bí thư, 14/01/2025
    "41-KH/TU",  # Kế hoạch, Ban Thường vụ Tỉnh ủy Sông Lam, 20/02/2025
}
NUMBER_RE = re.compile(r"(?<![\w-])(\d+-(?:CT|NQ|KL|KH|HD|QĐ|TB|QC|CTr)/[A-ZĐ]+)")
FOOTER_RE = re.compile(r"^Trang \d+/\d+$")


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def source_text(src) -> str:
    return collapse("\n".join(make_corpus.plain_lines(src)))


def files_of(fmt: str) -> list[str]:
    return [s.out_name for s in SOURCES if s.format == fmt]


def test_collection_size_and_formats():
    assert len(SOURCES) >= 10
    assert len(files_of("pdf")) >= 4
    assert len(files_of("docx")) >= 4
    assert len(files_of("txt")) >= 1
    assert (CORPUS / "README.md").exists()
    for s in SOURCES:
        assert (CORPUS / s.out_name).is_file(), f"{s.out_name} missing: run scripts/make_corpus.py"
    total = sum(p.stat().st_size for p in CORPUS.iterdir() if p.is_file())
    assert total < 2 * 1024 * 1024


def test_every_corpus_document_has_a_source():
    docs = {p.name for p in CORPUS.iterdir() if p.suffix in (".pdf", ".docx", ".txt")}
    assert docs == set(BY_NAME)


def test_required_document_types_present():
    types = [s.meta["type"] for s in SOURCES]
    for t in ("Chỉ thị", "Nghị quyết", "Kết luận", "Kế hoạch", "Hướng dẫn", "Tin bài", "Quy định", "Thông báo"):
        assert t in types, t
    bulletin_years = {s.meta["date"][:4] for s in SOURCES if s.meta["type"] == "Bản tin"}
    assert types.count("Bản tin") >= 4 and bulletin_years == {"2024", "2025"}


@pytest.mark.parametrize("src", SOURCES, ids=lambda s: s.out_name)
def test_source_is_nfc_and_realistic_length(src):
    raw = src.path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw)
    words = len(source_text(src).split())
    assert 400 <= words <= 1500, words
    if src.meta.get("number"):
        # the number is printed in the header the way the ingester will read it: "Số 45-CT/TW"
        assert f"Số {src.meta['number']}" in src.left


@pytest.mark.parametrize("name", files_of("pdf"))
def test_pdf_text_layer_matches_source(name):
    pymupdf = pytest.importorskip("pymupdf")
    doc = pymupdf.open(CORPUS / name)
    pages = [page.get_text() for page in doc]
    body_lines = []
    for i, text in enumerate(pages, start=1):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert lines[-1] == f"Trang {i}/{len(pages)}", "page number in the footer"
        body_lines.extend(ln for ln in lines if not FOOTER_RE.match(ln))
    extracted = "\n".join(body_lines)
    assert unicodedata.is_normalized("NFC", extracted)
    assert collapse(extracted) == source_text(BY_NAME[name])
    assert "hư cấu" in doc.metadata["subject"]


def test_some_pdf_is_multi_page():
    pymupdf = pytest.importorskip("pymupdf")
    assert max(pymupdf.open(CORPUS / n).page_count for n in files_of("pdf")) >= 2


def _docx_lines(doc) -> list[str]:
    """Paragraph texts in document order, tables row by row, cell by cell."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                for cell in row.cells:
                    out.extend(p.text for p in cell.paragraphs)
    return out


@pytest.mark.parametrize("name", files_of("docx"))
def test_docx_opens_and_matches_source(name):
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(CORPUS / name))
    assert collapse("\n".join(_docx_lines(doc))) == source_text(BY_NAME[name])
    headings = [b.text for b in BY_NAME[name].blocks if b.kind == "heading"]
    bold = {p.text for p in doc.paragraphs if p.runs and all(r.bold for r in p.runs)}
    assert headings and set(headings) <= bold, "headings are bold"
    assert "hư cấu" in doc.core_properties.subject


def test_some_docx_has_a_content_table():
    docx = pytest.importorskip("docx")
    # every DOCX has a header table and a signature table; a content table makes a third
    assert any(len(docx.Document(str(CORPUS / n)).tables) >= 3 for n in files_of("docx"))


@pytest.mark.parametrize("name", files_of("txt"))
def test_txt_is_utf8_nfc_and_current(name):
    data = (CORPUS / name).read_bytes()
    text = data.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert data == make_corpus.render_txt(BY_NAME[name])


def test_cited_documents_are_in_the_corpus():
    numbers = {s.meta["number"] for s in SOURCES if s.meta.get("number")}
    assert numbers == EXPECTED_NUMBERS
    cited_by: dict[str, set[str]] = {}
    for s in SOURCES:
        for num in NUMBER_RE.findall("\n".join(make_corpus.plain_lines(s))):
            if num != s.meta.get("number"):
                cited_by.setdefault(num, set()).add(s.out_name)
    assert set(cited_by) <= numbers, f"cited but absent: {set(cited_by) - numbers}"
    assert set(cited_by) == numbers, f"never cited: {numbers - set(cited_by)}"
    # the directive has several implementing documents and bulletins that mention it
    assert len(cited_by["45-CT/TW"]) >= 10
    assert sum("ban-tin" in n for n in cited_by["45-CT/TW"]) >= 4


def test_citations_carry_the_right_date():
    """Wherever a numbered document is cited with "ngày", the date is the one it was issued on."""
    dates = {s.meta["number"]: s.meta["date"] for s in SOURCES if s.meta.get("number")}
    cite = re.compile(r"số (\d+-[A-ZĐ]+/[A-ZĐ]+), ngày (\d{1,2})/(\d{1,2})/(\d{4})")
    seen = 0
    for s in SOURCES:
        for num, d, m, y in cite.findall("\n".join(make_corpus.plain_lines(s))):
            assert dates[num] == f"{y}-{int(m):02d}-{int(d):02d}", (s.out_name, num)
            seen += 1
    assert seen >= 20


def test_generation_is_deterministic_and_committed(tmp_path):
    try:
        make_corpus._font_paths()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    make_corpus.build(tmp_path)
    for s in SOURCES:
        assert (tmp_path / s.out_name).read_bytes() == (CORPUS / s.out_name).read_bytes(), (
            f"{s.out_name} differs from its source: run scripts/make_corpus.py and commit corpus/"
        )


QUESTIONS = __import__("json").loads((ROOT / "scripts" / "corpus_src" / "questions.json").read_text("utf-8"))


@pytest.mark.parametrize("qa", QUESTIONS, ids=lambda qa: qa["question"][:40])
def test_example_answers_are_in_their_documents(qa):
    """The example questions (app examples, Q&A checks) point at text the documents really hold."""
    for name in [qa["file"], *qa["also_in"]]:
        assert collapse(qa["answer"]) in source_text(BY_NAME[name]), name
