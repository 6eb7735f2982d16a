"""SIGKILL of the background merge child (index/background_merge.py) at random moments (issue 14):
after each kill the index opens, holds every published document, its sides agree, and search
answers; the next merge still folds the segments."""
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.library import Library
from tests.test_index_crash import _consistent, _doc
from tests.test_index_resume import StandIn

ROOT = Path(__file__).resolve().parents[1]

# what `python -m index.background_merge HOME` runs, with the merges written range by range into
# files as at 10^6 passages (small thresholds), and a line before and after the merge
CHILD = """
import sys
from pathlib import Path
import index.dense, index.keyword
index.dense.FLAT_MAX, index.keyword.RANGE_POSTINGS = 4, 8
from index.library import Library
lib = Library.open(Path(sys.argv[1]))
print("MERGING", flush=True)
result = lib.merge()
print("MERGED", result["segments_before"], result["segments_after"], flush=True)
"""


@pytest.mark.slow
def test_sigkill_of_the_merge_child_keeps_every_published_document(tmp_path):
    home = tmp_path / "idx"
    lib = Library.open(home, encoder=StandIn())
    for c in range(6):  # six commits: six segments to merge
        lib.add_documents([_doc(10 * c + j) for j in range(10)])
    published = {d.doc_id for d in lib.documents()}
    rng = random.Random(1414)
    mid_merge, finished = 0, 0
    window = 0.25  # seconds after "MERGING" to kill within: narrowed to the merges seen finishing
    for attempt in range(24):
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(home)], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, preexec_fn=lambda: os.nice(10),
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        seen: dict[str, float] = {}  # first word of each line -> when it came
        reader = threading.Thread(target=lambda: seen.update((x.split()[0], time.monotonic()) for x in proc.stdout),
                                  daemon=True)
        reader.start()
        started = time.monotonic()
        while time.monotonic() - started < 30 and "MERGING" not in seen:
            time.sleep(0.005)  # the interpreter's start-up is not what is tested
        time.sleep(rng.uniform(0.0, window))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(5)
        done = "MERGED" in seen
        finished += done
        mid_merge += "MERGING" in seen and not done
        if done:  # the merge was quicker than the window (a quiet machine): kill sooner next time
            window = min(window, 0.8 * (seen["MERGED"] - seen["MERGING"]))
        again = Library.open(home, encoder=StandIn())
        assert {d.doc_id for d in again.documents()} == published, attempt
        _consistent(again)
        assert again.search("chi bộ sinh hoạt chuyên đề", 3)
        again.close()
        # a new commit and a removal between kills: the next merge has segments and tombstones to fold
        lib.refresh()
        lib.add_documents([_doc(1000 + attempt)])
        lib.remove(f"tb-{10 * (attempt % 6) + attempt % 10}")
        published = {d.doc_id for d in lib.documents()}
    assert mid_merge >= 10, f"only {mid_merge} kills landed inside a merge ({finished} merges finished)"
    lib.refresh()
    extra = 0
    while lib.stats()["segments"] < 2:  # commits fold their small segments every 9th: leave the merge two
        lib.add_documents([_doc(2000 + extra)])
        extra += 1
    published = {d.doc_id for d in lib.documents()}
    lib.merge()
    assert lib.stats()["segments"] == 1 and {d.doc_id for d in lib.documents()} == published
    print(f"{mid_merge} kills inside a merge, {finished} merges finished before the kill")
