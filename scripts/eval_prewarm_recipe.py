"""Fill the embedding cache with the app's passages of BEIR folders as a given embedding recipe
writes them (index/recipe.py), in the background, so `vankien eval` runs warm after a recipe change.

    nice -n 10 python scripts/eval_prewarm_recipe.py title+path+passage ../shared/eval/uit_regwiki ...
    ... --judged DIR...   only the documents some query judges, those of the tune part first
    ... --judged=tune DIR...   only those the tune part's queries judge
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from index.recipe import document_texts
from vankien.evaluation.app_systems import parse_corpus
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder, default_cache_path


def judged_first(ds, docs: list, parts: tuple[str, ...] = ("tune", "check")) -> list:
    """Only the documents the queries of these parts judge, those of the first part first."""
    from vankien.evaluation.splits import load_split

    split = load_split(ds.name)
    rank: dict[str, int] = {}
    for i, part in enumerate(split.part(p) for p in parts):
        for qid in part:
            for doc_id in ds.qrels.get(qid, {}):
                rank.setdefault(doc_id, i)
    return sorted((d for d in docs if d.doc_id in rank), key=lambda d: rank[d.doc_id])


def main(recipe: str, folders: list[str]) -> None:
    enc = EvalEncoder()
    judged = bool(folders) and folders[0].startswith("--judged")
    parts = tuple(folders[0].split("=", 1)[1].split(",")) if judged and "=" in folders[0] else ("tune", "check")
    for folder in folders[judged:]:
        ds = load_beir(Path(folder))
        t0 = time.time()
        docs = parse_corpus(ds.corpus, None, default_cache_path().parent.parent / "parsed", print)
        if judged:
            docs = judged_first(ds, docs, parts)
        enc.progress = lambda d, n: print(f"{ds.name} {d}/{n} {time.time() - t0:.0f}s", flush=True)
        enc.encode_passages([t for d in docs for t in document_texts(d, recipe)])
        print(f"{ds.name}: done {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
