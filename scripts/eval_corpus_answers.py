"""Answer accuracy on our own question set over the sample corpus/ (tests/data/corpus_questions.json).

    .venv/bin/python scripts/eval_corpus_answers.py [--questions FILE] [--json]

Builds a Library of corpus/ with the default encoder (embeddings cached under
~/.cache/vankien/corpus-answers), asks every question through `answer_question` (what `vankien ask`
runs, without a language model) and prints:

- accuracy: share of answerable questions answered with every expected word in the answer text AND
  the first citation from one of the expected files;
- refusal rate: share of unanswerable questions (expected: null) answered NO_ANSWER;
- the same per answer type, then every miss with what was answered.

A question lists `files` (corpus file names) that hold its answer; the citation is right when the
cited document is one of them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "tests" / "data" / "corpus_questions.json"
CORPUS = ROOT / "corpus"
TARGET_ACCURACY = 0.90


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").lower().split())


def doc_id_of(file_name: str) -> str:
    """The doc_id the Library gives a corpus file: its stem, lower-cased."""
    return Path(file_name).stem.lower()


@dataclass
class Outcome:
    question: dict
    answer: object  # vankien.answers.qa.Answer
    ok: bool
    why: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _sel(self, answerable: bool, kind: str = "") -> list[Outcome]:
        return [o for o in self.outcomes if (o.question["expected"] is not None) == answerable
                and (not kind or o.question["type"] == kind)]

    def accuracy(self, kind: str = "") -> float:
        sel = self._sel(True, kind)
        return sum(o.ok for o in sel) / len(sel) if sel else float("nan")

    def refusal(self, kind: str = "") -> float:
        sel = self._sel(False, kind)
        return sum(o.ok for o in sel) / len(sel) if sel else float("nan")

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def types(self) -> list[str]:
        return list(dict.fromkeys(o.question["type"] for o in self.outcomes))


def judge(question: dict, answer) -> Outcome:
    expected = question["expected"]
    if expected is None:
        return Outcome(question, answer, not answer.found, "" if not answer.found else "trả lời câu không có đáp án")
    if not answer.found:
        return Outcome(question, answer, False, "không trả lời")
    text = _norm(answer.text)
    missing = [w for w in expected if _norm(w) not in text]
    cited = answer.citations[0].doc_id if answer.citations else ""
    right_doc = cited in {doc_id_of(f) for f in question["files"]}
    why = "; ".join(([f"thiếu {missing}"] if missing else []) + ([f"trích sai {cited}"] if not right_doc else []))
    return Outcome(question, answer, not missing and right_doc, why)


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def build_library(home: Path, corpus: Path = CORPUS):
    """A Library over corpus/ (README skipped), embeddings cached across runs."""
    from index.library import Library

    cache = Path(os.environ.get("VANKIEN_CACHE", Path.home() / ".cache" / "vankien")) / "corpus-answers"
    cache.mkdir(parents=True, exist_ok=True)
    if not (home / "cache").exists():
        (home / "cache").symlink_to(cache, target_is_directory=True)
    lib = Library.open(home)
    files = [f for f in sorted(corpus.iterdir()) if f.is_file() and not f.name.lower().startswith("readme")]
    report = lib.ingest(files)
    if report.failed:
        raise RuntimeError(f"không nạp được: {[(o.path, o.reason) for o in report.failed]}")
    return lib


def evaluate(library, questions: list[dict]) -> Report:
    from vankien.answers.qa import answer_question

    return Report([judge(q, answer_question(library, q["question"])) for q in questions])


def features(library, questions: list[dict], path: Path) -> None:
    """Per-sentence features of the questions answered from sentences (not from metadata), in the
    format of scripts/eval_answers.py, so scripts/train_answer_ranker.py can check its threshold refuses every unanswerable one."""
    from vankien.answers import docfacts, qa

    with open(path, "w", encoding="utf-8") as out:
        for q in questions:
            question = qa.normalize_query(q["question"])
            about = docfacts.asks_about_document(question)
            name, info = docfacts.named_document(library, question, about_document=about)
            if name is not None and (info is None or about):
                continue  # answered or refused without a threshold
            hits = qa.retrieve_spelt(library, question, qa.PASSAGES, info.doc_id if info is not None else "")
            scored = qa.score_sentences(question, hits, library.encoder)
            files = {doc_id_of(f) for f in q["files"]}

            def gold(s) -> bool:
                text = _norm(qa.answer_text(question, s.sentence))
                return (q["expected"] is not None and all(_norm(w) in text for w in q["expected"])
                        and hits[s.hit_index].doc_id in files)

            row = {"dataset": "corpus", "answerable": q["expected"] is not None, "id": q["id"], "kind": qa.expected_type(question),
                   "hard": qa.needs_answer(question, qa.HARD),
                   "passage_hit": False, "any_passage_hit": False,
                   "sentences": [{"lex": round(s.lexical, 4), "cos": round(s.dense, 4), "rank": s.hit_index,
                                  "typed": s.typed, "text": s.sentence.shown[:200], "score": round(s.score, 5),
                                  "x": [round(v, 5) for v in s.features],
                                  "gold": gold(s), "gold_shown": gold(s)} for s in scored]}
            out.write(json.dumps(row) + "\n")


def print_report(report: Report) -> None:
    ans, una = report._sel(True), report._sel(False)
    print(f"Đúng (đủ từ cần có và trích đúng văn bản): {sum(o.ok for o in ans)}/{len(ans)} = "
          f"{report.accuracy():.3f} (mục tiêu ≥ {TARGET_ACCURACY:.2f})")
    print(f"Từ chối câu không có đáp án: {sum(o.ok for o in una)}/{len(una)} = {report.refusal():.3f} (mục tiêu 1.000)")
    print(f"\n{'loại':<10} {'có đáp án':>12} {'không có':>10}")
    for kind in report.types():
        a, u = report._sel(True, kind), report._sel(False, kind)
        print(f"{kind:<10} {sum(o.ok for o in a):>5}/{len(a):<6} {sum(o.ok for o in u):>4}/{len(u):<5}")
    if report.misses:
        print("\nCâu sai:")
    for o in report.misses:
        cited = o.answer.citations[0].doc_id if o.answer.citations else "-"
        print(f"- [{o.question['id']} {o.question['type']}] {o.question['question']}\n"
              f"    {o.why}; trả lời: {o.answer.text[:200]!r} ({cited})")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--json", action="store_true", help="in kết quả từng câu dạng JSON")
    p.add_argument("--features", type=Path, help="ghi đặc trưng từng câu để hiệu chỉnh ngưỡng "
                   "(scripts/train_answer_ranker.py --corpus)")
    p.add_argument("--dense-passages", type=int, help="mã hóa mọi câu của chừng ấy đoạn đầu (qa.DENSE_PASSAGES)")
    p.add_argument("--context", action=argparse.BooleanOptionalAction,
                   help="mã hóa thêm câu trong ngữ cảnh (qa.DENSE_CONTEXT)")
    args = p.parse_args(argv)
    from vankien.answers import qa

    if args.dense_passages is not None:  # to measure another encoding budget end to end
        qa.DENSE_PASSAGES = args.dense_passages
    if args.context is not None:
        from vankien.answers.context_dense import COLUMNS

        qa.DENSE_CONTEXT = COLUMNS if args.context else ()
    questions = load_questions(args.questions)
    t0 = time.time()
    home = Path(tempfile.mkdtemp(prefix="vankien-corpus-answers-"))
    lib = build_library(home)
    print(f"Chỉ mục corpus/: {len(lib.documents())} văn bản, {len(lib)} đoạn ({time.time() - t0:.0f}s); "
          f"{len(questions)} câu hỏi", flush=True)
    if args.features:
        features(lib, questions, args.features)
    report = evaluate(lib, questions)
    if args.json:
        for o in report.outcomes:
            print(json.dumps({"id": o.question["id"], "ok": o.ok, "why": o.why, **o.answer.to_json()},
                             ensure_ascii=False))
    print_report(report)
    print(f"\nThời gian: {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
