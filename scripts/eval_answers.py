"""Answer quality on the dev sets that carry answers (vinewsqa, uit_regwiki qa.jsonl).

    .venv/bin/python scripts/eval_answers.py [--n 100] [--distractors 60] [--features FILE.jsonl]
    .venv/bin/python scripts/eval_answers.py --report FILE.jsonl | --misses FILE.jsonl   # from a dump

(scripts/eval_corpus_answers.py --features writes the same rows for our own corpus/ question set.)

For each dataset, documents are split in two by a hash of their id. One Library indexes the
documents of N sampled "answerable" questions plus distractor documents from the same half (both
datasets in one index); N "unanswerable" questions come from documents of the other half, which
are not indexed. Figures:

- top sentence hit: share of answerable questions whose answer sentence contains a gold answer
- top passage hit: share whose top retrieved passage contains one (beside it: any of the passages)
- no-answer rate on unanswerable questions (should be high) and on answerable ones (should be low)

The ranker's features of every candidate sentence are written to --features, with its label (holds a
gold answer): scripts/train_answer_ranker.py fits the ranker and its threshold on the dump of
--split tune, without re-encoding. Takes minutes: it embeds passages and
sentences on the CPU (cached under ~/.cache/vankien/eval-answers).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from itertools import zip_longest
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vntext.normalize import normalize_query  # noqa: E402
from vankien.answers import qa, ranker  # noqa: E402

DATASETS = ("vinewsqa", "uit_regwiki")
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"


def _half(doc_id: str) -> int:
    return int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 2


def _norm(text: str) -> str:
    return normalize_query(text).lower()


def contains_gold(text: str, answers: list[str]) -> bool:
    t = _norm(text)
    return any(_norm(a) and _norm(a) in t for a in answers)


def load(folder: Path):
    corpus = {}
    for line in open(folder / "corpus.jsonl", encoding="utf-8"):
        d = json.loads(line)
        if d.get("text", "").strip():
            corpus[d["id"]] = d
    qas = [json.loads(line) for line in open(folder / "qa.jsonl", encoding="utf-8")]
    return corpus, [q for q in qas if q["doc_id"] in corpus and any(a.strip() for a in q["answers"])]


def sample(corpus, qas, n: int, distractors: int, rng: random.Random, per_doc: int = 2, half: int = 0):
    """(documents to index, answerable questions, unanswerable questions). `half` says which half of
    the documents is indexed; `per_doc` > 2 and the other half only make more training rows
    (scripts/train_answer_ranker.py): the reported figures keep the defaults."""
    indexed_half = [q for q in qas if _half(q["doc_id"]) == half]
    other_half = [q for q in qas if _half(q["doc_id"]) != half]
    # At most 2 questions per document, so the figure is not about a handful of articles.
    answerable = _spread(indexed_half, n, rng, per_doc)
    unanswerable = _spread(other_half, n, rng, per_doc)
    docs = {q["doc_id"] for q in answerable}
    pool = sorted(d for d in corpus if _half(d) == half and d not in docs)
    docs |= set(rng.sample(pool, min(distractors, len(pool))))
    return [corpus[d] for d in sorted(docs)], answerable, unanswerable


def _spread(qas, n: int, rng: random.Random, per_doc: int = 2):
    by_doc: dict[str, list] = {}
    for q in qas:
        by_doc.setdefault(q["doc_id"], []).append(q)
    out = []
    docs = sorted(by_doc)
    rng.shuffle(docs)
    for d in docs:
        out += rng.sample(by_doc[d], min(per_doc, len(by_doc[d])))
        if len(out) >= n:
            break
    return out[:n]


def build_library(docs, home: Path):
    from index.library import Library
    from ingest import parse_text

    cache = Path(os.environ.get("VANKIEN_CACHE", Path.home() / ".cache" / "vankien")) / "eval-answers"
    cache.mkdir(parents=True, exist_ok=True)
    (home / "cache").symlink_to(cache, target_is_directory=True)
    lib = Library.open(home)
    parsed = []
    for d in docs:
        try:
            parsed.append(parse_text(d["text"], d["id"], title=d.get("title", "")))
        except ValueError as exc:
            print(f"bỏ qua {d['id']}: {exc}", file=sys.stderr)
    lib.add_documents(parsed)
    return lib


def run(args) -> None:
    rng = random.Random(args.seed)
    all_docs, questions = [], []
    for name in DATASETS:
        corpus, qas = load(args.eval_dir / name)
        if args.split:  # the fixed tune/check halves of vankien/evaluation/splits (split by document)
            from vankien.evaluation.splits import load_split

            part = set(load_split(name).part(args.split))
            qas = [q for q in qas if q["id"] in part]
        docs, answerable, unanswerable = sample(corpus, qas, args.n, args.distractors, rng, args.per_doc,
                                                args.half)
        all_docs += docs
        questions += [(name, True, q) for q in answerable] + [(name, False, q) for q in unanswerable]
        print(f"{name}: {len(docs)} văn bản đưa vào chỉ mục, {len(answerable)} câu có đáp án trong chỉ mục, "
              f"{len(unanswerable)} câu không có", flush=True)
    t0 = time.time()
    home = Path(tempfile.mkdtemp(prefix="vankien-eval-answers-"))
    lib = build_library(all_docs, home)
    print(f"chỉ mục: {len(lib)} đoạn, {time.time() - t0:.0f}s", flush=True)
    if args.answerable_only:  # training rows for top-1 only; the sets alternate, so a stopped run has both
        by_set = [[x for x in questions if x[0] == name and x[1]] for name in DATASETS]
        questions = [x for group in zip_longest(*by_set) for x in group if x is not None]
    out = open(args.features, "w", encoding="utf-8")
    t0 = time.time()
    for i, (name, answerable, q) in enumerate(questions, 1):
        question = normalize_query(q["question"])
        hits = lib.search(question, k=qa.PASSAGES)
        t1 = time.perf_counter()
        scored = qa.score_sentences(question, hits, lib.encoder, dense_passages=args.dense_passages,
                                    context=tuple(args.context_columns) if args.context_columns else context_columns(args.context))
        seconds = time.perf_counter() - t1
        kind = qa.expected_type(question)
        row = {
            "dataset": name, "answerable": answerable, "id": q["id"], "kind": kind,
            "hard": qa.needs_answer(question, qa.HARD), "seconds": round(seconds, 3),
            "question": question, "answers": q["answers"][:3],
            "passages": [h.text[:300] for h in hits[:3]],
            "passage_hit": bool(hits) and contains_gold(hits[0].text, q["answers"]),
            "any_passage_hit": any(contains_gold(h.text, q["answers"]) for h in hits),
            "sentences": [{"lex": round(s.lexical, 4), "cos": round(s.dense, 4), "rank": s.hit_index,
                           "typed": s.typed, "text": s.sentence.shown[:200], "score": round(s.score, 5),
                           "x": [round(v, 5) for v in s.features],
                           "gold": contains_gold(s.sentence.shown, q["answers"]),
                           "gold_shown": contains_gold(qa.answer_text(question, s.sentence), q["answers"])}
                          for s in scored],
        }
        out.write(json.dumps(row) + "\n")
        if i % 20 == 0:
            print(f"{i}/{len(questions)} câu hỏi, {time.time() - t0:.0f}s", flush=True)
    out.close()
    report(args.features)


def context_columns(flag: bool | None) -> tuple[str, ...] | None:
    """--context / --no-context as qa.score_sentences takes it (None: the product's qa.DENSE_CONTEXT)."""
    from vankien.answers.context_dense import COLUMNS

    return None if flag is None else (COLUMNS if flag else ())


def _rows(path):
    """The dumped questions; a dump written by an older ranker (another number of feature columns)
    stops here with what to do, not deep inside the ranker with a reshape error."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    first = next((s for r in rows for s in r["sentences"]), None)
    width = len(ranker.FEATURES) if first is None else len(first.get("x", ()))
    if width != len(ranker.FEATURES):
        raise SystemExit(f"{path}: mỗi câu có {width} đặc trưng, bộ xếp hạng hiện tại cần {len(ranker.FEATURES)} "
                         "(tệp được ghi bằng phiên bản cũ). Ghi lại tệp: python scripts/eval_answers.py "
                         "--features TỆP.jsonl ...")
    return rows


def pick(row, model=None) -> tuple[float, bool, bool]:
    """(confidence, gold, gold in the shown answer) of the sentence the answer would quote, scored
    from the dumped features by `model` (default: the ranker in vankien/answers/answer_ranker.json)."""
    if not row["sentences"]:
        return 0.0, False, False
    model = model or ranker.load()
    x = np.asarray([s["x"] for s in row["sentences"]])
    probs = model.probability(x)
    top = row["sentences"][int(np.argmax(probs))]
    return model.confidence(probs, x), bool(top["gold"]), bool(top.get("gold_shown", top["gold"]))


def figures(rows, model=None) -> dict:
    model = model or ranker.load()
    out = {}
    for name in list(dict.fromkeys(r["dataset"] for r in rows)) + ["tổng"]:
        sel = [r for r in rows if name == "tổng" or r["dataset"] == name]
        ans = [pick(r, model) for r in sel if r["answerable"]]
        una = [pick(r, model) for r in sel if not r["answerable"]]
        t, n_ans, n_una = model.threshold, max(1, len(ans)), max(1, len(una))
        out[name] = {
            "answerable": len(ans), "unanswerable": len(una),
            "top_sentence_hit": sum(g for _, g, _ in ans) / n_ans,
            "top_answer_text_hit": sum(g for _, _, g in ans) / n_ans,
            "top_passage_hit": sum(r["passage_hit"] for r in sel if r["answerable"]) / n_ans,
            "any_passage_hit": sum(r["any_passage_hit"] for r in sel if r["answerable"]) / n_ans,
            "answered_and_right": sum(g and c >= t for c, g, _ in ans) / n_ans,
            "no_answer_rate_unanswerable": sum(c < t for c, _, _ in una) / n_una,
            "no_answer_rate_answerable": sum(c < t for c, _, _ in ans) / n_ans,
        }
    return out


def report(path) -> None:
    rows = _rows(path)
    figs = figures(rows)
    print(f"\nBộ xếp hạng câu trả lời: vankien/answers/answer_ranker.json, ngưỡng {ranker.load().threshold:.3f}")
    print(f"{'tập':<12} {'có/không':>9} {'câu đầu':>8} {'trả lời':>8} {'đoạn đầu':>9} {'15 đoạn':>8} "
          f"{'đúng&trả lời':>13} {'KTL|không có':>13} {'KTL|có':>8}")
    for name, f in figs.items():
        print(f"{name:<12} {f['answerable']:>4}/{f['unanswerable']:<4} {f['top_sentence_hit']:>8.3f} "
              f"{f['top_answer_text_hit']:>8.3f} "
              f"{f['top_passage_hit']:>9.3f} {f['any_passage_hit']:>8.3f} {f['answered_and_right']:>13.3f} "
              f"{f['no_answer_rate_unanswerable']:>13.3f} {f['no_answer_rate_answerable']:>8.3f}")
    print("câu đầu / trả lời / đoạn đầu: tỷ lệ câu hỏi có đáp án chuẩn nằm trong câu được chọn / trong câu trả"
          " lời đã cắt gọn (≤ 300 ký tự) / trong đoạn xếp đầu; KTL: tỷ lệ trả lời «Không tìm thấy».")


def misses(path, limit: int = 40) -> None:
    """Every answerable question whose chosen sentence lacks the gold answer, as a retrieval miss
    (no retrieved passage holds it) or a sentence-choice miss (one does; another sentence won)."""
    rows = [r for r in _rows(path) if r["answerable"]]
    kinds: dict[str, list[int]] = {}
    shown = 0
    for r in rows:
        _, gold, _ = pick(r)
        cause = "" if gold else ("truy hồi" if not r["any_passage_hit"] else
                                 "chọn câu" if any(s["gold"] for s in r["sentences"]) else "tách câu/lọc")
        kinds.setdefault(r.get("kind") or "-", [0, 0])[0] += 1
        if gold:
            kinds[r.get("kind") or "-"][1] += 1
            continue
        if shown < limit:
            shown += 1
            probs = ranker.load().probability(np.asarray([s["x"] for s in r["sentences"]])) if r["sentences"] else []
            for s, prob in zip(r["sentences"], probs):
                s["score"] = float(prob)
            top = max(r["sentences"], key=lambda s: s["score"], default={"text": "", "typed": False, "score": 0})
            right = next((s for s in r["sentences"] if s["gold"]), None)
            print(f"[{r['dataset']} {r['id']} {r.get('kind') or '-'} {cause}] {r.get('question', '')}\n"
                  f"    đáp án: {r.get('answers', [''])[:2]}\n    chọn ({top['score']:.3f}, loại {top['typed']}): "
                  f"{top.get('text', '')[:200]!r}")
            if right:
                print(f"    câu đúng ({right['score']:.3f}, loại {right['typed']}, lex {right['lex']}, cos "
                      f"{right['cos']}, hạng {right['rank']}): {right.get('text', '')[:200]!r}")
    print("\nloại câu hỏi: đúng/tổng — " + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(kinds.items())))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    p.add_argument("--n", type=int, default=100, help="câu hỏi có đáp án (và không có) mỗi tập")
    p.add_argument("--distractors", type=int, default=60, help="văn bản gây nhiễu thêm vào chỉ mục mỗi tập")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--features", type=Path, default=Path("eval_answers_features.jsonl"))
    p.add_argument("--report", type=Path, metavar="FILE.jsonl", help="chỉ in số liệu từ tệp đặc trưng đã có")
    p.add_argument("--misses", type=Path, metavar="FILE.jsonl",
                   help="in các câu chọn sai từ tệp đặc trưng đã có: lỗi truy hồi hay lỗi chọn câu")
    p.add_argument("--per-doc", type=int, default=2, help="câu hỏi tối đa mỗi văn bản (>2: thêm dữ liệu huấn luyện)")
    p.add_argument("--half", type=int, choices=(0, 1), default=0,
                   help="nửa văn bản được đưa vào chỉ mục (1: nửa kia, thêm dữ liệu huấn luyện)")
    p.add_argument("--split", choices=("tune", "check"),
                   help="chỉ dùng câu hỏi của phần tune (để chỉnh) hoặc check (để báo cáo), "
                        "theo vankien/evaluation/splits")
    p.add_argument("--dense-passages", type=int, default=None,
                   help="mã hóa mọi câu của chừng ấy đoạn đầu (mặc định: qa.DENSE_PASSAGES)")
    p.add_argument("--context", action=argparse.BooleanOptionalAction, default=None,
                   help="mã hóa thêm câu trong ngữ cảnh (mặc định: qa.DENSE_CONTEXT)")
    p.add_argument("--context-columns", nargs="+", metavar="COT",
                   help="chỉ các cột ngữ cảnh này (context_dense.COLUMNS), ví dụ dense_sym")
    p.add_argument("--answerable-only", action="store_true",
                   help="chỉ các câu có đáp án, xen kẽ hai tập (dữ liệu cho kiểm chéo câu đầu)")
    args = p.parse_args(argv)
    if args.misses:
        misses(args.misses)
        return 0
    if args.report:
        report(args.report)
        return 0
    for name in DATASETS:
        if not (args.eval_dir / name / "qa.jsonl").is_file():
            print(f"thiếu {args.eval_dir / name / 'qa.jsonl'}", file=sys.stderr)
            return 2
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
