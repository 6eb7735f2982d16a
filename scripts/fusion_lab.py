"""Fusion methods tried offline on the rankings scripts/fusion_dump.py saved (issue 13): each
prints nDCG@10 (Recall@10) on the tune and check parts of every set. Settings are chosen on tune.

    python scripts/fusion_lab.py DUMP_DIR [--lr] [--types]   (keyword PRF: scripts/fusion_prf.py)

The document ranking is what the app's hybrid gives: named documents first, then documents in
order of their first passage (tests: the "rrf" row reproduces `vankien eval --systems hybrid`
before issue 13, the "z" row after it).
"""
from __future__ import annotations

import argparse
import math
import pickle
from pathlib import Path

import numpy as np

from index.fusion import rrf, zscore_fusion

SETS = ("uit_regwiki", "vinewsqa", "alqac")


def ndcg(ranking, qrels):
    dcg = sum(qrels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:10]))
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranking, qrels):
    rel = {d for d, g in qrels.items() if g > 0}
    return len(rel & set(ranking[:10])) / len(rel) if rel else 0.0


def first_docs(pids, doc_of, named):
    return list(dict.fromkeys([*named, *(doc_of[p] for p in pids)]))[:10]


def evaluate(data, fuse):
    out = {}
    for s, dd in data.items():
        for part in ("tune", "check"):
            ids = set(dd["split"][part])
            n, r = [], []
            for row in dd["rows"]:
                if row[0] in ids and row[0] in dd["qrels"]:
                    ranking = first_docs(fuse(row), dd["doc_of"], row[4])
                    n.append(ndcg(ranking, dd["qrels"][row[0]]))
                    r.append(recall(ranking, dd["qrels"][row[0]]))
            out[(s, part)] = (float(np.mean(n)), float(np.mean(r)))
    return out


def show(name, res):
    cells = " ".join(f"{res[(s, p)][0]:.3f} ({res[(s, p)][1]:.3f})" for s in SETS for p in ("tune", "check")
                     if (s, p) in res)
    print(f"{name:44s} {cells}", flush=True)


def z(a, missing=0.5, rank_weight=5.0):
    return lambda row: [p for p, _ in zscore_fusion([row[2], row[3]], [1 - a, a], missing, rank_weight, 5)]


