"""Fit the answer-sentence ranker (vankien/answers/ranker.py) and its no-answer threshold.

    .venv/bin/python scripts/eval_answers.py --n 150 --distractors 60 --split tune --features tune.jsonl
    .venv/bin/python scripts/eval_corpus_answers.py --features corpus.jsonl
    .venv/bin/python scripts/train_answer_ranker.py tune.jsonl --corpus corpus.jsonl [--check check.jsonl]

Training data: every candidate sentence of the TUNE questions of vinewsqa and uit_regwiki (split
by document, vankien/evaluation/splits), labelled 1 when it contains a gold answer. Unanswerable
questions (documents not indexed) add their sentences as negatives, so the probability also says
whether anything answers. Columns: ranker.MODEL_FEATURES, i.e. the sentence's features and, for
the LISTWISE ones, their distance to the best and worst candidate of the same question
(--no-listwise: the sentence's own features only). Model: a linear score (the product applies the
coefficients with numpy; scikit-learn and scipy are used only here), fitted pointwise (logistic
regression, two weightings), pairwise (gold sentence against each other sentence of its question)
or listwise ("softmax": the probability mass of a question's gold sentences among all its
candidates, fitted with scipy's L-BFGS), the last two then Platt-scaled to a probability; method and
regularisation chosen by top-1 accuracy in 5-fold cross-validation grouped by question, with the
hand-set prior (PRIOR_WEIGHT) already added, as it will be in the product.

No answer: a second logistic regression over the best sentence's features and the question's
(ranker.QUESTION_FEATURES) says how sure the question is answered at all, trained on answerable vs
unanswerable tune questions; the threshold is the highest at which at most MAX_FALSE_NO of each
set's answerable tune questions are refused. --corpus prints how many unanswerable questions of our
corpus/ set it refuses (not used to choose anything). --check prints the figures on a
check dump with the new model, for the report only: nothing is chosen on it.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from vankien.answers import ranker  # noqa: E402
import answer_trees  # noqa: E402

MAX_FALSE_NO = 0.08  # below the 0.10 target: the check halves were a little harsher than tune so far
# The hand-set refusal's threshold, re-fitted on the bigger tune dumps (--refit-refusal): at the old
# 0.5 it refused 0.102 of vinewsqa's answerable tune questions (half 0); 0.09 leaves a margin.
REFUSAL_FALSE_NO = 0.09
CS = (0.03, 0.1, 0.3, 1.0, 3.0)
# The hand-set score (W_* in vankien/answers/qa.py, threshold 0.26) is kept as a prior: trained on
# news and encyclopedia questions alone, the ranker learnt that long, top-passage sentences answer,
# and lost 5 of our corpus/ questions (41 answered from sentences: 29 right vs 34). PRIOR_WEIGHT is
# the smallest weight of the prior (tried 2, 3, 4, 6, 8) that loses none of them; the public check
# halves keep most of the gain (see the report). Chosen with our own set: said so in the note.
PRIOR_SCALE = 10.0
PRIOR_WEIGHT = 3.0
OLD_THRESHOLD = 0.26


def rows(paths) -> list[dict]:
    return [json.loads(line) for p in paths for line in open(p, encoding="utf-8")]


LISTWISE = True  # ranker.MODEL_FEATURES (each feature against the question's best candidate); --no-listwise: FEATURES
# The columns of the listwise ranker before the passage-level features (ranker.FEATURES from
# "passage_cover" on): --columns before trains it again, for comparison on the same dump.
NEW_FEATURES = ranker.FEATURES[ranker.FEATURES.index("passage_cover"):]
# --columns nocontext: all but the in-context cosines (vankien/answers/context_dense.py), to measure them
CONTEXT_FEATURES = ranker.FEATURES[ranker.FEATURES.index("dense_ctx"):]
COLUMNS = "all"


def names() -> tuple[str, ...]:
    base = ranker.MODEL_FEATURES if LISTWISE else ranker.FEATURES
    if COLUMNS == "before":
        return tuple(n for n in base if n.split("-")[0] not in NEW_FEATURES)
    if COLUMNS == "nocontext":
        return tuple(n for n in base if n.split("-")[0] not in CONTEXT_FEATURES)
    return base


def matrix(r: dict) -> np.ndarray:
    """The FEATURES matrix of one dumped question; a dump written before FEATURES grew reads 0 for
    the columns it lacks (train it with --columns before)."""
    if not r["sentences"]:
        return np.zeros((0, len(ranker.FEATURES)))
    m = np.asarray([s["x"] for s in r["sentences"]], dtype=np.float64)
    if m.shape[1] < len(ranker.FEATURES):
        m = np.hstack([m, np.zeros((len(m), len(ranker.FEATURES) - m.shape[1]))])
    return m


def model_rows(m: np.ndarray) -> np.ndarray:
    """names() columns of one question's FEATURES matrix."""
    return ranker.with_listwise(m)[:, ranker.columns(names())]


