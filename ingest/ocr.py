"""OCR of scanned pages with Tesseract (Debian: `tesseract-ocr tesseract-ocr-vie`), Vietnamese model.

Pages are rendered by pymupdf at 300 dpi in grey and handed to the `tesseract` program (the same
engine pytesseract wraps) one process per page, on as many pages at once as there are cores, each
process single-threaded (OMP_THREAD_LIMIT=1: Tesseract's own threads are slower than one process
per core on a busy machine). The text comes back NFC-normalised like every other text.

pymupdf's own OCR text page (`page.get_textpage_ocr`) was measured first on the same pages: its
text lost the space after most words ending in a toned letter ("sốtrong", "chỉđạo"), 96.9 %
character accuracy against 99.5 % for the Tesseract program on the same 300-dpi page.

`VANKIEN_TESSERACT` names another Tesseract program (a path); `TESSDATA_PREFIX` is honoured by
Tesseract itself.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Callable, Iterable, Iterator

LANGUAGE = "vie"
DPI = 300
PAGE_TIMEOUT_S = 180
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
OCR_MISSING = f"PDF chỉ có ảnh, cần cài OCR: {INSTALL_HINT}"

# (path, pages done, pages to OCR in this file): called after each OCR'd page.
PageProgress = Callable[[str, int, int], None]
_progress: ContextVar[PageProgress | None] = ContextVar("vankien_ocr_progress", default=None)


@contextmanager
def page_progress(callback: PageProgress | None) -> Iterator[None]:
    """Report OCR progress of every file parsed inside the block to `callback` (the CLI's bar)."""
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


def current_progress() -> PageProgress | None:
    return _progress.get()


def tesseract_program() -> str:
    return os.environ.get("VANKIEN_TESSERACT", "tesseract")


@lru_cache(maxsize=8)
def _missing_reason(program: str) -> str:
    exe = shutil.which(program)
    if exe is None:
        return f"chưa cài Tesseract ({INSTALL_HINT})"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"không chạy được Tesseract ({exc})"
    langs = set((out.stdout + out.stderr).split())
    if LANGUAGE not in langs:
        return f"Tesseract chưa có dữ liệu tiếng Việt ({INSTALL_HINT})"
    return ""


def missing_reason() -> str:
    """"" when OCR can run, else why not (in Vietnamese, with the install command)."""
    return _missing_reason(tesseract_program())


def available() -> bool:
    return not missing_reason()


# The two confusions Debian's Vietnamese model makes most on Party text at 300 dpi (scripts/bench_ocr.py):
# "đảng" read as "đẳng" and "chi bộ"/"chi ủy" as "chỉ bộ"/"chỉ ủy". "đẳng" stays where it is a
# word of its own (bình đẳng, cao đẳng, đẳng cấp ...); "chỉ bộ" stays before a "bộ ..." compound
# ("chỉ bộ phận này": only this department).
FIX_CONFUSIONS = True
_DANG = re.compile(
    r"(?<!\w)(?<!bình )(?<!Bình )(?<!BÌNH )(?<!cao )(?<!Cao )(?<!CAO )(?<!sơ )(?<!đồng )(?<!tương )"
    r"(?<!thượng )(?<!hạ )(?<!siêu )(?<!ưu )(?<!trung )([Đđ])ẳng(?!\w)"
    r"(?! (?:cấp|thức|hướng|nhiệt|tích|áp|trị|lập|phương|cự|sâu|thời|hạng)(?!\w))")
_DANG_UPPER = re.compile(r"(?<!BÌNH )(?<!CAO )(?<!\w)ĐẲNG(?!\w)(?! CẤP)")
_CHI = re.compile(r"(?<!\w)([Cc])hỉ (bộ|ủy|uỷ)(?!\w)(?! (?:phận|trưởng|đội|ngành|môn|máy|luật|tộc|binh|mặt)(?!\w))")


def fix_confusions(text: str) -> str:
    """Correct the model's two frequent misreadings of Party words (see FIX_CONFUSIONS)."""
    text = _DANG.sub(lambda m: m.group(1) + "ảng", text)
    text = _DANG_UPPER.sub("ĐẢNG", text)
    return _CHI.sub(lambda m: f"{m.group(1)}hi {m.group(2)}", text)




def _clean(text: str) -> str:
    """NFC, no form feeds, and no lines of stray marks (stamp rims, speckles): a line of 4+
    characters with fewer than 40 % letters or digits is noise, not text."""
    text = unicodedata.normalize("NFC", text.replace("\f", "\n"))
    if FIX_CONFUSIONS:
        text = fix_confusions(text)
    keep = []
    for line in text.split("\n"):
        visible = line.replace(" ", "")
        if len(visible) >= 4:
            alnum = sum(ch.isalnum() for ch in visible)
            if alnum < 0.4 * len(visible):
                continue
        keep.append(line.rstrip())
    return "\n".join(keep)


def ocr_image(image: bytes, timeout: float = PAGE_TIMEOUT_S) -> str:
    """Text of one page image (PNG/PNM bytes) in reading order, NFC. RuntimeError when OCR fails."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [tesseract_program(), "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", str(DPI)]
    try:
        out = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"OCR quá {timeout:.0f} giây cho một trang") from exc
    if out.returncode != 0:
        raise RuntimeError(f"Tesseract lỗi: {out.stderr.decode('utf-8', 'replace').strip()[-200:]}")
    return _clean(out.stdout.decode("utf-8", errors="replace"))


def render_page(page, dpi: int = DPI) -> bytes:
    """A pymupdf page as a grey PNM image at `dpi` (what Tesseract reads fastest)."""
    import pymupdf

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return pix.tobytes("pnm")


def workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def ocr_pages(doc, page_numbers: Iterable[int], path: str = "",
              progress: PageProgress | None = None) -> dict[int, str]:
    """OCR the given 0-based pages of an open pymupdf document: {page index: text}.

    Pages are rendered one at a time in this thread (pymupdf is not thread-safe) while up to
    `workers()` Tesseract processes run; at most twice that many rendered pages wait in memory.
    A page that fails comes back as "" (the caller reports it).
    """
    numbers = list(page_numbers)
    progress = progress or current_progress()
    results: dict[int, str] = {}
    if not numbers:
        return results
    n_workers = workers()
    done = 0
    with ThreadPoolExecutor(max_workers=n_workers) as pool:
        pending = {}
        for index in numbers:
            pending[index] = pool.submit(ocr_image, render_page(doc.load_page(index)))
            if len(pending) >= 2 * n_workers:
                first = min(pending)
                results[first] = _result(pending.pop(first))
                done += 1
                if progress:
                    progress(path, done, len(numbers))
        for index in sorted(pending):
            results[index] = _result(pending[index])
            done += 1
            if progress:
                progress(path, done, len(numbers))
    return results


def _result(future) -> str:
    try:
        return future.result()
    except RuntimeError:
        return ""
