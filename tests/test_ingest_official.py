"""Real official documents in their original formats (../shared/eval/official_docs_samples)."""
from pathlib import Path

import pytest

from ingest import parse_file
from ingest.office import SOFFICE_HINT, soffice_program
from ingest.records import IngestError

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "official_docs_samples"
FILES = sorted(p for p in SAMPLES.glob("*/*") if p.suffix.lower() in (".pdf", ".docx", ".doc")) if SAMPLES.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"{SAMPLES} not present")
# Each .doc costs a LibreOffice start (5-10 s): the two smallest run always, the others with -m slow.
_QUICK_DOCS = {"(889)-Hienphap1959.doc", "(32801)-Hien_phap_nam_2013.doc"}
CASES = [pytest.param(p, marks=pytest.mark.slow) if p.suffix.lower() == ".doc" and p.name not in _QUICK_DOCS
         else p for p in FILES]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_parses_or_says_why(path):
    if path.suffix.lower() == ".doc" and soffice_program() is None:
        with pytest.raises(IngestError, match=SOFFICE_HINT):
            parse_file(path)
        return
    doc = parse_file(path)
    assert doc.passages and doc.metadata.title
    if path.suffix.lower() == ".doc":  # Word 97-2003, read through LibreOffice
        assert doc.source_format == "doc" and len(doc.passages) > 20
    for p in doc.passages:
        assert p.text == doc.text[p.start:p.end]
        assert 0 < len(p.text.split()) <= 280
    if doc.source_format == "pdf":
        assert len(doc.page_starts) > 1 and all(p.pages for p in doc.passages)
        assert "CÔNG BÁO/Số" not in doc.text  # running header of every Công báo page


def test_law_articles_are_sections():
    law = SAMPLES / "traffic2024" / "Luật đường bộ 2024.docx"
    if not law.exists():
        pytest.skip("sample absent")
    doc = parse_file(law)
    m = doc.metadata
    assert (m.doc_type, m.number, m.issuer) == ("Luật", "35/2024/QH15", "Quốc hội")
    first = next(p for p in doc.passages if "Điều 1. Phạm vi điều chỉnh" in p.text)
    assert first.heading_path[0] == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    article = [p for p in doc.passages if p.heading_path[1:2] == ("Điều 2. Giải thích từ ngữ",)]
    assert len(article) > 1 and article[0].heading_path[0] == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    chapters = [p.heading_path[0] for p in doc.passages if p.heading_path and p.heading_path[0].startswith("Chương")]
    assert len(set(chapters)) >= 5
