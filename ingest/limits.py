"""Per-file limits on what ingestion will read, checked as early and as cheaply as possible.

A hostile or careless file must cost one refusal, not the machine. Each check runs before the
expensive step it protects:

- the size on disk (formats.extract already refuses files over ``max_bytes``);
- a ZIP package (DOCX) is inspected before anything is inflated: the sizes its central directory
  declares, the compression ratio of each entry, then every entry is inflated in 1 MiB steps and
  counted, stopping at the cap (a declared size may lie; zipfile stops at the declared size, so the
  stream count is the real one). A 2.4 MB DOCX whose document.xml inflates to 1 GB is refused after
  reading its directory, in milliseconds;
- a PDF's page count is read before its pages are;
- the extracted text's word count (sampled) estimates its passages (a passage holds at most
  ``max_tokens`` words), so a 50 MB log is refused before normalising and chunking it (12 s and
  50 s for 40 M characters); the exact passage count is checked after chunking.

Memory and time limits of the parsing process itself live in ingest/isolated.py. Every number
can be set from the environment (VANKIEN_MAX_PAGES, VANKIEN_MAX_PASSAGES, VANKIEN_MAX_FILE_MB,
VANKIEN_PARSE_MEMORY_MB, VANKIEN_PARSE_TIMEOUT_S) or the CLI (--max-pages, --max-passages).
"""
from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.records import IngestError

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * MiB  # size of the file on disk
    max_pages: int = 5000  # a Công báo volume is a few hundred pages; 3,000 read in ~2 s
    max_passages: int = 5000  # the longest real document in shared/eval has ~600
    max_inflated: int = 200 * MiB  # all entries of a DOCX package, inflated
    max_ratio: int = 200  # inflated / compressed per entry; real document.xml is 5-20x
    memory_bytes: int = 1024 * MiB  # address space a parse may add to the worker (isolated.py)
    # wall clock for one file in the worker: OCR of a scanned PDF reads about 8 pages a minute on 2
    # cores (scripts/bench_ocr.py), so a 100-page scan needs ~13 minutes
    timeout_s: float = 1200.0

    @classmethod
    def from_env(cls, environ=os.environ, **overrides) -> "Limits":
        """Defaults, then VANKIEN_* variables, then explicit overrides (CLI flags; None = not given)."""
        base = cls()
        env = {
            "max_pages": ("VANKIEN_MAX_PAGES", 1), "max_passages": ("VANKIEN_MAX_PASSAGES", 1),
            "max_bytes": ("VANKIEN_MAX_FILE_MB", MiB), "memory_bytes": ("VANKIEN_PARSE_MEMORY_MB", MiB),
        }
        values: dict = {}
        for field, (name, unit) in env.items():
            if environ.get(name, "").strip():
                values[field] = int(float(environ[name]) * unit)
        if environ.get("VANKIEN_PARSE_TIMEOUT_S", "").strip():
            values["timeout_s"] = float(environ["VANKIEN_PARSE_TIMEOUT_S"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(base, **values)


def number(n: int) -> str:
    """Vietnamese thousands separator: 37687 -> "37.687"."""
    return f"{n:,}".replace(",", ".")


def size_text(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB".replace(".0 ", " ")
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n / 1024:.0f} KiB"


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a ZIP package that would inflate past the limits; read it in bounded steps."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_inflated:
                raise IngestError(str(path), f"tệp nén khai báo {size_text(declared)} khi giải nén, vượt giới hạn "
                                             f"{size_text(limits.max_inflated)} (nghi là «bom nén») — bỏ qua")
            for info in infos:
                if info.compress_size and info.file_size / info.compress_size > limits.max_ratio \
                        and info.file_size > MiB:
                    raise IngestError(str(path), f"phần {info.filename} nén {info.file_size // info.compress_size}"
                                                 f" lần (giới hạn {limits.max_ratio}), nghi là «bom nén» — bỏ qua")
            total = 0
            for info in infos:  # the real sizes, streamed: never more than 1 MiB in memory
                with zf.open(info) as fh:
                    while block := fh.read(MiB):
                        total += len(block)
                        if total > limits.max_inflated:
                            raise IngestError(str(path), f"tệp nén giải ra hơn {size_text(limits.max_inflated)}"
                                                         " (nghi là «bom nén») — bỏ qua")
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        # a truncated DOCX, a CRC mismatch, a damaged deflate stream
        raise IngestError(str(path), f"tệp DOCX/ZIP hỏng hoặc bị cắt cụt, không mở được ({type(exc).__name__})") \
            from exc
    except OSError as exc:
        raise IngestError(str(path), f"không đọc được tệp nén ({exc.strerror or exc})") from exc


def check_pdf_pages(path: Path, limits: Limits) -> None:
    """Refuse a PDF with more pages than the limit before reading any page (opening reads the xref)."""
    import pymupdf

    try:
        with pymupdf.open(path, filetype="pdf") as doc:
            pages = doc.page_count
    except Exception:  # damaged: formats/pdf.py says so in its own words
        return
    if pages > limits.max_pages:
        raise IngestError(str(path), f"tệp có {number(pages)} trang, vượt giới hạn {number(limits.max_pages)} trang; "
                                     "tăng --max-pages nếu đúng là một văn kiện")


def check_before_extract(path: Path, limits: Limits, max_tokens: int = 280) -> None:
    """The cheap checks that need only the first bytes, the ZIP directory or the PDF header."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return  # extract() reports unreadable files
    if head.startswith(b"PK\x03\x04"):
        check_zip(path, limits)
    elif b"%PDF" in head:
        check_pdf_pages(path, limits)
    elif b"<" not in head and b"\x00" not in head:  # plain text: estimate its passages from 1 MiB
        check_text_file(path, limits, max_tokens)


def check_text_file(path: Path, limits: Limits, max_tokens: int) -> None:
    """A text file's passages estimated from its first MiB (words are split by ASCII whitespace in
    UTF-8 and Windows-1258 alike): a 50 MB log is refused without decoding it (~2-4 s)."""
    size = path.stat().st_size
    if size < limits.max_passages * max_tokens:
        return
    with open(path, "rb") as fh:
        sample = fh.read(MiB)
    about = int(len(sample.split()) * (size / max(1, len(sample))) // max(1, max_tokens))
    if about > limits.max_passages:
        raise _too_many(str(path), f"khoảng {number(about)}", limits)


def _too_many(path: str, count: str, limits: Limits) -> IngestError:
    return IngestError(path, f"tệp có {count} đoạn, vượt giới hạn {number(limits.max_passages)}: một nhật ký "
                             "hay tệp dữ liệu lớn không phải văn kiện; tăng --max-passages nếu cần")


def check_text_size(path: str, text: str, max_tokens: int, limits: Limits) -> None:
    """Refuse text whose word count means more passages than the limit, before chunking it.

    The words are counted on the first 1 M characters and scaled (splitting all of a 50 MB log
    into words would itself take 0.5 GB and seconds); a passage holds at most ``max_tokens`` words.
    """
    if len(text) < limits.max_passages * max_tokens:  # too short to exceed: a word has 1+ letter
        return
    sample = text[:1_000_000]
    words = len(sample.split()) * (len(text) / max(1, len(sample)))
    about = int(words // max(1, max_tokens))
    if about > limits.max_passages:
        raise _too_many(path, f"khoảng {number(about)}", limits)


def check_passages(path: str, count: int, limits: Limits) -> None:
    if count > limits.max_passages:
        raise _too_many(path, number(count), limits)
