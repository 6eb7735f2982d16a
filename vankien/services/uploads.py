"""Where an uploaded file is kept: `<index>/tai-len/<sha256[:16]>/<original name>`, streamed.

- Unique by content: two different files both called "ban-tin.pdf" are two folders, so two
  documents (the README's promise); the same file uploaded twice is one folder, "unchanged".
  The original name stays the file's name, so titles and document ids read as before.
- Bounded: the size is checked before copying and again while copying, 1 MiB at a time into
  `tai-len/.dang-tai/` (never the whole file in memory); over the limit, nothing is kept.
- Clean: a copy whose ingestion failed is deleted, the half-written `.dang-tai/` is emptied when
  the service starts, and the web server's own temporary copy is deleted once ours is made.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from ingest.limits import MiB, size_text

DEFAULT_MAX_UPLOAD = 100 * MiB
PARTIAL = ".dang-tai"


class UploadRefused(ValueError):
    """An upload that is not kept (too large, unreadable); the message is Vietnamese."""


def max_upload_from_env(environ=os.environ) -> int:
    value = environ.get("VANKIEN_MAX_UPLOAD_MB", "").strip()
    return int(float(value) * MiB) if value else DEFAULT_MAX_UPLOAD


def clean_partial(upload_dir: Path) -> None:
    """Delete copies a stopped server left half-written."""
    shutil.rmtree(upload_dir / PARTIAL, ignore_errors=True)


def _web_temp_dirs() -> list[Path]:
    """Gradio's upload cache (GRADIO_TEMP_DIR, else <tmp>/gradio): its copies are ours to delete."""
    dirs = [Path(tempfile.gettempdir()) / "gradio"]
    if os.environ.get("GRADIO_TEMP_DIR"):
        dirs.insert(0, Path(os.environ["GRADIO_TEMP_DIR"]))
    return [d.resolve() for d in dirs]


def drop_web_temp(path: Path) -> None:
    """Delete the web server's temporary copy of an upload (and its per-upload folder)."""
    try:
        resolved = path.resolve()
        if any(resolved.is_relative_to(d) and resolved != d for d in _web_temp_dirs()):
            resolved.unlink(missing_ok=True)
            parent = resolved.parent
            if parent not in _web_temp_dirs() and not any(parent.iterdir()):
                parent.rmdir()
    except OSError:
        pass  # only tidiness


def store_upload(src: Path, upload_dir: Path, max_bytes: int = DEFAULT_MAX_UPLOAD) -> Path:
    """Copy `src` into upload_dir under its content hash; UploadRefused when too large or unreadable."""
    name = src.name or "tep-tai-len"
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise UploadRefused(f"không đọc được tệp tải lên ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise UploadRefused(f"tệp quá lớn ({size_text(size)}, giới hạn tải lên {size_text(max_bytes)})")
    partial = upload_dir / PARTIAL
    partial.mkdir(parents=True, exist_ok=True)
    tmp = partial / f"{uuid.uuid4().hex}.part"
    digest, total = hashlib.sha256(), 0
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            while block := fin.read(MiB):
                total += len(block)
                if total > max_bytes:  # grew while we copied
                    raise UploadRefused(f"tệp quá lớn (hơn {size_text(max_bytes)}, giới hạn tải lên)")
                digest.update(block)
                fout.write(block)
        folder = upload_dir / digest.hexdigest()[:16]
        target = folder / name
        if target.is_file():  # the same content under the same name: already kept
            tmp.unlink()
        else:
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        return target
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def discard_upload(path: Path, upload_dir: Path) -> None:
    """Delete a kept upload (its ingestion failed) and its hash folder when empty."""
    try:
        path = path.resolve()
        if not path.is_relative_to(upload_dir.resolve()):
            return
        path.unlink(missing_ok=True)
        if path.parent != upload_dir.resolve() and not any(path.parent.iterdir()):
            path.parent.rmdir()
    except OSError:
        pass
