"""Atomic saves: every commit writes a new generation folder, then switches the CURRENT pointer.

    home/CURRENT          name of the live generation, replaced with os.replace (atomic)
    home/gen-000007/      store.sqlite, dense_*.npy, keyword_pids.npy, bm25/, manifest.json
    home/cache/           embedding cache (only a cache: outside the generations)
    home/.lock            held while a process writes a new generation

A process killed mid-ingestion leaves a half-written gen folder that CURRENT never named; the
next commit deletes it. A commit that fails (a full disk) deletes its folder at once
(index/diskspace.py `committing`), so failed attempts do not keep the disk full.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

POINTER = "CURRENT"
PREFIX = "gen-"


def current(home: Path) -> Path | None:
    try:
        name = (home / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = home / name
    return folder if name.startswith(PREFIX) and (folder / "manifest.json").exists() else None


def new_folder(home: Path) -> Path:
    numbers = [int(p.name[len(PREFIX):]) for p in home.glob(PREFIX + "*") if p.name[len(PREFIX):].isdigit()]
    folder = home / f"{PREFIX}{max(numbers, default=0) + 1:06d}"
    folder.mkdir()
    return folder


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(home: Path, folder: Path, manifest: dict) -> None:
    """Make `folder` the live generation: manifest last, fsync, then swap the pointer."""
    for f in folder.rglob("*"):
        if f.is_file():
            with open(f, "rb+") as fh:
                os.fsync(fh.fileno())
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync_dir(folder)
    tmp = home / (POINTER + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(folder.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, home / POINTER)
    _fsync_dir(home)


def cleanup(home: Path, keep: Path | None) -> None:
    """Delete every generation folder but `keep` (old ones and crash leftovers)."""
    for p in home.glob(PREFIX + "*"):
        if p.is_dir() and (keep is None or p.name != keep.name):
            shutil.rmtree(p, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@contextmanager
def write_lock(home: Path):
    """One writer per index folder; readers never wait."""
    with open(home / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
