"""Does encoding more candidates, or reading them in context, pick the gold sentence more often?
Cross-validated top-1 on TUNE, the same questions and the same folds for every variant.

    .venv/bin/python scripts/answer_context_cv.py --old tune_h0.jsonl --new tune_ctx.jsonl [--prior 0 3]

--old: a dump made with the product's encoding budget (eval_answers.py defaults); --new: the same
questions dumped with more sentences encoded and the in-context cosines (eval_answers.py
--dense-passages 5 --context --answerable-only). Only questions present in both, answerable, are
used; 5 folds grouped by question. Variants (softmax, C=0.3, listwise columns, as the kept model):

- old/before: the kept model's columns on the old dump (the baseline)
- new/nocontext: the same columns on the new dump (more sentences encoded)
- new/+prev-next: adds the cosines of the sentences before and after (nearly free: already encoded)
- new/ctx-only: adds only the cosine of "previous + sentence"
- new/sym: adds only dense_sym (the question encoded as a passage; one encoding a question)
- new/all: adds every in-context column
- stack-*: the kept model's logit plus a few new columns (STACKS), weights fitted on the training folds

Prints top-1 per prior weight, and the paired difference with the baseline and its standard error.
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
from vankien.answers import ranker  # noqa: E402

FOLDS = 5
CONTEXT = set(T.CONTEXT_FEATURES)
PASSAGE = set(T.NEW_FEATURES) - CONTEXT


def variant_names(which: str) -> tuple[str, ...]:
    base = ranker.MODEL_FEATURES
    keep = {"before": set(), "nocontext": set(), "prevnext": {"dense_prev", "dense_next"}, "ctx-only": {"dense_ctx"},
            "sym": {"dense_sym"}, "all": CONTEXT}[which]
    drop = (CONTEXT - keep) | (PASSAGE if which == "before" else set())
    return tuple(n for n in base if n.split("-")[0] not in drop)


def cv_hits(data: list[dict], columns: tuple[str, ...], priors, method: str, c: float) -> dict[float, np.ndarray]:
    T.names = lambda: columns  # the training script reads its columns from here
    order = np.random.default_rng(7).permutation(len(data))
    out = {a: np.zeros(len(data), dtype=int) for a in priors}
    for k in range(FOLDS):
        test = set(order[k::FOLDS].tolist())
        model = T.fit_method([r for i, r in enumerate(data) if i not in test], c, method)
        for a in priors:
            m = T.with_prior(model, a)
            for i in test:
                r = data[i]
                if r["sentences"]:
                    out[a][i] = int(bool(r["sentences"][int(np.argmax(m.probability(T.matrix(r))))]["gold"]))
    return out


# The stacked variant: the kept model's logit (answer_ranker.json, trained on 1,284 tune questions, hand
# prior folded in) plus a few new columns with weights fitted listwise: a handful of weights is what a
# few hundred questions can fit, where retraining all 150 columns on them loses to the kept model.
STACKS = {
    "stack-dense": ("dense", "dense-max", "dense_rank"),
    "stack-prevnext": ("dense", "dense-max", "dense_prev", "dense_next"),
    "stack-ctx": ("dense", "dense-max", "dense_ctx", "dense_ctx-max", "dense_head", "dense_head-max"),
    "stack-all": ("dense", "dense-max", "dense_ctx", "dense_ctx-max", "dense_head", "dense_head-max",
                  "dense_prev", "dense_next"),
    "stack-sym": ("dense", "dense-max", "dense_sym", "dense_sym-max"),
}


def stack_inputs(r: dict, extra: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kept model's logit, the extra columns, gold labels) of one question's candidates."""
    m = T.matrix(r)
    kept = ranker.load()
    return kept.logit(m), ranker.with_listwise(m)[:, ranker.columns(extra)], np.asarray([s["gold"] for s in r["sentences"]])


def fit_stack(items: list[tuple[np.ndarray, np.ndarray, np.ndarray]], c: float = 1.0) -> np.ndarray:
    """Weights w of logit + extra @ w maximising the softmax mass of the gold sentences (L2 1/c)."""
    from scipy.optimize import minimize

    items = [it for it in items if it[2].any()]

    def loss(w):
        value, grad = 0.5 / c * (w @ w), w / c
        for base, x, y in items:
            s = base + x @ w
            e = np.exp(s - s.max())
            p_all, gold = e / e.sum(), e * y
            p_gold = gold / gold.sum()
            value -= np.log(gold.sum() / e.sum())
            grad = grad + x.T @ (p_all - p_gold)
        return value / len(items), grad / len(items)

    return minimize(loss, np.zeros(items[0][1].shape[1]), jac=True, method="L-BFGS-B").x


