"""Issue 17, item 2: on a full disk, search and ask work and ingest says why it cannot.

A real full disk: a 20 MB tmpfs (we run as root in CI; skipped where mounting is not permitted),
the index built on it, then the rest of it filled with one file. The embedding cache wraps the
real encoder, as Library.open does, so every new query tries to write.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_app_samples


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "dia"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"không gắn được tmpfs 20 MB: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path) -> None:
    """Write until the disk is full: 64 KiB blocks, then 512-byte ones for the rest. Unbuffered:
    a buffered file that hit ENOSPC raised it again from close(), depending on how the free space
    happened to divide into blocks."""
    for name, size in (("day.bin", 64 << 10), ("day2.bin", 512)):
        fd = os.open(disk / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            while os.write(fd, b"\0" * size) == size:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)


@pytest.fixture
def full_library(tiny_disk, tmp_path, e5_encoder):
    from index.library import Library
    from models.cache import CachedEncoder

    home = tiny_disk / "chi-muc"
    encoder = CachedEncoder(e5_encoder, home / "cache" / "embeddings.sqlite")
    lib = Library.open(home, encoder=encoder)
    corpus = write_app_samples(tmp_path / "mau")
    extra = corpus / "ke-hoach-95-KH-TU.txt"
    kept = extra.read_text(encoding="utf-8")
    extra.unlink()
    assert not lib.ingest([corpus]).failed
    extra.write_text(kept.replace("95-KH/TU", "96-KH/TU"), encoding="utf-8")  # new content, not indexed
    _fill(tiny_disk)
    assert os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize < 64 << 10
    return lib, encoder, extra


def _generations(home: Path) -> list[str]:
    return sorted(p.name for p in home.glob("gen-*"))


def test_search_and_ask_work_on_a_full_disk(full_library):
    from vankien.services.answers import AnswerService
    from vankien.services.search import SearchService

    lib, encoder, _ = full_library
    view = SearchService(lib).search("chương trình hành động của cấp ủy năm nay")  # never asked: not cached
    assert view.cards and not view.error
    answer = AnswerService(lib).ask("ai ký kế hoạch của tỉnh ủy", use_llm=False)
    assert answer.passages
    assert encoder.failed_writes >= 1  # the cache really could not write, and nothing broke


def test_ingest_on_a_full_disk_says_why_and_leaves_nothing_behind(full_library):
    from index.diskspace import DiskFullError
    from vankien.services.search import SearchService

    lib, _, extra = full_library
    before = _generations(lib.home)
    with pytest.raises(DiskFullError) as info:
        lib.ingest([extra])
    assert "Không đủ chỗ trống" in str(info.value) and "cần khoảng" in str(info.value)
    summary = SearchService(lib, upload_dir=lib.home / "tai-len").ingest_files([extra])
    assert summary.table.rows[0][1] == "Không đọc được"
    assert "chỗ trống" in summary.table.rows[0][3] or "đĩa" in summary.table.rows[0][3]
    assert _generations(lib.home) == before and lib.search("kế hoạch", k=1)


def test_a_commit_that_fails_mid_write_removes_its_generation(full_library, monkeypatch):
    """The free-space estimate passed (forced here), the writes fail: DiskFullError, not a
    sqlite3/numpy traceback, and no half-written generation keeps the disk full."""
    from index import diskspace

    lib, _, extra = full_library
    before = _generations(lib.home)
    monkeypatch.setattr(diskspace, "ensure_room", lambda home, need: None)
    with pytest.raises(diskspace.DiskFullError) as info:
        lib.ingest([extra])
    assert info.value.__cause__ is not None  # translated from the real failed write
    assert _generations(lib.home) == before
    assert lib.search("kế hoạch", k=1)  # the live index is untouched


def test_cli_search_and_ingest_on_a_full_disk(full_library, capsys):
    from vankien.cli.main import main

    lib, _, extra = full_library
    assert main(["search", "đảng viên sinh hoạt ở đâu", "--index", str(lib.home)]) == 0
    out = capsys.readouterr()
    assert "1." in out.out and "Traceback" not in out.err
    assert main(["ingest", str(extra), "--index", str(lib.home)]) == 3
    err = capsys.readouterr().err
    assert "LỖI: Không đủ chỗ trống" in err and "Traceback" not in err
