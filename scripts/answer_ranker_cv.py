"""Compare answer-ranker recipes by cross-validated top-1 on TUNE dumps, all on the same folds.

    .venv/bin/python scripts/answer_ranker_cv.py /tmp/tune_h0.jsonl /tmp/tune_h1.jsonl \
        [--methods softmax:0.3 trees:1] [--columns before all] [--prior 0 3] [--sizes 150 300 0]

Folds: 5, grouped by question (a question's candidate sentences are all in one fold), the same
permutation for every recipe, so the figures differ only by the recipe. Top-1 = share of the
answerable test questions whose best-scored sentence holds a gold answer, with the hand prior
(train_answer_ranker.with_prior) added at each weight given. --sizes trains each fold on at most that
many questions per dataset (answerable and unanswerable alike, drawn at random; 0 = all of the
training folds) and always tests on the whole test fold: how top-1 grows with training data.
Nothing here reads the check halves.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_answer_ranker as T  # noqa: E402

FOLDS = 5


def limit(data: list[dict], size: int, rng: np.random.Generator) -> list[dict]:
    """At most `size` answerable and `size` unanswerable questions of each dataset (0: all)."""
    if not size:
        return data
    out = []
    for name in sorted({r["dataset"] for r in data}):
        for answerable in (True, False):
            sel = [r for r in data if r["dataset"] == name and r["answerable"] == answerable]
            out += [sel[k] for k in sorted(rng.permutation(len(sel))[:size])]
    return out


def hits(model, test: list[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in test:
        if r["answerable"]:
            ok = bool(r["sentences"]) and bool(r["sentences"][int(np.argmax(model.probability(T.matrix(r))))]["gold"])
            out.setdefault(r["dataset"], []).append(int(ok))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tune", type=Path, nargs="+")
    p.add_argument("--methods", nargs="+", default=["softmax:0.3", "trees:1"],
                   help="cách:tham số (softmax/point/pairwise: C; trees/trees-weighted: chỉ số trong GRID)")
    p.add_argument("--columns", nargs="+", default=["before", "all"])
    p.add_argument("--prior", nargs="+", type=float, default=[0.0, 3.0])
    p.add_argument("--sizes", nargs="+", type=int, default=[0])
    args = p.parse_args(argv)
    data = T.rows(args.tune)
    order = np.random.default_rng(7).permutation(len(data))
    folds = [set(order[k::FOLDS].tolist()) for k in range(FOLDS)]
    print(f"{len(data)} câu hỏi ({sum(r['answerable'] for r in data)} có đáp án), {FOLDS} phần theo câu hỏi")
    print(f"{'cột':<7} {'cách':<18} {'n/tập':>6} {'n học':>6} " + " ".join(f"{'prior ' + str(a):>10}" for a in args.prior)
          + "   (theo tập, prior cuối)")
    for columns in args.columns:
        T.COLUMNS = columns
        for spec in args.methods:
            method, _, c = spec.partition(":")
            for size in args.sizes:
                rng = np.random.default_rng(11)
                per_prior = {a: {} for a in args.prior}
                trained = 0
                for test_idx in folds:
                    train = limit([r for i, r in enumerate(data) if i not in test_idx], size, rng)
                    trained += len(train)
                    model = T.fit_method(train, float(c or 0.3), method)
                    test = [r for i, r in enumerate(data) if i in test_idx]
                    for a in args.prior:
                        for name, v in hits(T.with_prior(model, a), test).items():
                            per_prior[a].setdefault(name, []).extend(v)
                cells = []
                for a in args.prior:
                    every = [v for vs in per_prior[a].values() for v in vs]
                    cells.append(f"{np.mean(every):>10.3f}")
                last = per_prior[args.prior[-1]]
                print(f"{columns:<7} {spec:<18} {size or 'hết':>6} {trained // FOLDS:>6} " + " ".join(cells) + "   "
                      + ", ".join(f"{n} {np.mean(v):.3f}" for n, v in sorted(last.items())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
