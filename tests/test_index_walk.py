"""Walking a folder: every document file is taken (unsupported ones get reported), notes are not."""
from pathlib import Path

from index.library import Library


def test_walk_takes_all_files_but_hidden_and_readme(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["a.txt", "b.pdf", "sub/c.odt", "README.md", ".hidden.txt", ".git/config", "sub/anh.jpg"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    names = sorted(str(p.relative_to(tmp_path)) for p in Library.walk([tmp_path]))
    assert names == ["a.txt", "b.pdf", "sub/anh.jpg", "sub/c.odt"]


def test_explicit_file_is_always_taken(tmp_path: Path):
    note = tmp_path / "README.md"
    note.write_text("x", encoding="utf-8")
    assert Library.walk([note]) == [note]
