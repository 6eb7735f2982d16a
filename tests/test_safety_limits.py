"""Issue 17, item 1: a hostile file costs one refusal, never the process or the batch.

The bad inputs are built here (scripts/bench_bad_inputs.py builders): a real ZIP bomb (a DOCX whose
document.xml inflates to 1 GiB), a 50 MB log, a DOCX of 10,000 paragraphs, a corrupt PDF, a 0-byte
file, a truncated DOCX. They go through the real worker process with its real limits.
"""
from __future__ import annotations

import importlib.util
import resource
import time
from pathlib import Path

import pytest

from ingest.isolated import ParseWorker
from ingest.limits import Limits, MiB, number
from ingest.records import IngestError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_bad_inputs", ROOT / "scripts" / "bench_bad_inputs.py")
bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bad)


@pytest.fixture(scope="module")
def worker():
    w = ParseWorker(Limits()).start()  # refusal times below exclude the worker's start
    yield w
    w.close()


def _refusal(worker: ParseWorker, path: Path) -> tuple[str, float]:
    t = time.perf_counter()
    with pytest.raises(IngestError) as info:
        worker.parse(path)
    return info.value.reason, time.perf_counter() - t


def test_zip_bomb_is_a_real_bomb_and_is_refused_fast(tmp_path, worker):
    import zipfile

    bomb = bad.make_bomb_docx(tmp_path / "bom.docx")
    assert bomb.stat().st_size < 2 * MiB
    with zipfile.ZipFile(bomb) as zf:  # a valid package whose document.xml really inflates to 1 GiB
        assert zf.getinfo("word/document.xml").file_size > 1 << 30
        with zf.open("word/document.xml") as fh:
            assert fh.read(200).startswith(b"<?xml")
    reason, seconds = _refusal(worker, bomb)
    assert "bom nén" in reason and seconds <= 5, (reason, seconds)
    assert worker.peak_rss <= 1 << 30


def test_a_bomb_that_lies_about_its_size_is_refused_as_damaged(tmp_path, worker):
    """Its directory claims 1 MiB: inflating stops at the claimed size and the checksum fails, so
    nothing past 1 MiB is ever inflated — the streamed read is the one python-docx would do."""
    bomb = bad.make_bomb_docx(tmp_path / "bom.docx", inflated=300 * MiB, declared=MiB)
    reason, seconds = _refusal(worker, bomb)
    assert "hỏng" in reason and seconds <= 5, (reason, seconds)


def test_memory_limit_refuses_and_the_next_file_still_parses(tmp_path):
    """Checks off, python-docx reads the 300 MiB document.xml whole: the worker's address-space cap
    (120 MiB over what it uses) stops it; the parent is untouched and a fresh worker reads the next file."""
    bomb = bad.make_bomb_docx(tmp_path / "bom.docx", inflated=300 * MiB)
    good = bad.make_good_docx(tmp_path / "tot.docx")
    w = ParseWorker(Limits(max_inflated=1 << 40, max_ratio=10 ** 9, memory_bytes=120 * MiB))
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reason, seconds = _refusal(w, bomb)
        assert "vượt giới hạn bộ nhớ khi đọc (120 MiB)" in reason
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB: parent unharmed
        doc = w.parse(good)
        assert doc.passages and w.restarts == 1
    finally:
        w.close()


def test_time_limit_kills_the_worker_and_the_next_file_parses(tmp_path):
    giant = bad.make_giant_text(tmp_path / "log.txt", size=5 * MiB)
    good = bad.make_good_docx(tmp_path / "tot.docx")
    w = ParseWorker(Limits(max_passages=10 ** 9, timeout_s=1.0))
    try:
        w.start()
        reason, seconds = _refusal(w, giant)
        assert "quá 1 giây" in reason and seconds < 3
        assert w.parse(good).passages
    finally:
        w.close()


def test_giant_text_is_refused_by_its_passage_count_before_chunking(tmp_path, worker):
    giant = bad.make_giant_text(tmp_path / "nhat-ky.txt")
    assert giant.stat().st_size >= 50 * 1000 * 1000
    reason, seconds = _refusal(worker, giant)
    assert "vượt giới hạn 5.000" in reason and "--max-passages" in reason, reason
    assert seconds <= 5, seconds
    assert worker.peak_rss <= 1 << 30


def test_passage_cap_is_configurable_estimated_early_and_exact_after_chunking(tmp_path):
    many = bad.make_many_paragraphs_docx(tmp_path / "nhieu-doan.docx", paragraphs=400)
    from ingest import parse_file

    n = len(parse_file(many).passages)  # the default cap lets it through
    assert n > 20
    with pytest.raises(IngestError) as info:  # just over: counted exactly after chunking
        parse_file(many, limits=Limits(max_passages=n - 1))
    assert f"tệp có {number(n)} đoạn, vượt giới hạn {number(n - 1)}" in info.value.reason
    with pytest.raises(IngestError) as info:  # far over: estimated from the words, before chunking
        parse_file(many, limits=Limits(max_passages=n // 4))
    assert f"tệp có khoảng" in info.value.reason and "--max-passages" in info.value.reason


def test_page_cap_refuses_before_reading_pages(tmp_path):
    pdf = bad.make_repeated_line_pdf(tmp_path / "lap.pdf", pages=300)
    from ingest import parse_file

    with pytest.raises(IngestError, match="tệp có 300 trang, vượt giới hạn 100 trang"):
        parse_file(pdf, limits=Limits(max_pages=100))


def test_pdf_whose_only_line_repeats_on_every_page_has_no_content_not_ocr(tmp_path):
    from ingest import parse_file

    with pytest.raises(IngestError) as info:
        parse_file(bad.make_repeated_line_pdf(tmp_path / "lap.pdf", pages=300))
    assert "không có nội dung" in info.value.reason and "OCR" not in info.value.reason


def test_batch_with_bad_files_indexes_the_good_ones(tmp_path, e5_encoder):
    """Through Library.ingest (the default parser is the worker): every bad file is one failed
    outcome with a reason, the good file is indexed, nothing is raised."""
    from index.library import Library

    folder = tmp_path / "lo"
    folder.mkdir()
    bad.make_bomb_docx(folder / "bom.docx")
    bad.make_giant_text(folder / "nhat-ky.txt", size=10 * MiB)
    (folder / "rong.txt").write_bytes(b"")
    good = bad.make_good_docx(folder / "tot.docx")
    (folder / "cat-cut.docx").write_bytes(good.read_bytes()[:1500])
    lib = Library.open(tmp_path / "index", encoder=e5_encoder)
    report = lib.ingest([folder])
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    assert outcomes["tot.docx"].status == "added"
    assert {n for n, o in outcomes.items() if o.status == "failed"} == {"bom.docx", "nhat-ky.txt", "rong.txt",
                                                                      "cat-cut.docx"}
    assert "bom nén" in outcomes["bom.docx"].reason
    assert "cắt cụt" in outcomes["cat-cut.docx"].reason
    assert len(lib.documents()) == 1 and lib.search("sinh hoạt chi bộ", k=1)