def adaptive(lo, hi, m=10):
    """dense weight from the agreement of the two lists' first m passages"""
    def run(row):
        agree = len({p for p, _ in row[2][:m]} & {p for p, _ in row[3][:m]}) / m
        return z(lo + (hi - lo) * agree)(row)
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump", type=Path)
    ap.add_argument("--lr", action="store_true", help="logistic regression on rank/score features (scikit-learn)")
    ap.add_argument("--types", action="store_true", help="per query type (tune parts)")
    args = ap.parse_args()
    data = {s: pickle.loads((args.dump / f"{s}.pkl").read_bytes()) for s in SETS if (args.dump / f"{s}.pkl").exists()}
    print(f"{'method':44s} " + " ".join(f"{s} {p}" for s in data for p in ("tune", "check")))
    show("keyword", evaluate(data, lambda row: [p for p, _ in row[2]]))
    show("dense", evaluate(data, lambda row: [p for p, _ in row[3]]))
    for k, wd in ((5, 0.5), (2, 0.5), (5, 0.25), (1, 0.5)):
        show(f"rrf k {k}, dense {wd}", evaluate(data, lambda row, k=k, wd=wd: [
            p for p, _ in rrf([[p for p, _ in row[3]], [p for p, _ in row[2]]], k, [wd, 1.0])]))
    for a in (0.1, 0.2, 0.3, 0.35, 0.4):
        show(f"z dense {a}, missing 0.5, rank term 5", evaluate(data, z(a)))
    for miss, rw in ((0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (1.0, 5.0)):
        show(f"z dense 0.3, missing {miss}, rank term {rw}", evaluate(data, z(0.3, miss, rw)))
    for lo, hi in ((0.2, 0.5), (0.25, 0.45), (0.1, 0.5)):
        show(f"z, dense {lo}..{hi} by top-10 agreement", evaluate(data, adaptive(lo, hi)))

    def doc_top2(lam):
        def run(row, dd):
            fused = zscore_fusion([row[2], row[3]], [0.7, 0.3], 0.5, 5.0, 5)
            best: dict[str, list[float]] = {}
            for p, v in fused:
                best.setdefault(dd["doc_of"][p], []).append(v)
            floor = fused[-1][1] if fused else 0.0
            agg = {d: v[0] + lam * (v[1] if len(v) > 1 else floor) for d, v in best.items()}
            return sorted(agg, key=lambda d: -agg[d])
        return run
    for lam in (0.1, 0.2):
        res = {}
        for s, dd in data.items():
            for part in ("tune", "check"):
                ids = set(dd["split"][part])
                rows = [row for row in dd["rows"] if row[0] in ids and row[0] in dd["qrels"]]
                ranks = [list(dict.fromkeys([*row[4], *doc_top2(lam)(row, dd)]))[:10] for row in rows]
                res[(s, part)] = (float(np.mean([ndcg(r, dd["qrels"][row[0]]) for r, row in zip(ranks, rows)])),
                                  float(np.mean([recall(r, dd["qrels"][row[0]]) for r, row in zip(ranks, rows)])))
        show(f"z, documents by best + {lam} x second passage", res)
    if args.lr:
        learned(data)
    if args.types:
        by_type(data)


def query_type(text: str) -> str:
    """statement to judge ("... đúng hay sai?"), multiple-choice stem, question, or bare topic"""
    import re

    t = text.strip().lower()
    if re.search(r"đúng (hay|hoặc) sai|đúng không|có đúng|là đúng", t):
        return "statement"
    if re.search(r"nào sau đây|đâu là|đâu không|sau đây", t):
        return "choice"
    if "?" in t or re.search(r"\b(gì|nào|bao nhiêu|ai|đâu|sao|không|mấy|bao giờ|thế nào|như nào)\b", t):
        return "question"
    return "topic" if len(t.split()) <= 5 else "statement"


def by_type(data) -> None:
    """nDCG@10 on the tune parts per query type and dense weight: is a per-type weight worth it?"""
    for typ in ("question", "statement", "choice", "topic"):
        for a in (0.0, 0.2, 0.3, 0.4, 0.5):
            cells = []
            for s, dd in data.items():
                ids = set(dd["split"]["tune"])
                rows = [r for r in dd["rows"] if r[0] in ids and r[0] in dd["qrels"] and query_type(r[1]) == typ]
                vals = [ndcg(first_docs(z(a)(r), dd["doc_of"], r[4]), dd["qrels"][r[0]]) for r in rows]
                cells.append(f"{s} {len(vals)} q {np.mean(vals) if vals else float('nan'):.3f}")
            print(f"{typ:9s} dense {a}: " + "  ".join(cells), flush=True)


def features(row):
    """Per candidate: both z-scores (missing: 0.5 under the floor), both reciprocal ranks, presence."""
    def zmap(lst):
        if not lst:
            return {}, 0.0
        v = np.array([s for _, s in lst], dtype=float)
        sd = v.std() or 1.0
        return {p: (s - v.mean()) / sd for p, s in lst}, (v.min() - v.mean()) / sd
    kz, kmin = zmap(row[2])
    dz, dmin = zmap(row[3])
    kr = {p: i + 1 for i, (p, _) in enumerate(row[2])}
    dr = {p: i + 1 for i, (p, _) in enumerate(row[3])}
    cand = list(dict.fromkeys([*kr, *dr]))
    x = np.array([[kz.get(p, kmin - 0.5), dz.get(p, dmin - 0.5), 1 / kr.get(p, 200), 1 / dr.get(p, 200),
                   float(p in kr), float(p in dr)] for p in cand]).reshape(len(cand), 6)
    return cand, x


def learned(data) -> None:
    from sklearn.linear_model import LogisticRegression  # experiment only: the product has no sklearn

    xs, ys, ws = [], [], []
    for dd in data.values():
        tune = set(dd["split"]["tune"])
        for row in dd["rows"]:
            if row[0] not in tune or row[0] not in dd["qrels"]:
                continue
            cand, x = features(row)
            y = [int(dd["qrels"][row[0]].get(dd["doc_of"][p], 0) > 0) for p in cand]
            if any(y):
                xs.append(x), ys.extend(y), ws.extend([1 / len(cand)] * len(cand))
    x, y = np.vstack(xs), np.array(ys)
    for c in (0.1, 1.0):
        w = LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=np.array(ws)).coef_[0]

        def run(row, w=w):
            cand, f = features(row)
            return [cand[i] for i in np.argsort(-(f @ w), kind="stable")] if cand else []
        show(f"logistic regression C {c} (tune of all sets)", evaluate(data, run))
        print("   weights z_kw z_dense 1/r_kw 1/r_dense in_kw in_dense:", np.round(w, 3))


if __name__ == "__main__":
    main()
