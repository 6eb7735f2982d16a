"""Uploads while a merge folds (issue 14, index/merge_beside.py): start the background merge child on
an index, add each text file of a folder while it runs, print how long each upload took, how long
the merge took, and whether the uploads are still in the index after it. WRITES into the index:
run it on a copy (`cp -a` a benchmark index of scripts/bench_scale.py).

    python scripts/bench_merge_upload.py COPY_OF_INDEX FOLDER_OF_TXT_FILES
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main(home: Path, folder: Path) -> None:
    from index.library import Library
    from ingest.pipeline import parse_file

    files = sorted(folder.glob("*.txt"))
    lib = Library.open(home, parser=parse_file)
    print("before:", lib.stats()["passages"], "passages,", lib.stats()["segments"], "segments", flush=True)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "index.background_merge", str(home)])
    while not list(home.glob("merging-*/snapshot")) and child.poll() is None:
        time.sleep(0.05)  # the merge has taken its snapshot: it folds from now on
    time.sleep(2)
    added = []
    for f in files:
        t = time.perf_counter()
        outcome = lib.ingest([f]).outcomes[0]
        added.append(outcome.doc_id)
        print(f"upload during the merge: {f.name} {outcome.status} in {time.perf_counter() - t:.2f} s "
              f"(merge still running: {child.poll() is None})", flush=True)
    child.wait()
    print(f"merge: {time.perf_counter() - started:.1f} s, exit {child.returncode}", flush=True)
    lib.refresh()
    kept = {d.doc_id for d in lib.documents()}
    print("after:", lib.stats()["passages"], "passages,", lib.stats()["segments"], "segments;",
          f"uploads kept {sum(d in kept for d in added)}/{len(added)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
