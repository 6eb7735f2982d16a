"""Retrieval experiments on a BEIR folder, over ONE throwaway Library built the app's way.

Variants are computed from the Library's own parts (keyword index, dense index, store) with
index.fusion.rrf, so they need no change to index/ or ingest/:

- keyword tokens: app (syllables + underthesea words + folded + numbers), app without words,
  plain lowercased syllables; each with or without the document title prepended to every passage;
- dense: passage text as the app embeds it; optionally (--embed-title) title + passage;
- fusion: RRF k, weights, depth; passage-level (as Library.search) vs document-level (each
  ranking collapsed to documents by best passage, then fused).

    python scripts/eval_experiments.py ../shared/eval/uit_regwiki [--limit N] [--embed-title]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from index.fusion import rrf
from index.keyword import KeywordIndex
from index.tokenize import passage_tokens
from vntext.normalize import normalize_query
from vankien.evaluation.app_systems import AppIndex
from vankien.evaluation.baselines import BM25Scorer, syllables
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder, default_cache_path
from vankien.evaluation.metrics import mean_scores, score_query


def first_docs(pids, doc_of, k=10):
    out = []
    for p in pids:
        d = doc_of[p]
        if d not in out:
            out.append(d)
            if len(out) == k:
                break
    return out


def merge_passages(max_tokens: int):
    """passage_transform: join consecutive passages of a document while they fit in max_tokens
    syllables, across section boundaries (what the chunker's min_tokens rule does not do when every
    numbered clause is its own top-level section, as in law articles)."""
    import dataclasses

    def run(doc):
        groups, cur, n = [], [], 0
        for p in doc.passages:
            size = len(p.text.split())
            if cur and n + size > max_tokens:
                groups.append(cur)
                cur, n = [], 0
            cur.append(p)
            n += size
        if cur:
            groups.append(cur)
        merged = tuple(
            dataclasses.replace(g[0], ordinal=i, start=g[0].start, end=g[-1].end, text=doc.text[g[0].start:g[-1].end])
            for i, g in enumerate(groups))
        return dataclasses.replace(doc, passages=merged)

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--embed-title", action="store_true")
    ap.add_argument("--max-tokens", type=int, default=0, help="parse_text max_tokens (0: app default)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--small-grid", action="store_true", help="skip the tokens x level x k grid")
    ap.add_argument("--merge", type=int, default=0, help="join consecutive passages up to N syllables")
    ap.add_argument("--keyword-only", action="store_true", help="no embeddings: keyword variants only")
    ap.add_argument("--fusion-only", action="store_true",
                    help="the app's keyword and dense rankings only, fused over a grid of RRF k x dense weight")
    args = ap.parse_args()
    ds = load_beir(args.dir)
    queries = ds.queries[: args.limit] if args.limit else ds.queries
    from vankien.evaluation.encoders import NullEncoder

    enc = NullEncoder() if args.keyword_only else EvalEncoder()
    from vankien.evaluation.app_systems import AppConfig

    chunk = {"max_tokens": args.max_tokens} if args.max_tokens else {}
    app = AppIndex(enc, AppConfig(chunk=chunk, passage_transform=merge_passages(args.merge) if args.merge else None), log=lambda s: print(s, file=sys.stderr, flush=True),
                   parse_cache=default_cache_path().parent.parent / "parsed")
    t0 = time.time()
    app.build(ds.corpus)
    print(f"built {app.n_passages} passages in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    lib = app.lib
    rows = sorted(lib.passage_vectors()[0], key=lambda r: r.pid)
    pids = [r.pid for r in rows]
    doc_of = {r.pid: r.doc_id for r in rows}
    titles = {d.doc_id: d.title for d in lib.documents()}
    texts = [r.text for r in rows]
    titled = [f"{titles.get(doc_of[p], '')}\n{t}" for p, t in zip(pids, texts)]
    depth_max = 200

    # keyword variants -> passage rankings per query
    def bm25_variant(token_lists, qtok):
        s = BM25Scorer()
        s.index(token_lists)
        return {q.id: [pids[i] for i, _ in s.top(qtok(q.text), depth_max)] for q in queries}

    kw: dict[str, dict[str, list[int]]] = {}
    kw["app"] = {q.id: [h.pid for h in lib.keyword_search(q.text, depth_max)] for q in queries}
    print("keyword app done", file=sys.stderr, flush=True)
    if args.fusion_only:
        fusion_grid(app, enc, queries, ds.qrels, kw["app"], doc_of, depth_max)
        app.close()
        return
    from index.tokenize import query_tokens

    kw["app-title"] = _kw_index([passage_tokens(t) for t in titled], pids, queries, depth_max)
    kw["app-nowords"] = _kw_index([passage_tokens(t, word_segment=False) for t in texts], pids, queries, depth_max)
    kw["app-nowords-title"] = _kw_index([passage_tokens(t, word_segment=False) for t in titled], pids, queries, depth_max)
    kw["syl"] = bm25_variant([syllables(t) for t in texts], syllables)
    kw["syl-title"] = bm25_variant([syllables(t) for t in titled], syllables)
    print("keyword variants done", file=sys.stderr, flush=True)

    if args.keyword_only:
        for name, r in kw.items():
            per_q = [score_query(first_docs(r[q.id], doc_of), ds.qrels[q.id]) for q in queries]
            m = mean_scores(per_q)
            print(f"keyword {name:<40} R@1 {m['Recall@1']:.3f} R@10 {m['Recall@10']:.3f} "
                  f"MRR {m['MRR@10']:.3f} nDCG@10 {m['nDCG@10']:.3f}", flush=True)
        app.close()
        return
    qv = {q.id: enc.encode_query(normalize_query(q.text)) for q in queries}
    de: dict[str, dict[str, list[int]]] = {}
    de["app"] = {q.id: [h.pid for h in lib.dense_search(q.text, depth_max)] for q in queries}
    if args.embed_title:
        V = enc.encode_passages(titled)
        de["title"] = {q.id: [pids[i] for i in np.argsort(-(V @ qv[q.id]), kind="stable")[:depth_max]] for q in queries}

    results = {}

    def record(name, ranking_of):
        per_q = [score_query(ranking_of(q), ds.qrels[q.id]) for q in queries]
        m = mean_scores(per_q)
        results[name] = m
        print(f"{name:<48} R@1 {m['Recall@1']:.3f} R@10 {m['Recall@10']:.3f} MRR {m['MRR@10']:.3f} nDCG@10 {m['nDCG@10']:.3f}", flush=True)

    record("hybrid = Library.search (app)", lambda q: app.hybrid_docs(q.text, 100, 10))
    for name, r in kw.items():
        record(f"keyword {name}", lambda q, r=r: first_docs(r[q.id], doc_of))
    for name, r in de.items():
        record(f"dense {name}", lambda q, r=r: first_docs(r[q.id], doc_of))

    def fuse(kr, dr, k=60, wk=1.0, wd=1.0, depth=100, level="passage"):
        def run(q):
            a, b = kr[q.id][:depth], dr[q.id][:depth]
            if level == "doc":
                a, b = first_docs(a, doc_of, depth), first_docs(b, doc_of, depth)
                return [d for d, _ in rrf([b, a], k=k, weights=[wd, wk])][:10]
            return first_docs([p for p, _ in rrf([b, a], k=k, weights=[wd, wk])], doc_of)
        return run

    record("fusion app tokens, k60 passage d100 (≈app)", fuse(kw["app"], de["app"]))
    for kname in ([] if args.small_grid else kw):
        for dname in de:
            for level in ("passage", "doc"):
                for k in (60, 20, 5):
                    record(f"fusion kw={kname} de={dname} {level} k{k}", fuse(kw[kname], de[dname], k=k, level=level))
    for wk, wd in ((1.0, 0.5), (0.5, 1.0), (1.0, 0.75), (0.75, 1.0)):
        record(f"fusion app/app passage k60 wk{wk} wd{wd}", fuse(kw["app"], de["app"], wk=wk, wd=wd))
    for kname in ("app", "app-nowords"):
        for k in (5, 10, 20):
            for wk, wd in ((1.0, 0.5), (1.0, 0.75)):
                record(f"fusion kw={kname} de=app passage k{k} wk{wk} wd{wd}",
                       fuse(kw[kname], de["app"], k=k, wk=wk, wd=wd))
    for depth in (20, 50, 200):
        record(f"fusion app/app passage k60 depth{depth}", fuse(kw["app"], de["app"], depth=depth))
    app.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


def fusion_grid(app, enc, queries, qrels, kw, doc_of, depth_max):
    """The app's own keyword and dense rankings (whatever the current settings build), fused
    passage-level as Library.search does, over RRF k x (keyword weight 1, dense weight w)."""
    de = {q.id: [h.pid for h in app.lib.dense_search(q.text, depth_max)] for q in queries}

    def show(name, ranking_of):
        m = mean_scores([score_query(ranking_of(q), qrels[q.id]) for q in queries])
        print(f"{name:<40} R@1 {m['Recall@1']:.3f} R@10 {m['Recall@10']:.3f} MRR {m['MRR@10']:.3f} "
              f"nDCG@10 {m['nDCG@10']:.3f}", flush=True)

    show("hybrid = Library.search (app)", lambda q: app.hybrid_docs(q.text, 100, 10))
    show("keyword (app)", lambda q: first_docs(kw[q.id], doc_of))
    show("dense (app)", lambda q: first_docs(de[q.id], doc_of))
    for k in (2, 5, 10, 20, 60):
        for wd in (0.25, 0.5, 0.75, 1.0):
            show(f"rrf k{k} keyword 1 dense {wd}", lambda q, k=k, wd=wd: first_docs(
                [p for p, _ in rrf([de[q.id][:100], kw[q.id][:100]], k=k, weights=[wd, 1.0])], doc_of))


def _kw_index(token_lists, pids, queries, depth):
    idx = KeywordIndex()
    idx.index(pids, token_lists)
    return {q.id: [h.pid for h in idx.search(q.text, depth)] for q in queries}


if __name__ == "__main__":
    main()
