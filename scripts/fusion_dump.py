"""Dump each query's keyword and dense passage rankings (ids + raw scores, 100 deep) of the app's
Library over BEIR folders, so fusion methods can be tried offline in seconds
(scripts/fusion_lab.py). One pickle per set: {queries, kw, de, named, doc_of, qrels, split}.

    nice -n 10 python scripts/fusion_dump.py OUT_DIR ../shared/eval/uit_regwiki ... [--recipe R]
"""
from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

from index.filters import named_docs
from index.settings import RetrievalSettings
from vntext.normalize import normalize_query
from vankien.evaluation.app_systems import AppConfig, AppIndex
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder, default_cache_path
from vankien.evaluation.splits import load_split


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--recipe", default=None, help="embedding recipe (index/recipe.py); default: the app's")
    ap.add_argument("--depth", type=int, default=100)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    enc = EvalEncoder()
    settings = RetrievalSettings(**({"embed_recipe": args.recipe} if args.recipe else {}))
    for folder in args.dirs:
        t0 = time.time()
        ds = load_beir(folder)
        split = load_split(ds.name)
        app = AppIndex(enc, AppConfig(retrieval=settings), print, default_cache_path().parent.parent / "parsed")
        app.build(ds.corpus)
        lib = app.lib
        texts = list(dict.fromkeys(normalize_query(q.text) for q in ds.queries))
        enc.encode_queries([t for t in texts if t])
        rows = []
        for q in ds.queries:
            k = lib.keyword_search(q.text, args.depth)
            d = lib.dense_search(q.text, args.depth)
            nq = normalize_query(q.text)
            rows.append((q.id, q.text, [(h.pid, h.score) for h in k], [(h.pid, h.score) for h in d],
                         named_docs(lib._fields, nq) if nq else []))
        doc_of = dict(lib._pid_doc)
        data = {"name": ds.name, "rows": rows, "doc_of": doc_of, "qrels": ds.qrels,
                "split": {"tune": split.tune, "check": split.check}, "boilerplate": set(lib.boilerplate)}
        (args.out / f"{ds.name}.pkl").write_bytes(pickle.dumps(data))
        app.close()
        print(f"{ds.name}: {len(rows)} queries, {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
