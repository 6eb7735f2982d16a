"""Fill the embedding cache with query and whole-document embeddings of BEIR folders, in the
background, so that `vankien eval` itself runs warm.

    python scripts/eval_prewarm.py ../shared/eval/uit_regwiki ../shared/eval/alqac ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from vankien.evaluation.baselines import whole_doc_text
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder


def main(folders: list[str]) -> None:
    enc = EvalEncoder()
    for folder in folders:
        ds = load_beir(Path(folder))
        t0 = time.time()
        enc.progress = lambda d, n: print(f"{ds.name} {d}/{n} {time.time() - t0:.0f}s", flush=True)
        enc.encode_queries([q.text for q in ds.queries])
        print(f"{ds.name}: queries done {time.time() - t0:.0f}s", flush=True)
        enc.encode_passages([whole_doc_text(d) for d in ds.corpus])
        print(f"{ds.name}: whole docs done {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
