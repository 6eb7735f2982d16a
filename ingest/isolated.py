"""Parsing in a worker process with a memory and a time limit: a hostile file costs one refusal.

    worker = ParseWorker(Limits.from_env())
    doc = worker.parse(path)        # ParsedDocument, or IngestError(path, reason)
    parser = isolated_parser()      # path -> ParsedDocument, for Library.open(parser=...)

One long-lived worker (multiprocessing 'spawn': no copy of the parent's threads, models or index)
parses file after file. At start it parses a tiny text, DOCX and PDF so that everything parsing
loads lazily (underthesea, pymupdf, onnxruntime: ~1 GB of address space, ~400 MB resident) is
loaded, then caps its address space (RLIMIT_AS) at what it uses plus ``limits.memory_bytes``. A file
that needs more gets MemoryError (or kills the worker); a file that takes longer than
``limits.timeout_s`` gets the worker killed. Either way the caller gets an IngestError naming the
limit, and the next file starts a fresh worker. The parent — the CLI, the web server — never holds
the file's inflated content, only the ParsedDocument sent back.

OCR progress crosses the process: the worker sends ("progress", (path, done, total)) after each
page it OCRs, and `parse` hands it to the caller's `progress` (else the one set by
`ingest.ocr.page_progress`), so the CLI's bar shows "OCR trang k/n" for a scanned file. Progress
does not extend the time limit: a file gets `timeout_s` in all.
"""
from __future__ import annotations

import atexit
import functools
import multiprocessing as mp
import os
import threading
import time
from pathlib import Path
from typing import Callable

from ingest.limits import Limits, size_text
from ingest.ocr import PageProgress
from ingest.records import IngestError, ParsedDocument

_CTX = mp.get_context("spawn")
_START_TIMEOUT_S = 120.0  # imports and the warm-up on a busy 2-core machine


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _warm_up() -> None:
    """Load what parsing loads lazily, before the address-space cap is set."""
    import tempfile

    from ingest.pipeline import parse_file

    with tempfile.TemporaryDirectory(prefix="vankien-warm-") as tmp:
        folder = Path(tmp)
        text = "Điều 1. Chi bộ họp thường kỳ. Các đảng viên tham dự đầy đủ.\n" * 5
        (folder / "a.txt").write_text(text, encoding="utf-8")
        try:
            import docx

            d = docx.Document()
            d.add_paragraph(text)
            d.save(str(folder / "a.docx"))
        except ImportError:
            pass
        try:
            import pymupdf

            pdf = pymupdf.open()
            pdf.new_page().insert_text((72, 72), "Chi bo hop thuong ky.")
            pdf.save(str(folder / "a.pdf"))
            pdf.close()
        except ImportError:
            pass
        for f in sorted(folder.iterdir()):
            try:
                parse_file(f)
            except Exception:  # the warm-up only loads modules; a failure here shows on real files
                pass