def arrays(data: list[dict]):
    x, y, group, weight = [], [], [], []
    for g, r in enumerate(data):
        n = len(r["sentences"])
        if not n:
            continue
        x.append(model_rows(matrix(r)))
        for s in r["sentences"]:
            y.append(int(bool(s["gold"])))
            group.append(g)
            weight.append(1.0 / np.sqrt(n))
    return np.vstack(x), np.asarray(y), np.asarray(group), np.asarray(weight)


def _standardise(x):
    mean, scale = x.mean(axis=0), x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def fit(x, y, weight, c: float):
    from sklearn.linear_model import LogisticRegression

    mean, scale = _standardise(x)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return ranker.Ranker(names(), mean, scale, model.coef_[0].astype(np.float64),
                         float(model.intercept_[0]), 0.5)


def _platt(z, y, w, mean, scale):
    """Scale a ranking score z @ w to a probability (logistic fit of y on it)."""
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=100.0, max_iter=2000).fit((z @ w)[:, None], y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return ranker.Ranker(names(), mean, scale, (w * a).astype(np.float64), b, 0.5)


def fit_softmax(data: list[dict], c: float):
    """Listwise: for each question with a gold sentence, maximise the softmax probability mass of
    its gold sentences among all its candidates (L2 strength 1/c), then Platt scaling."""
    from scipy.optimize import minimize

    x, y, group, _ = arrays(data)
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    keep = [k for k, s in enumerate(starts) if y[s:(starts[k + 1] if k + 1 < len(starts) else len(y))].any()]
    bounds = [(starts[k], starts[k + 1] if k + 1 < len(starts) else len(y)) for k in keep]
    seg = np.zeros(len(y), dtype=np.int64) - 1
    for q, (a, b) in enumerate(bounds):
        seg[a:b] = q
    used = seg >= 0
    zs, ys, ss = z[used], y[used].astype(bool), seg[used]
    nq = len(bounds)

    def loss(w):
        s = zs @ w
        mx = np.full(nq, -np.inf)
        np.maximum.at(mx, ss, s)
        e = np.exp(s - mx[ss])
        tot = np.bincount(ss, weights=e, minlength=nq)
        gold = np.bincount(ss, weights=e * ys, minlength=nq)
        value = -np.sum(np.log(gold) - np.log(tot)) / nq + 0.5 / c * (w @ w) / nq
        p_all = e / tot[ss]
        p_gold = np.where(ys, e / gold[ss], 0.0)
        grad = zs.T @ (p_all - p_gold) / nq + w / c / nq
        return value, grad

    w = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return _platt(z, y, w, mean, scale)


def fit_pairwise(data: list[dict], c: float):
    """Pairwise: every gold sentence against every other sentence of its question (the model
    learns which of two sentences answers), then Platt scaling of its score to a probability."""
    from sklearn.linear_model import LogisticRegression

    x, y, group, _ = arrays(data)
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    diffs = []
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        pos, neg = idx[y[idx] == 1], idx[y[idx] == 0]
        for i in pos[:3]:
            diffs.append(z[i] - z[neg])
    d = np.concatenate(diffs)
    pairs = LogisticRegression(C=c, max_iter=2000, fit_intercept=False).fit(
        np.concatenate([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
    return _platt(z, y, pairs.coef_[0], mean, scale)


def with_prior(model: ranker.Ranker, alpha: float) -> ranker.Ranker:
    """The learned logit plus `alpha` times the hand-set score the answers used before (qa's
    W_* weights, centred on its old threshold), folded into one coefficient vector."""
    from vankien.answers import qa

    hand = {"lex": qa.W_LEXICAL, "dense": qa.W_DENSE, "rank_inv": qa.W_RANK, "unit": qa.W_UNIT,
            "untyped": -qa.W_UNTYPED, "nofocus": -qa.W_NOFOCUS, "missing": -qa.W_MISSING}
    prior = np.asarray([PRIOR_SCALE * hand.get(f, 0.0) for f in model.features])
    coef = model.coef + alpha * prior * model.scale
    intercept = model.intercept + alpha * (prior @ model.mean - PRIOR_SCALE * OLD_THRESHOLD)
    return ranker.Ranker(model.features, model.mean, model.scale, coef, float(intercept), model.threshold,
                         model.answered, trees=model.trees)


def hand_refusal() -> ranker.Linear:
    """The hand-set score as a per-sentence model whose probability is 0.5 at the old threshold."""
    from vankien.answers import qa

    hand = {"lex": qa.W_LEXICAL, "dense": qa.W_DENSE, "rank_inv": qa.W_RANK, "unit": qa.W_UNIT,
            "untyped": -qa.W_UNTYPED, "nofocus": -qa.W_NOFOCUS, "missing": -qa.W_MISSING}
    n = len(ranker.FEATURES)
    return ranker.Linear(np.zeros(n), np.ones(n), np.asarray([PRIOR_SCALE * hand.get(f, 0.0) for f in ranker.FEATURES]),
                         -PRIOR_SCALE * OLD_THRESHOLD)


def top1(model: ranker.Ranker, data: list[dict]) -> float:
    ans = [r for r in data if r["answerable"]]
    hits = 0
    for r in ans:
        if r["sentences"]:
            p = model.probability(matrix(r))
            hits += bool(r["sentences"][int(np.argmax(p))]["gold"])
    return hits / max(1, len(ans))


METHODS = ("point", "point-weighted", "pairwise", "softmax", "trees", "trees-weighted")


def settings(method: str):
    """What cross-validation tries: C for the linear fits, the index into answer_trees.GRID for trees."""
    return tuple(float(k) for k in range(len(answer_trees.GRID))) if method.startswith("trees") else CS


def fit_method(data: list[dict], c: float, method: str) -> ranker.Ranker:
    if method.startswith("trees"):  # gradient-boosted trees (scripts/answer_trees.py); c indexes its GRID
        # answerable questions only: the trees rank (refusal is the hand-set rule), at half the rows
        x, y, _, w = arrays([r for r in data if r["answerable"]])
        fitted = answer_trees.fit_hgb(x, y, w if method == "trees-weighted" else np.ones_like(w),
                                      answer_trees.GRID[int(c)])
        return answer_trees.as_ranker(fitted, names())
    if method == "pairwise":
        return fit_pairwise(data, c)
    if method == "softmax":
        return fit_softmax(data, c)
    x, y, _, w = arrays(data)
    return fit(x, y, w if method == "point-weighted" else np.ones_like(w), c)


def cross_validate(data: list[dict], c: float, method: str, folds: int = 5, prior: float = 0.0) -> float:
    order = np.random.default_rng(7).permutation(len(data))
    scores = []
    for k in range(folds):
        test_idx = set(order[k::folds].tolist())
        train = [r for i, r in enumerate(data) if i not in test_idx]
        test = [r for i, r in enumerate(data) if i in test_idx]
        scores.append(top1(with_prior(fit_method(train, c, method), prior), test))
    return float(np.mean(scores))


def confidences(model: ranker.Ranker, data: list[dict]) -> list[float]:
    out = []
    for r in data:
        x = matrix(r)
        out.append(model.confidence(model.probability(x), x) if r["sentences"] else 0.0)
    return out


def fit_answered(model: ranker.Ranker, data: list[dict]) -> ranker.Linear:
    """Answerable (1) vs unanswerable (0) from the best sentence's features (ranker.QUESTION_FEATURES)."""
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in data if r["sentences"]]
    x = np.asarray([ranker.question_features(model.probability(matrix(r)), matrix(r)) for r in rows])
    y = np.asarray([int(r["answerable"]) for r in rows])
    mean, scale = x.mean(axis=0), np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    fitted = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return ranker.Linear(mean, scale, fitted.coef_[0].astype(np.float64), float(fitted.intercept_[0]))


def choose_threshold(model: ranker.Ranker, data: list[dict], corpus: list[dict], share: float = MAX_FALSE_NO) -> float:
    """The highest threshold that refuses at most `share` of each set's answerable questions."""
    conf = confidences(model, data)
    t = 1.0
    for name in sorted({r["dataset"] for r in data}):
        c = sorted(v for v, r in zip(conf, data) if r["dataset"] == name and r["answerable"])
        t = min(t, c[int(share * len(c))])
    una = [v for v, r in zip(confidences(model, corpus), corpus) if not r["answerable"]]
    if una and max(una) >= t:
        print(f"  ngưỡng {t:.4f} chưa từ chối hết câu không có đáp án của corpus/ (cao nhất {max(una):.4f})")
    return t


def print_figures(label: str, model: ranker.Ranker, data: list[dict]) -> None:
    import eval_answers

    figs = eval_answers.figures(data, model)
    print(f"\n{label}: tập, câu đầu đúng, KTL|có (không trả lời câu có đáp án), KTL|không có")
    for name, f in figs.items():
        print(f"  {name:<12} {f['top_sentence_hit']:.3f}  {f['no_answer_rate_answerable']:.3f}  "
              f"{f['no_answer_rate_unanswerable']:.3f}  ({f['answerable']}/{f['unanswerable']})")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tune", type=Path, nargs="+", help="tệp đặc trưng của phần tune (scripts/eval_answers.py)")
    p.add_argument("--corpus", type=Path, help="tệp đặc trưng của bộ câu hỏi corpus/ (eval_corpus_answers.py)")
    p.add_argument("--check", type=Path, help="tệp đặc trưng của phần check: chỉ để in số liệu")
    p.add_argument("--out", type=Path, default=ranker.MODEL_FILE)
    p.add_argument("--c", type=float, help="bỏ kiểm chéo, dùng C này (hồi quy theo từng câu, không trọng số)")
    p.add_argument("--method", choices=METHODS, help="chỉ thử cách huấn luyện này")
    p.add_argument("--no-listwise", action="store_true", help="không thêm đặc trưng so với câu tốt nhất")
    p.add_argument("--refit-refusal", action="store_true",
                   help="chọn lại ngưỡng từ chối trên tune (không: giữ 0,5 của điểm chọn tay)")
    p.add_argument("--columns", choices=("all", "before", "nocontext"), default="all",
                   help="before: bỏ các đặc trưng mức đoạn mới; nocontext: bỏ cosin theo ngữ cảnh "
                        "(để so sánh trên cùng tệp)")
    p.add_argument("--prior-weight", type=float, default=PRIOR_WEIGHT,
                   help="trọng số của điểm chọn tay cũ cộng vào mô hình học (0: chỉ mô hình học)")
    args = p.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("Cần scikit-learn để huấn luyện: .venv/bin/pip install -e '.[train]'", file=sys.stderr)
        return 2
    global LISTWISE
    LISTWISE = not args.no_listwise
    global COLUMNS
    COLUMNS = args.columns
    data = rows(args.tune)
    corpus = rows([args.corpus]) if args.corpus else []
    results = [(0.0, args.c, args.method or "point")] if args.c else []
    for method in [] if args.c else ([args.method] if args.method else METHODS):
        for c in settings(method):
            acc = cross_validate(data, c, method, prior=args.prior_weight)
            print(f"C={c:<5} {method:<15} câu đầu đúng (kiểm chéo 5 phần): {acc:.3f}", flush=True)
            results.append((acc, c, method))
    acc, c, method = max(results, key=lambda t: (round(t[0], 3), -t[1]))
    model = with_prior(fit_method(data, c, method), args.prior_weight)
    learned = ranker.Ranker(model.features, model.mean, model.scale, model.coef, model.intercept, 0.5,
                            fit_answered(model, data), trees=model.trees)
    learned = ranker.Ranker(model.features, model.mean, model.scale, model.coef, model.intercept,
                            choose_threshold(learned, data, corpus), learned.answered, trees=model.trees)
    print_figures("không trả lời theo mô hình học (chỉ để so sánh)", learned, data)
    if args.check:
        print_figures("... trên check", learned, rows([args.check]))
    if corpus:
        conf = confidences(learned, corpus)
        print(f"  corpus/: {sum(b < learned.threshold for b, r in zip(conf, corpus) if not r['answerable'])}"
              f"/{sum(not r['answerable'] for r in corpus)} câu không có đáp án bị từ chối")
    # Refusal stays the hand-set rule (best hand-set score under 0.26): the learned one (above)
    # refuses fewer public unanswerable questions at the same false no-answers, and lets one of
    # our unanswerable questions through ("Bao giờ tổ chức Đại hội … nhiệm kỳ 2025 - 2030?").
    model = ranker.Ranker(model.features, model.mean, model.scale, model.coef, model.intercept, 0.5,
                          refusal=hand_refusal(), trees=model.trees)
    if args.refit_refusal:  # its threshold re-fitted on tune (0.5 = the old hand-set 0.26)
        model = dataclasses.replace(model, threshold=choose_threshold(model, data, corpus, REFUSAL_FALSE_NO))
    print(f"\nchọn C={c}, {method}; ngưỡng {model.threshold:.4f}")
    for name, coef in sorted(zip(model.features, model.coef), key=lambda t: -abs(t[1]))[:20]:
        print(f"  {name:<16} {coef:+.3f}")

    print_figures("tune", model, data)
    if corpus:
        conf = confidences(model, corpus)
        una = [b for b, r in zip(conf, corpus) if not r["answerable"]]
        ans = [b for b, r in zip(conf, corpus) if r["answerable"]]
        print(f"\ncorpus/: {sum(b < model.threshold for b in una)}/{len(una)} câu không có đáp án bị từ chối, "
              f"{sum(b < model.threshold for b in ans)}/{len(ans)} câu có đáp án bị từ chối; "
              f"câu đầu đúng (đúng từ và đúng văn bản) {top1(model, corpus):.3f}")
    if args.check:
        print_figures("check (chỉ báo cáo)", model, rows([args.check]))
    data_out = model.to_json()
    data_out["trained_on"] = [str(p.name) for p in args.tune]
    data_out["C"], data_out["method"], data_out["prior_weight"] = c, method, args.prior_weight
    if method.startswith("trees"):
        data_out["trees_params"] = dict(zip(("max_leaf_nodes", "max_iter", "learning_rate", "min_samples_leaf"),
                                            answer_trees.GRID[int(c)]))
    args.out.write_text(json.dumps(data_out, indent=1) + "\n", encoding="utf-8")
    if model.trees is not None and args.out == ranker.MODEL_FILE:
        answer_trees.save_case(ROOT / "tests" / "data" / "answer_ranker_case.json", model, data, matrix, model_rows)
    print(f"\nđã ghi {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
