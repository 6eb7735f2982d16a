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


def first_passages(ds, n: int):
    """The data set cut to its first documents holding at most n passages (app chunking)."""
    from dataclasses import replace

    from vankien.evaluation.app_systems import parse_corpus

    keep, total = set(), 0
    for doc in parse_corpus(ds.corpus, None, default_cache_path().parent.parent / "parsed"):
        total += len(doc.passages)
        if total > n:
            break
        keep.add(doc.doc_id)
    queries = tuple(q for q in ds.queries if set(ds.qrels.get(q.id, {})) <= keep)
    return replace(ds, corpus=tuple(d for d in ds.corpus if d.id in keep), queries=queries,
                   qrels={q.id: ds.qrels[q.id] for q in queries})


def judged_only(ds):
    from dataclasses import replace

    keep = {d for qrels in ds.qrels.values() for d in qrels}
    return replace(ds, corpus=tuple(d for d in ds.corpus if d.id in keep))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--recipe", default=None, help="embedding recipe (index/recipe.py); default: the app's")
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--max-passages", type=int, default=0,
                    help="only the first corpus documents up to N passages, and the queries judged on them "
                         "(a paired comparison while the embedding cache is still filling)")
    ap.add_argument("--judged", action="store_true",
                    help="only the documents some query judges (no distractors): a paired comparison "
                         "on what scripts/eval_prewarm_recipe.py --judged embeds first")
    ap.add_argument("--part", choices=("tune", "check"), default=None, help="only this part's queries")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    enc = EvalEncoder()
    settings = RetrievalSettings(**({"embed_recipe": args.recipe} if args.recipe else {}))
    for folder in args.dirs:
        t0 = time.time()
        ds = load_beir(folder)
        split = load_split(ds.name)
        if args.max_passages:
            ds = first_passages(ds, args.max_passages)
        if args.part:
            from vankien.evaluation.splits import restrict

            ds = restrict(ds, split.part(args.part))
        if args.judged:
            ds = judged_only(ds)
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
