"""An index of one small text file, and its manifest: for tests of what an index records and of
indexes that must ask to be rebuilt."""
from __future__ import annotations

import json
from pathlib import Path

from index import generations
from index.library import Library


def one_file_index(tmp_path: Path, text: str) -> tuple[Path, Path, dict]:
    """(index folder, its current manifest, the manifest's data) after ingesting `text`."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(text, encoding="utf-8")
    Library.open(tmp_path / "idx").ingest([tmp_path / "docs"])
    manifest = generations.current(tmp_path / "idx") / "manifest.json"
    return tmp_path / "idx", manifest, json.loads(manifest.read_text(encoding="utf-8"))
