"""Write the tuning/check split of BEIR folders into vankien/evaluation/splits/<set>.json (committed).

    python scripts/eval_splits.py ../shared/eval/uit_regwiki ../shared/eval/vinewsqa ../shared/eval/alqac

Prints, per set, how many queries and documents each part holds. Re-running on the same data writes
the same ids (the split is a hash of a fixed seed and each query's first relevant document).
"""
from __future__ import annotations

import sys
from pathlib import Path

from vankien.evaluation.beir import load_beir
from vankien.evaluation.splits import split_queries, write_split


def main(folders: list[str]) -> int:
    for folder in folders:
        ds = load_beir(Path(folder))
        split = split_queries(ds)
        path = write_split(split)
        docs = {name: {min(ds.qrels[q]) for q in ids} for name, ids in (("tune", split.tune), ("check", split.check))}
        print(f"{ds.name}: tune {len(split.tune)} câu hỏi / {len(docs['tune'])} văn bản, "
              f"check {len(split.check)} câu hỏi / {len(docs['check'])} văn bản, "
              f"chung {len(docs['tune'] & docs['check'])} văn bản → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
