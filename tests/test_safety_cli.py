"""Issue 17, item 7: the smaller CLI failures end in a clear Vietnamese message, not a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import APP_SAMPLES, write_app_samples

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vankien.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_parse_a_folder_says_to_give_a_file(tmp_path, capsys):
    from vankien.cli.main import main

    assert main(["parse", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "là một thư mục" in err and "vankien ingest" in err


def test_index_that_is_a_file_or_missing_is_said_and_not_created(tmp_path, capsys):
    from vankien.cli.main import main

    a_file = tmp_path / "ghi-chu.txt"
    a_file.write_text("x", encoding="utf-8")
    for command in (["search", "chi bộ"], ["stats"], ["remove", "x"]):
        assert main([*command, "--index", str(a_file)]) == 2
        assert "là một tệp, không phải thư mục chỉ mục" in capsys.readouterr().err
    missing = tmp_path / "khong-co"
    assert main(["search", "chi bộ", "--index", str(missing)]) == 2
    assert f"Chỉ mục {missing} không tồn tại" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="không tồn tại"):
        main(["ask", "chi bộ họp khi nào", "--index", str(missing), "--no-llm"])
    assert not missing.exists()


def test_empty_folder_ingests_with_a_warning(tmp_path, capsys):
    from vankien.cli.main import main

    (tmp_path / "trong").mkdir()
    assert main(["ingest", str(tmp_path / "trong"), "--index", str(tmp_path / "idx")]) == 1
    assert "không có tệp nào để nạp" in capsys.readouterr().err
    assert not (tmp_path / "idx").exists()


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    corpus = write_app_samples(tmp_path_factory.mktemp("mau"))
    home = tmp_path_factory.mktemp("idx") / "chi-muc"
    done = _cli("ingest", str(corpus), "--index", str(home))
    assert done.returncode == 0, done.stderr
    return home


def test_search_json_piped_into_head_prints_no_traceback(small_index):
    command = f"{sys.executable} -m vankien.cli.main search 'chi bộ' -k 50 --json --index {small_index}"
    pipe = subprocess.run(f"{command} | head -c 20", shell=True, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert pipe.stdout.startswith("[")
    # `true` exits before the search prints a byte: the write surely meets a closed pipe
    closed = subprocess.run(f"{command} | true", shell=True, cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    for run in (pipe, closed):
        assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr


def test_ingest_limits_from_the_command_line(tmp_path, small_index):
    doc = tmp_path / "dai.txt"
    doc.write_text(APP_SAMPLES["ke-hoach-95-KH-TU.txt"] * 3, encoding="utf-8")
    done = _cli("ingest", str(doc), "--index", str(small_index), "--max-passages", "2")
    assert done.returncode == 1
    assert "vượt giới hạn 2: " in done.stderr and "--max-passages" in done.stderr and "Traceback" not in done.stderr


def test_views_see_a_cli_ingest_without_a_search(tmp_path, small_index):
    """The Văn bản table and the links dropdown read the generation a CLI ingest committed."""
    from index.library import Library
    from vankien.services.search import SearchService
    from vankien.ui.answer_tabs import _doc_choices, as_answer_service

    service = SearchService(Library.open(small_index))
    seen = service.generation()
    before = len(service.documents_table().rows)
    new = tmp_path / "moi.txt"
    new.write_text(APP_SAMPLES["ke-hoach-95-KH-TU.txt"].replace("95-KH/TU", "98-KH/TU"), encoding="utf-8")
    assert not service.changed_since(seen)
    done = _cli("ingest", str(new), "--index", str(small_index))
    assert done.returncode == 0, done.stderr
    assert service.changed_since(seen)
    assert len(service.documents_table().rows) == before + 1
    assert len(_doc_choices(as_answer_service(service))) == before + 1
