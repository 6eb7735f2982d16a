"""Keyword-only search latency on alqac, three versions of index/keyword.py in one process on the
same tokens (issue 14: "at 86k nothing gets slower than today"), interleaved rounds. Not a test.

    .venv/bin/python scripts/bench_keyword_versions.py [--rounds 3] [--set ../shared/eval/alqac]

Versions: bm25s before segments (git 74a18e9^), own BM25 segments with a loop per query term
(git 7ecf710, main before issue 14's second pass), and the working tree (vectorised per segment).
Needs the git history (a clone) and ../shared/eval.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VERSIONS = (("bm25s, before segments", "74a18e9^"), ("segments, a loop per term", "7ecf710"))


def _module(name: str, commit: str, folder: Path):
    path = folder / f"{name}.py"
    path.write_text(subprocess.run(["git", "show", f"{commit}:index/keyword.py"], cwd=ROOT, check=True,
                                   capture_output=True, text=True).stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, default=ROOT.parent / "shared" / "eval" / "alqac")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import index.keyword as working
    from index.tokenize import passage_tokens
    from vntext.normalize import normalize_query, normalize_text

    docs = [json.loads(line) for line in open(args.set / "corpus.jsonl", encoding="utf-8")]
    queries = [normalize_query(json.loads(line)["text"]) for line in open(args.set / "queries.jsonl", encoding="utf-8")]
    tokens = [passage_tokens(normalize_text(f"{d.get('title', '')}\n{d['text']}"), word_segment=False) for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        modules = [(label, _module(f"kw_{i}", commit, Path(tmp))) for i, (label, commit) in enumerate(VERSIONS)]
    modules.append(("segments, vectorised (this tree)", working))
    indexes = []
    for label, module in modules:
        index = module.KeywordIndex()
        index.index(range(len(docs)), tokens)
        index.search(queries[0], 10)
        indexes.append((label, index))
    tops = [[[h.pid for h in index.search(q, 10)] for q in queries] for _, index in indexes[1:]]
    times: dict[str, list[float]] = {label: [] for label, _ in indexes}
    for _ in range(args.rounds):
        for label, index in indexes:
            for q in queries:
                t0 = time.perf_counter()
                index.search(q, 10)
                times[label].append(time.perf_counter() - t0)
    print(f"{args.set.name}: {len(docs)} passages, {len(queries)} queries x {args.rounds} rounds; "
          f"same top 10 as the loop per term: {tops[0] == tops[1]}")
    for label, t in times.items():
        print(f"{label:34s} p50 {np.percentile(t, 50) * 1000:.2f} ms  p95 {np.percentile(t, 95) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
