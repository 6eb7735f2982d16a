"""OCR progress crosses the parse worker (ingest/isolated.py): the worker process sends one message
per OCR'd page and the caller's progress sees it, down to the CLI bar's "OCR trang k/n" (issue 12).
The scanned pages are made in the test (typed pages rendered to 300-dpi images)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pymupdf

from ingest.isolated import ParseWorker
from ingest.limits import Limits
from ingest.ocr import page_progress
from tests.test_ingest_scans import SCANNED_LINES, _scan_of, _text_page, needs_font, needs_ocr

ROOT = Path(__file__).resolve().parents[1]


def _scans(path: Path, pages: int) -> Path:
    """An image-only PDF of `pages` short scanned pages, each with its own lines (lines repeated on
    every page would be taken for a running header)."""
    src = pymupdf.open()
    out = pymupdf.open()
    for i in range(pages):
        _text_page(src, SCANNED_LINES[2 * i % 4:2 * i % 4 + 2], height=200)
        _scan_of(src[i], out)
    out.save(path)
    return path


@needs_font
@needs_ocr
def test_worker_reports_each_ocr_page_to_the_caller(tmp_path):
    pdf = _scans(tmp_path / "ban_quet.pdf", 2)
    worker = ParseWorker(Limits.from_env())
    try:
        seen: list[tuple[str, int, int]] = []
        doc = worker.parse(pdf, progress=lambda *a: seen.append(a))
        assert [(d, t) for _, d, t in seen] == [(1, 2), (2, 2)]
        assert seen[0][0] == str(pdf.resolve())
        assert worker.pid is not None and all(p.scanned for p in doc.passages)

        # without an explicit callback: the one the caller set with ocr.page_progress (the CLI's way)
        around: list[tuple[str, int, int]] = []
        with page_progress(lambda *a: around.append(a)):
            worker.parse(pdf)
        assert [d for _, d, _ in around] == [1, 2]

        # a progress callback that fails costs nothing: the document still comes back
        def broken(*_):
            raise ValueError("thanh tiến độ hỏng")

        assert worker.parse(pdf, progress=broken).passages
    finally:
        worker.close()


@needs_font
@needs_ocr
def test_cli_ingest_shows_ocr_pages_of_a_scanned_file(tmp_path):
    pdf = _scans(tmp_path / "ke_hoach_quet.pdf", 2)
    done = subprocess.run([sys.executable, "-m", "vankien.cli.main", "ingest", str(pdf), "--index",
                           str(tmp_path / "idx")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "OCR trang 1/2" in done.stderr and "OCR trang 2/2" in done.stderr, done.stderr[-2000:]
    assert "thêm mới 1" in done.stdout
