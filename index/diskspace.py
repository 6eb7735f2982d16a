"""Free space before writing, and a full disk said in Vietnamese instead of a traceback.

Ingestion writes a whole new generation (a copy of the store, the vectors, the keyword index) next
to the live one, plus new embeddings in the cache, so it needs about the live generation's size
plus a few times the new files' size. `ensure_room` checks that before starting; `translate`
turns the sqlite3 "database or disk is full" / OSError ENOSPC that a write may still hit into a
DiskFullError saying how much space is needed. Reading never needs free space (models/cache.py
skips a cache write that fails).
"""
from __future__ import annotations

import errno
import shutil
import sqlite3
import functools
from pathlib import Path
from typing import Iterable

from index import generations
from ingest.limits import size_text

MARGIN = 4 << 20  # manifests, SQLite journals, the keyword index of a small corpus
GROWTH = 3  # bytes written per byte of new input: store text + vectors + cache, measured ~1.5-2.5x


class DiskFullError(RuntimeError):
    """Not enough free space to build the next generation; the live index is untouched."""


def folder_size(folder: Path | None) -> int:
    if folder is None or not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def needed_bytes(live_generation: Path | None, new_files: Iterable[Path]) -> int:
    return folder_size(live_generation) + GROWTH * sum(p.stat().st_size for p in new_files) + MARGIN


def free_bytes(home: Path) -> int:
    return shutil.disk_usage(home).free


def message(home: Path, need: int | None, free: int | None = None) -> str:
    try:
        free = free_bytes(home) if free is None else free
    except OSError:
        free = 0
    wanted = f", cần khoảng {size_text(need)}" if need else ""
    return (f"Không đủ chỗ trống trên đĩa chứa chỉ mục {home}: còn {size_text(free)}{wanted}. "
            "Hãy giải phóng dung lượng rồi nạp lại; chỉ mục hiện có không bị ảnh hưởng.")


def ensure_room(home: Path, need: int) -> None:
    free = free_bytes(home)
    if free < need:
        raise DiskFullError(message(home, need, free))


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.Error) and "full" in str(exc).lower():
        return True
    return "No space left on device" in str(exc)  # faiss and numpy wrap errno in their own errors


def committing(method):
    """For a Library method that builds a generation: when it fails, the failed attempt's folder is
    deleted (under the write lock, so no other writer's folder goes) and a full disk is re-raised as
    DiskFullError with a Vietnamese message instead of a sqlite3/numpy traceback."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except BaseException as exc:
            self._abort()  # the store transaction of the failed commit is rolled back
            with generations.write_lock(self.home):
                generations.cleanup(self.home, keep=self._live_generation())
            if is_disk_full(exc) and not isinstance(exc, DiskFullError):
                raise DiskFullError(message(self.home, None)) from exc
            raise
    return wrapper