def cv_stack(data: list[dict], extra: tuple[str, ...]) -> np.ndarray:
    inputs = [stack_inputs(r, extra) if r["sentences"] else None for r in data]
    order = np.random.default_rng(7).permutation(len(data))
    out = np.zeros(len(data), dtype=int)
    for k in range(FOLDS):
        test = set(order[k::FOLDS].tolist())
        w = fit_stack([inputs[i] for i in range(len(data)) if i not in test and inputs[i] is not None])
        for i in test:
            if inputs[i] is not None:
                base, x, y = inputs[i]
                out[i] = int(y[int(np.argmax(base + x @ w))])
    return out


def kept_hits(data: list[dict]) -> np.ndarray:
    kept = ranker.load()
    return np.asarray([int(bool(r["sentences"]) and r["sentences"][int(np.argmax(kept.logit(T.matrix(r))))]["gold"])
                       for r in data])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--old", type=Path, nargs="+", required=True)
    p.add_argument("--new", type=Path, nargs="+", required=True)
    p.add_argument("--prior", nargs="+", type=float, default=[0.0, 3.0])
    p.add_argument("--method", default="softmax:0.3")
    p.add_argument("--variants", nargs="*", default=["nocontext", "prevnext", "ctx-only", "all"])
    args = p.parse_args(argv)
    new = {r["id"]: r for r in T.rows(args.new) if r["answerable"]}
    old = {r["id"]: r for r in T.rows(args.old) if r["answerable"] and r["id"] in new}
    ids = sorted(old)
    method, _, c = args.method.partition(":")
    sets = sorted({old[i]["dataset"] for i in ids})
    print(f"{len(ids)} câu hỏi có đáp án chung (" + ", ".join(f"{s} {sum(old[i]['dataset'] == s for i in ids)}"
                                                         for s in sets) + f"), {FOLDS} phần, {args.method}")
    gold_cand = {n: np.mean([any(s["gold"] for s in d[i]["sentences"]) for i in ids]) for n, d in (("old", old),
                                                                                                  ("new", new))}
    print(f"có câu đúng trong các câu ứng viên: {gold_cand['old']:.3f} (cũ) / {gold_cand['new']:.3f} (mới)")
    base = cv_hits([old[i] for i in ids], variant_names("before"), args.prior, method, float(c or 0.3))
    rows = [("old/before", base)]
    for v in args.variants:
        rows.append((f"new/{v}", cv_hits([new[i] for i in ids], variant_names(v), args.prior, method, float(c or 0.3))))
    kept_old, kept_new = kept_hits([old[i] for i in ids]), kept_hits([new[i] for i in ids])
    d = kept_new - kept_old
    print(f"mô hình đang dùng, không huấn luyện lại: cũ {kept_old.mean():.3f}, mới {kept_new.mean():.3f} "
          f"({d.mean():+.3f}±{d.std(ddof=1) / np.sqrt(len(d)):.3f})")
    for name, extra in STACKS.items():
        hits = cv_stack([new[i] for i in ids], extra)
        d = hits - kept_old
        per_set = ", ".join(f"{s} {np.mean([h for i, h in zip(ids, hits) if old[i]['dataset'] == s]):.3f}"
                            for s in sets)
        print(f"{name:<16} {hits.mean():.3f} ({d.mean():+.3f}±{d.std(ddof=1) / np.sqrt(len(d)):.3f} so với mô hình "
              f"đang dùng trên tệp cũ)   ({per_set})", flush=True)
    if not args.variants:
        return 0
    print(f"{'biến thể':<16} " + " ".join(f"{'prior ' + str(a):>22}" for a in args.prior))
    for label, hits in rows:
        cells = []
        for a in args.prior:
            d = hits[a] - base[a]
            cells.append(f"{hits[a].mean():.3f} ({d.mean():+.3f}±{d.std(ddof=1) / np.sqrt(len(d)):.3f})")
        per_set = ", ".join(f"{s} {np.mean([h for i, h in zip(ids, hits[args.prior[-1]]) if old[i]['dataset'] == s]):.3f}"
                            for s in sets)
        print(f"{label:<16} " + " ".join(f"{x:>22}" for x in cells) + f"   ({per_set})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
