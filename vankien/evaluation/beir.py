"""Load a retrieval data set in the BEIR layout: corpus.jsonl, queries.jsonl, qrels.tsv (with header)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class DatasetError(ValueError):
    """A BEIR folder that cannot be read; the message (Vietnamese) names the file and the fix."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Query:
    id: str
    text: str


@dataclass(frozen=True)
class Dataset:
    name: str
    corpus: tuple[Document, ...]
    queries: tuple[Query, ...]  # only queries that have at least one judged document, file order
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: graded relevance}
    skipped_queries: int = 0  # queries in the file without qrels


def _need(path: Path, what: str) -> Path:
    if not path.is_file():
        raise DatasetError(
            f"Không tìm thấy tệp {what}: {path}. Thư mục theo bố cục BEIR cần corpus.jsonl, "
            f"queries.jsonl và qrels.tsv (hoặc chỉ định tệp khác bằng --queries / --qrels)."
        )
    return path


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}, dòng {lineno}: không phải JSON hợp lệ ({exc.msg}).") from exc
            if "id" not in row:
                raise DatasetError(f"{path}, dòng {lineno}: thiếu trường \"id\".")
            rows.append(row)
    return rows


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or not parts[0].strip():
                continue
            if lineno == 1:
                try:
                    int(float(parts[2]))
                except ValueError:
                    continue  # header line
            try:
                score = int(float(parts[2]))
            except ValueError as exc:
                raise DatasetError(f"{path}, dòng {lineno}: điểm liên quan \"{parts[2]}\" không phải số.") from exc
            qrels.setdefault(parts[0].strip(), {})[parts[1].strip()] = score
    return qrels


def load_beir(folder: Path, queries: Path | None = None, qrels: Path | None = None) -> Dataset:
    """Read a BEIR folder; `queries`/`qrels` override the default files (relative paths: to folder).

    Queries without any positive judgement are skipped (counted in skipped_queries).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"Không tìm thấy thư mục dữ liệu: {folder}.")
    corpus_path = _need(folder / "corpus.jsonl", "kho văn bản (corpus.jsonl)")
    q_path = _need(_resolve(folder, queries, "queries.jsonl"), "câu hỏi (queries.jsonl)")
    r_path = _need(_resolve(folder, qrels, "qrels.tsv"), "đánh giá liên quan (qrels.tsv)")

    corpus = tuple(
        Document(str(r["id"]), str(r.get("title") or ""), str(r.get("text") or "")) for r in _read_jsonl(corpus_path)
    )
    judged = {q: {d: s for d, s in docs.items() if s > 0} for q, docs in read_qrels(r_path).items()}
    judged = {q: docs for q, docs in judged.items() if docs}
    all_queries = [Query(str(r["id"]), str(r.get("text") or "")) for r in _read_jsonl(q_path)]
    kept = tuple(q for q in all_queries if q.id in judged)
    if not kept:
        raise DatasetError(f"Không câu hỏi nào trong {q_path} có đánh giá trong {r_path}: kiểm tra mã câu hỏi.")
    return Dataset(
        name=folder.name,
        corpus=corpus,
        queries=kept,
        qrels={q.id: judged[q.id] for q in kept},
        skipped_queries=len(all_queries) - len(kept),
    )


def _resolve(folder: Path, override: Path | None, default: str) -> Path:
    if override is None:
        return folder / default
    override = Path(override)
    if override.is_absolute() or override.exists():
        return override
    return folder / override
