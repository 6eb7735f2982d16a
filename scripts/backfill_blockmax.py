"""Write the block maxima (index/blockmax_files.py) beside the large keyword segments of an index's
live generation that were written before they existed: what the next commit or merge would do, at
once, without publishing anything. Only adds files; a running server reads them when it next loads.

    python scripts/backfill_blockmax.py INDEX_FOLDER
"""
from __future__ import annotations

import sys
import time
from pathlib import Path


def main(home: Path) -> None:
    from index import blockmax_files, generations
    from index.keyword import B, FOLDER, K1
    from index.postings import Segment

    gen = generations.current(home)
    for folder in sorted((gen / FOLDER).iterdir()):
        if not (folder / "terms.npy").exists():
            continue
        seg = Segment.load(folder)
        t = time.perf_counter()
        blockmax_files.save(seg, folder, K1, B)
        print(f"{folder.name}: {len(seg)} passages, {time.perf_counter() - t:.1f} s", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
