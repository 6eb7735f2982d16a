"""Fill the embedding cache with the app's passages of BEIR folders as a given embedding recipe
writes them (index/recipe.py), in the background, so `vankien eval` runs warm after a recipe change.

    nice -n 10 python scripts/eval_prewarm_recipe.py title+path+passage ../shared/eval/uit_regwiki ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from index.recipe import document_texts
from vankien.evaluation.app_systems import parse_corpus
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder, default_cache_path


def main(recipe: str, folders: list[str]) -> None:
    enc = EvalEncoder()
    for folder in folders:
        ds = load_beir(Path(folder))
        t0 = time.time()
        docs = parse_corpus(ds.corpus, None, default_cache_path().parent.parent / "parsed", print)
        enc.progress = lambda d, n: print(f"{ds.name} {d}/{n} {time.time() - t0:.0f}s", flush=True)
        enc.encode_passages([t for d in docs for t in document_texts(d, recipe)])
        print(f"{ds.name}: done {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
