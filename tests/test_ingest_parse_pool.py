"""Parsing in a pool of isolated workers (ingest/parse_pool.py) beside embedding: an ingestion with
2 workers gives the same index as with 1, and the pool really parses two files at once."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index.library import Library
from ingest.parse_pool import ParsePool, parse_pool
from tests.index_fixtures import HashEncoder

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _snapshot(lib: Library) -> tuple:
    docs = sorted((d.doc_id, d.title, d.number, d.date, d.n_passages) for d in lib.documents())
    rows, vectors = lib.passage_vectors()
    passages = sorted((r.doc_id, r.text) for r in rows)
    searches = [[(h.doc_id, h.text[:40]) for h in lib.search(q, 5)]
                for q in ("sinh hoạt chi bộ", "chỉ thị 45", "kiểm điểm đảng viên cuối năm")]
    return docs, passages, round(float(vectors.sum()), 3), searches


@pytest.mark.parametrize("workers", [2])
def test_two_workers_give_the_index_of_one(tmp_path, workers):
    files = sorted(CORPUS.iterdir())
    assert len(files) >= 10, "corpus/ is missing documents"
    one = Library.open(tmp_path / "one", encoder=HashEncoder(), parser=parse_pool(1))
    report_one = one.ingest(files)
    pool = ParsePool(workers)
    try:
        many = Library.open(tmp_path / "many", encoder=HashEncoder(), parser=pool)
        report_many = many.ingest(files)
    finally:
        pool.close()
    assert [(o.path, o.status) for o in report_many.outcomes] == [(o.path, o.status) for o in report_one.outcomes]
    assert _snapshot(many) == _snapshot(one)
    assert report_one.count("added") >= 10


def test_the_pool_parses_in_two_low_priority_processes_at_once(tmp_path):
    texts = []
    for i in range(6):
        p = tmp_path / f"tb{i}.txt"
        p.write_text(f"THÔNG BÁO số {i}-TB/ĐU\nChi bộ {i} sinh hoạt chuyên đề.\n", encoding="utf-8")
        texts.append(p)
    pool = ParsePool(2)
    try:
        with ThreadPoolExecutor(2) as run:
            docs = list(run.map(pool.parse, texts))
        assert all(f"Chi bộ {i} sinh hoạt" in d.text for i, d in enumerate(docs))  # each its own file
        pids = pool.pids()
        assert len(pids) == 2, "two files at once need two worker processes"
        assert all(os.getpriority(os.PRIO_PROCESS, pid) >= 10 for pid in pids)  # searches come first
    finally:
        pool.close()
