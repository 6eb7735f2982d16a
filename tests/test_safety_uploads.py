"""Issue 17, item 3 (uploads through the SearchService) and the server answering after a bomb."""
from __future__ import annotations

import importlib.util
import resource
from pathlib import Path

import pytest

from tests.conftest import APP_SAMPLES

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_bad_inputs", ROOT / "scripts" / "bench_bad_inputs.py")
bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bad)


@pytest.fixture
def service(tmp_path, e5_encoder):
    from index.library import Library
    from vankien.services.search import SearchService

    home = tmp_path / "index"
    return SearchService(Library.open(home, encoder=e5_encoder), upload_dir=home / "tai-len",
                         max_upload_bytes=2 << 20)


def _upload(tmp_path: Path, folder: str, name: str, text: str) -> Path:
    """A file as the browser's upload lands it: its own folder, the user's file name."""
    (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    path = tmp_path / folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_different_files_with_one_name_are_two_documents(tmp_path, service):
    first = _upload(tmp_path, "tai-1", "ban-tin.txt", APP_SAMPLES["ke-hoach-95-KH-TU.txt"])
    second = _upload(tmp_path, "tai-2", "ban-tin.txt", APP_SAMPLES["ke-hoach-95-KH-TU.txt"].replace(
        "95-KH/TU", "97-KH/TU").replace("Tổng kết", "Sơ kết"))
    rows = service.ingest_files([first]).table.rows + service.ingest_files([second]).table.rows
    assert [r[1] for r in rows] == ["Đã thêm", "Đã thêm"] and rows[0][2] != rows[1][2]
    assert len(service.documents_table().rows) == 2
    kept = sorted((service.upload_dir).glob("*/ban-tin.txt"))
    assert len(kept) == 2 and kept[0].parent.name != kept[1].parent.name  # one folder per content hash
    assert service.ingest_files([first]).table.rows[0][1] == "Đã có, không thay đổi"  # same content: same copy
    assert len(list(service.upload_dir.glob("*/ban-tin.txt"))) == 2


def test_upload_over_the_limit_is_refused_and_nothing_is_kept(tmp_path, service):
    big = tmp_path / "lon" / "qua-lon.txt"
    big.parent.mkdir()
    with open(big, "wb") as fh:
        fh.write(b"x" * (3 << 20))
    good = _upload(tmp_path, "tai", "ke-hoach.txt", APP_SAMPLES["ke-hoach-95-KH-TU.txt"])
    rows = {r[0]: r for r in service.ingest_files([big, good]).table.rows}
    assert rows["qua-lon.txt"][1] == "Không đọc được" and "quá lớn" in rows["qua-lon.txt"][3]
    assert "2 MiB" in rows["qua-lon.txt"][3]
    assert rows["ke-hoach.txt"][1] == "Đã thêm"
    assert [p.name for p in service.upload_dir.rglob("*") if p.is_file()] == ["ke-hoach.txt"]


def test_upload_is_copied_in_steps_not_read_whole(tmp_path):
    """A 60 MB upload raises this process's peak memory by far less than its size."""
    from vankien.services.uploads import store_upload

    src = tmp_path / "lon.bin"
    with open(src, "wb") as fh:
        for i in range(60):
            fh.write(bytes([i]) * (1 << 20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept = store_upload(src, tmp_path / "tai-len", max_bytes=100 << 20)
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB
    assert kept.read_bytes() == src.read_bytes()
    assert grew < 20 * 1024, grew


def test_half_copied_uploads_are_cleaned_on_start(tmp_path, e5_encoder):
    from index.library import Library
    from vankien.services.search import SearchService
    from vankien.services.uploads import PARTIAL

    home = tmp_path / "index"
    partial = home / "tai-len" / PARTIAL
    partial.mkdir(parents=True)
    (partial / "dang-do.part").write_bytes(b"x" * 1000)
    SearchService(Library.open(home, encoder=e5_encoder), upload_dir=home / "tai-len")
    assert not partial.exists()


def test_server_still_answers_after_a_bomb_upload(tmp_path, app_library):
    """The shared SearchService: a 1 GiB ZIP bomb uploaded is one refused row; search goes on."""
    from vankien.services.search import SearchService

    service = SearchService(app_library, upload_dir=tmp_path / "tai-len")
    (tmp_path / "tai").mkdir()
    bomb = bad.make_bomb_docx(tmp_path / "tai" / "bom.docx")
    summary = service.ingest_files([bomb])
    assert summary.table.rows[0][1] == "Không đọc được" and "bom nén" in summary.table.rows[0][3]
    assert not list((tmp_path / "tai-len").glob("*/bom.docx"))  # the failed copy is not kept
    assert service.search("sinh hoạt chi bộ").cards


def test_the_web_servers_temporary_copy_is_deleted_once_ours_is_made(tmp_path, service, monkeypatch):
    web_tmp = tmp_path / "gradio-tam"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(web_tmp))
    landed = _upload(web_tmp, "a1b2c3", "ke-hoach.txt", APP_SAMPLES["ke-hoach-95-KH-TU.txt"])
    elsewhere = _upload(tmp_path, "cua-toi", "thong-bao.txt", APP_SAMPLES["ke-hoach-95-KH-TU.txt"].replace(
        "95-KH/TU", "99-KH/TU"))
    rows = service.ingest_files([landed, elsewhere]).table.rows
    assert [r[1] for r in rows] == ["Đã thêm", "Đã thêm"]
    assert not landed.exists() and not landed.parent.exists()  # the web server's copy and its folder
    assert elsewhere.exists()  # a file outside the web server's temp folder is never touched
