"""Tuning and check parts of an evaluation set, so a setting is never reported on the queries it
was chosen on.

Queries are split by the document they are about (their first relevant document), not one by one:
vinewsqa asks several questions of one article, and tuning on one of them while checking on its
sibling would flatter the settings. The assignment is a hash of a fixed seed and the document id,
so it is the same on every machine; `write_split` records the ids it produced in
vankien/evaluation/splits/<set>.json, and `load_split` reads those committed ids back (a later
change of the hash or of the data cannot move a query from one part to the other unnoticed).

    tune, check = split_queries(ds, seed="vankien-2026")
    ds_check = restrict(ds, load_split("vinewsqa").check)
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from vankien.evaluation.beir import Dataset, DatasetError

SEED = "vankien-2026"
TUNE_SHARE = 0.5
SPLITS_DIR = Path(__file__).with_name("splits")
PARTS = ("tune", "check")


@dataclass(frozen=True)
class Split:
    dataset: str
    seed: str
    tune: tuple[str, ...]
    check: tuple[str, ...]

    def part(self, name: str) -> tuple[str, ...]:
        if name not in PARTS:
            raise ValueError(f"Phần «{name}» không có: chọn tune (để chỉnh) hoặc check (để báo cáo).")
        return self.tune if name == "tune" else self.check


def _bucket(seed: str, key: str) -> float:
    digest = hashlib.sha1(f"{seed}\x00{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_queries(ds: Dataset, seed: str = SEED, tune_share: float = TUNE_SHARE) -> Split:
    """Every judged query goes to exactly one part, by a hash of its first relevant document."""
    tune, check = [], []
    for q in ds.queries:
        group = min(ds.qrels[q.id]) if ds.qrels.get(q.id) else q.id
        (tune if _bucket(seed, group) < tune_share else check).append(q.id)
    return Split(ds.name, seed, tuple(tune), tuple(check))


def restrict(ds: Dataset, query_ids: tuple[str, ...] | list[str]) -> Dataset:
    """The data set with only these queries (corpus unchanged: distractors stay distractors)."""
    wanted = set(query_ids)
    kept = tuple(q for q in ds.queries if q.id in wanted)
    return replace(ds, queries=kept, qrels={q.id: ds.qrels[q.id] for q in kept})


def split_path(name: str, folder: Path = SPLITS_DIR) -> Path:
    return Path(folder) / f"{name}.json"


def write_split(split: Split, folder: Path = SPLITS_DIR) -> Path:
    path = split_path(split.dataset, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"dataset": split.dataset, "seed": split.seed, "tune": list(split.tune),
                                "check": list(split.check)}, ensure_ascii=False, indent=0) + "\n",
                    encoding="utf-8")
    return path


def load_split(name: str, folder: Path = SPLITS_DIR) -> Split:
    path = split_path(name, folder)
    if not path.is_file():
        raise DatasetError(
            f"Chưa có phép chia tune/check cho bộ «{name}» ({path}). Tạo bằng: "
            f"python scripts/eval_splits.py ĐƯỜNG_DẪN/{name}")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Split(data["dataset"], data["seed"], tuple(data["tune"]), tuple(data["check"]))
