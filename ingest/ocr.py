"""OCR of scanned pages with Tesseract (Debian: `tesseract-ocr tesseract-ocr-vie`), Vietnamese model.

Pages are rendered by pymupdf at 300 dpi, the red channel taken as the grey image (red seals fade,
black and blue ink stay), and handed to the `tesseract` program (the same engine pytesseract wraps)
one process per page, on as many pages at once as there are cores, each process single-threaded
(OMP_THREAD_LIMIT=1: Tesseract's own threads are slower than one process per core on a busy
machine). The text is rebuilt from Tesseract's word boxes (TSV) so that the two columns of a
header come out as separate lines; lines of stray marks are dropped; two frequent misreadings of
Party words are corrected; the text comes back NFC-normalised like every other text.

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


def _lines_from_tsv(tsv: str) -> str:
    """Text from Tesseract's word boxes: its blocks, paragraphs and lines, and a line cut where two
    words stand far apart (more than 2.5 line heights): the two columns of an official document's
    header ("ĐẢNG BỘ TỈNH ...      ĐẢNG CỘNG SẢN VIỆT NAM") come out as separate lines, as a text
    layer gives them, instead of one line the metadata cannot read."""
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, str]]] = {}
    order: list[tuple[int, int, int]] = []
    for row in tsv.split("\n")[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        if key not in lines:
            lines[key] = []
            order.append(key)
        left, width, height = int(cols[6]), int(cols[8]), int(cols[9])
        lines[key].append((left, left + width, height, cols[11].strip()))
    out: list[str] = []
    previous = None
    for key in order:
        words = sorted(lines[key])
        if previous is not None and key[:2] != previous[:2]:
            out.append("")  # a new paragraph or block
        previous = key
        heights = sorted(w[2] for w in words)
        gap_limit = max(60, 2.5 * heights[len(heights) // 2])
        segment = [words[0][3]]
        for (_, prev_right, _, _), (left, _, _, word) in zip(words, words[1:]):
            if left - prev_right > gap_limit:
                out.append(" ".join(segment))
                segment = []
            segment.append(word)
        out.append(" ".join(segment))
    return "\n".join(out)


def ocr_image(image: bytes, timeout: float = PAGE_TIMEOUT_S) -> str:
    """Text of one page image (PNG/PNM bytes) in reading order, NFC. RuntimeError when OCR fails."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [tesseract_program(), "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", str(DPI), "tsv"]
    try:
        out = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"OCR quá {timeout:.0f} giây cho một trang") from exc
    if out.returncode != 0:
        raise RuntimeError(f"Tesseract lỗi: {out.stderr.decode('utf-8', 'replace').strip()[-200:]}")
    return _clean(_lines_from_tsv(out.stdout.decode("utf-8", errors="replace")))


def render_page(page, dpi: int = DPI) -> bytes:
    """A pymupdf page as a grey PNM image at `dpi` (what Tesseract reads fastest): the red channel
    of the colour page, so red seals and stamps over the signature fade to near white while black
    (and blue) ink stays dark; a grey scan is its own red channel."""
    import numpy as np

    pix = page.get_pixmap(dpi=dpi, alpha=False)
    if pix.n >= 3:
        red = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, 0:pix.width * pix.n:pix.n]
        return b"P5 %d %d 255\n" % (pix.width, pix.height) + np.ascontiguousarray(red).tobytes()
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
