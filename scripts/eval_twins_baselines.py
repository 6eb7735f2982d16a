"""The plain baselines with the app's twin rule (index/twins.py) applied to their document lists:
how much of the hybrid's alqac margin is the rule itself, and how much is the ranking.

    python scripts/eval_twins_baselines.py ../shared/eval/alqac --split check

Each baseline's ranking (40 deep) is collapsed as the Library collapses passages: documents whose
texts have one twin_key are one result, the citable copy (a number in the title) at the group's
best place, the other copies right after it (the card names them). Prints nDCG@10 / Recall@1 / Recall@10 without and with the rule.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from index.twins import citable_rank, collapse_twins, twin_key
from ingest.records import DocumentHeader
from vankien.evaluation.baselines import BM25Syllables, E5WholeDoc
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder
from vankien.evaluation.metrics import mean_scores, score_query
from vankien.evaluation.splits import load_split, restrict
from vntext.normalize import normalize_text


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("dir", type=Path)
    p.add_argument("--split", choices=("tune", "check"), default=None)
    args = p.parse_args()
    ds = load_beir(args.dir)
    if args.split:
        ds = restrict(ds, load_split(ds.name).part(args.split))
    # one "passage" per document: its ids stand for pids, its header is its title (no metadata here)
    ids = [d.id for d in ds.corpus]
    pid = {d: i for i, d in enumerate(ids)}
    keys = {i: twin_key(normalize_text(d.text)) for i, d in enumerate(ds.corpus)}
    ranks = {d.id: citable_rank(DocumentHeader(title=normalize_text(d.title))) for d in ds.corpus}
    encoder = EvalEncoder()
    for system in (BM25Syllables(), E5WholeDoc(encoder)):
        system.index(ds.corpus)
        plain, twins = [], []
        for q in ds.queries:
            ranking = system.search(q.text, 40)
            plain.append(score_query(ranking[:10], ds.qrels[q.id]))
            kept, also = collapse_twins([pid[d] for d in ranking], ids.__getitem__, keys, ranks.__getitem__)
            # as the app's eval counts a hit: the kept copy, then the twins its card names
            shown = [d for i in kept for d in (ids[i], *also.get(i, ()))]
            twins.append(score_query(shown[:10], ds.qrels[q.id]))
        for label, per_query in (("plain", plain), ("twin rule", twins)):
            m = mean_scores(per_query)
            print(f"{ds.name} {args.split or 'all'} {system.key:5s} {label:9s} nDCG@10 {m['nDCG@10']:.4f}  "
                  f"R@1 {m['Recall@1']:.4f}  R@10 {m['Recall@10']:.4f}", flush=True)


if __name__ == "__main__":
    main()
