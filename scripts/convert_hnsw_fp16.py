"""Give the HNSW graphs of an index's live generation fp16 storage (index/dense_hnsw.py): what a
merge writes since issue 14's fifth pass, for segments written before it, keeping each graph (no
graph is built again: ~13 s and 3.0 GiB peak at 10^6 vectors, against ~10 min for a new graph). Each
new ann.faiss is written aside, then renamed into place; a running server keeps the one it has
open and reads the new one when it next loads. Segments already fp16, IVF or exact are left alone.

    python scripts/convert_hnsw_fp16.py INDEX_FOLDER     (or a generation folder, gen-NNNNNN)
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(home: Path) -> None:
    import faiss

    from index import generations
    from index.dense import FOLDER
    from index.dense_hnsw import flat_to_fp16, is_flat_hnsw

    gen = home if (home / FOLDER).is_dir() else generations.current(home)
    if gen is None:
        sys.exit(f"{home}: không có chỉ mục")
    for folder in sorted((gen / FOLDER).glob("seg-*")):
        path = folder / "ann.faiss"
        if not path.exists():
            continue
        t = time.perf_counter()
        ann = faiss.read_index(str(path))  # read whole: the copied graph must not point into a map
        if not is_flat_hnsw(ann):
            print(f"{folder.name}: left alone", flush=True)
            continue
        aside = folder / "ann.faiss.fp16-tmp"
        faiss.write_index(flat_to_fp16(ann), str(aside))
        with open(aside, "rb") as f:
            os.fsync(f.fileno())
        before = path.stat().st_size
        os.replace(aside, path)
        print(f"{folder.name}: {ann.ntotal:,} vectors, {before / 2**20:,.0f} -> {path.stat().st_size / 2**20:,.0f} MiB, "
              f"{time.perf_counter() - t:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
