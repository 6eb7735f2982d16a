"""Write each passage's twin prefix (index/twins.py prefix_hash, file twin_prefix.npy) beside the
keyword segments of an index's live generation that were written before commits stored it: what a
new ingestion writes, computed from the texts in the store, without publishing anything. Only adds
files (written aside, then renamed into place); a running server reads them when it next loads.

    python scripts/backfill_twin_prefix.py INDEX_FOLDER
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 20_000  # passages read from the store at a time


def main(home: Path) -> None:
    from index import generations
    from index.keyword import FOLDER
    from index.library_write import open_store
    from index.postings import PREFIX_FILE, load_prefix
    from index.twins import prefix_hash

    gen = generations.current(home)
    store, gen = open_store(home, gen)
    try:
        for folder in sorted((gen / FOLDER).iterdir()):
            if not (folder / "pids.npy").exists():
                continue
            pids = np.load(folder / "pids.npy", mmap_mode="r")
            if load_prefix(folder, len(pids)) is not None:
                print(f"{folder.name}: already there", flush=True)
                continue
            t = time.perf_counter()
            out = np.zeros(len(pids), dtype=np.uint64)
            for a in range(0, len(pids), CHUNK):
                chunk = [int(p) for p in pids[a:a + CHUNK]]
                texts = store.passage_texts(chunk)  # a tombstoned passage's row may be gone: 0, never read
                out[a:a + len(chunk)] = [prefix_hash(texts.get(p, "")) for p in chunk]
            aside = folder / f".{PREFIX_FILE}.tmp.npy"
            np.save(aside, out)
            os.replace(aside, folder / f"{PREFIX_FILE}.npy")
            print(f"{folder.name}: {len(pids)} passages, {time.perf_counter() - t:.1f} s", flush=True)
    finally:
        store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