def _caused_by_memory(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _serve(conn, limits: Limits) -> None:
    """The worker's loop: a path in, ("progress", (path, done, total))* then ("ok", doc) |
    ("failed", reason) | ("memory", "") out."""
    import resource

    from ingest.pipeline import parse_file

    _warm_up()
    if limits.memory_bytes > 0:
        cap = _vm_size() + limits.memory_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        def progress(name: str, done: int, total: int) -> None:  # after each OCR'd page
            conn.send(("progress", (name, done, total)))

        try:
            conn.send(("ok", parse_file(Path(path), limits=limits, progress=progress)))
        except IngestError as exc:
            if not _caused_by_memory(exc):
                conn.send(("failed", exc.reason))
                continue
            conn.send(("memory", ""))  # an extractor wrapped the MemoryError ("DOCX hỏng ...")
            os._exit(3)
        except MemoryError:
            conn.send(("memory", ""))
            os._exit(3)  # the heap may be in any state: start afresh
        except Exception as exc:  # one bad file never stops a batch
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


class ParseWorker:
    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_env()
        self._proc = None
        self._conn = None
        self._lock = threading.Lock()
        self.restarts = 0  # workers started after the first (a limit hit or a crash)
        self.peak_rss = 0  # highest VmHWM of any worker so far, bytes
        atexit.register(self.close)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def _start(self) -> None:
        parent, child = _CTX.Pipe()
        # one thread per numeric library: the worker parses, it does not compute
        saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MALLOC_ARENA_MAX")}
        os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"})
        try:
            proc = _CTX.Process(target=_serve, args=(child, self.limits), name="vankien-parse", daemon=True)
            proc.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        child.close()
        if not parent.poll(_START_TIMEOUT_S):
            proc.kill()
            raise RuntimeError("bộ đọc tệp không khởi động được")
        try:
            parent.recv()
        except EOFError as exc:
            proc.join(1)
            raise RuntimeError(f"bộ đọc tệp dừng khi khởi động (mã {proc.exitcode})") from exc
        if self._proc is not None:
            self.restarts += 1
        self._proc, self._conn = proc, parent

    def _hwm(self) -> None:
        if self._proc is None:
            return
        try:
            with open(f"/proc/{self._proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        self.peak_rss = max(self.peak_rss, int(line.split()[1]) * 1024)
        except OSError:
            pass

    def _stop(self) -> None:
        if self._proc is not None:
            self._hwm()
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._conn = None  # _proc stays set: the next _start counts as a restart

    def start(self) -> "ParseWorker":
        """Start the worker now (imports and warm-up, a few seconds) instead of on the first file."""
        with self._lock:
            if self._conn is None or not self._proc.is_alive():
                self._stop()
                self._start()
        return self

    def parse(self, path: Path, progress: PageProgress | None = None) -> ParsedDocument:
        """Parse `path` in the worker; IngestError for a bad file or a limit hit. `progress(path,
        done, total)` after each page the worker OCRs (default: `ingest.ocr.current_progress()`)."""
        from ingest.ocr import current_progress

        path = Path(path).resolve()
        progress = progress or current_progress()
        with self._lock:
            if self._conn is None or not self._proc.is_alive():
                self._stop()
                self._start()
            try:
                self._conn.send(str(path))
                kind, value = self._answer(self.limits.timeout_s, progress)
            except (EOFError, OSError):
                self._stop()
                raise IngestError(str(path), f"vượt giới hạn bộ nhớ khi đọc ({size_text(self.limits.memory_bytes)})"
                                             " hoặc bộ đọc bị dừng — bỏ qua") from None
            except BaseException:  # interrupted while the worker works: its answer would reach the next file
                self._stop()
                raise
            self._hwm()
            if kind == "timeout":
                self._stop()
                raise IngestError(str(path), f"đọc tệp quá {self.limits.timeout_s:g} giây — bỏ qua")
            if kind == "memory":
                self._stop()
                raise IngestError(str(path), f"vượt giới hạn bộ nhớ khi đọc ({size_text(self.limits.memory_bytes)})"
                                             " — bỏ qua")
            if kind == "failed":
                raise IngestError(str(path), value)
            return value

    __call__ = parse

    def _answer(self, timeout_s: float, progress: PageProgress | None) -> tuple[str, object]:
        """The worker's answer to the path just sent, passing its progress messages on."""
        deadline = time.monotonic() + timeout_s
        while True:
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                return "timeout", ""
            kind, value = self._conn.recv()
            if kind != "progress":
                return kind, value
            if progress is not None:
                try:
                    progress(*value)
                except Exception:  # a broken progress bar never stops the parse
                    pass

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            if self._proc is not None and self._proc.is_alive():
                self._proc.join(2)
            self._stop()


_shared: dict[Limits, ParseWorker] = {}
_shared_lock = threading.Lock()


def _parse_here(path: Path, limits: Limits) -> ParsedDocument:
    from ingest.pipeline import parse_file

    return parse_file(Path(path), limits=limits)


def isolated_parser(limits: Limits | None = None) -> Callable[[Path], ParsedDocument]:
    """The process-wide worker for these limits (one per distinct Limits), started on first use."""
    limits = limits or Limits.from_env()
    if mp.current_process().daemon:
        # A daemonic process (a Dask worker) may not start children: it parses in itself and is the
        # isolation itself: its nanny restarts it, and the file's task is retried on another worker.
        return functools.partial(_parse_here, limits=limits)
    with _shared_lock:
        if limits not in _shared:
            _shared[limits] = ParseWorker(limits)
        return _shared[limits]
