"""A merge that does not hold up uploads (issue 14): the fold runs beside the writers.

Why: `Library.merge` folded every segment while holding the index's write lock; at 10^6 passages
that is ~10 minutes in which an upload or a removal waited. Now the lock is held twice, briefly:

1. snapshot: the live generation's segment folders are hard-linked into home/merging-<id>/snapshot
   (immutable files: links cost nothing, and a commit meanwhile may delete the generation folder);
2. fold, WITHOUT the write lock: the snapshot's segments are merged into merging-<id>/merged (the
   minutes of work; commits and removals go on and publish their generations);
3. compose, under the lock: the next generation lists the merged segments plus the segments the live
   generation gained since the snapshot (linked), and the tombstones laid since on the snapshot's
   segments (a removal, a replaced document) are carried into the merged ones by passage id.

Segments are only ever added or tombstoned by commits while a merge runs: `merging()` tells a
commit not to fold its small segments (tidy), so every snapshot segment is still in the live
generation at step 3. When one is not (the index was rebuilt meanwhile), `compose` says so and the
merge publishes nothing. One merge at a time per index (MERGE_LOCK); a killed merge leaves only its
merging-* folder, deleted by the next merge.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

MERGE_LOCK = ".merge-lock"
WORK_PREFIX = "merging-"
SIDES = {"dense": "ids.npy", "keyword": "pids.npy"}  # index folder -> its segments' passage-id file
SEGMENTS = "segments.json"
DEAD = "dead.npy"  # a segment's tombstones: its dead rows, in its own numbering


@contextmanager
def merge_lock(home: Path):
    """One merge per index folder at a time (waits for another)."""
    with open(home / MERGE_LOCK, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def merging(home: Path) -> bool:
    """Whether a merge runs on this index now (in any process)."""
    path = home / MERGE_LOCK
    if not path.exists():
        return False
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def segmented(gen: Path) -> bool:
    """A generation written with segment folders on both sides (older layouts merge under the lock)."""
    return all((gen / side / SEGMENTS).exists() for side in SIDES)


def new_work_folder(home: Path) -> Path:
    """home/merging-<id>/, after deleting what killed merges left (call under merge_lock)."""
    for old in home.glob(WORK_PREFIX + "*"):
        shutil.rmtree(old, ignore_errors=True)
    work = home / f"{WORK_PREFIX}{uuid.uuid4().hex[:12]}"
    work.mkdir()
    return work


def snapshot(gen: Path, into: Path) -> Path:
    """Hard links of `gen`'s segment folders (both sides) in `into`; call under the write lock."""
    for side in SIDES:
        shutil.copytree(gen / side, into / side, copy_function=_link)
    return into


def compose(live: Path, snap: Path, merged: Path, target: Path) -> bool:
    """Write target/dense and target/keyword: the segments of `merged` (the snapshot folded), with the
    tombstones `live` laid on the snapshot's segments since, then the segments `live` gained since the
    snapshot. False (nothing written) when a snapshot segment is no longer in `live`."""
    plans = []
    for side, id_file in SIDES.items():
        snap_names, live_names = _names(snap / side), _names(live / side)
        if not set(snap_names) <= set(live_names):
            return False
        gone = [np.asarray(np.load(live / side / n / id_file, mmap_mode="r"))[_dead(live / side / n)]
                for n in snap_names]
        plans.append((side, id_file, np.concatenate(gone) if gone else np.zeros(0, np.int64),
                      [n for n in live_names if n not in snap_names]))
    for side, id_file, gone, added in plans:
        out = target / side
        out.mkdir(parents=True)
        names = _names(merged / side)
        for n in names:
            shutil.copytree(merged / side / n, out / n, copy_function=_link, ignore=shutil.ignore_patterns(DEAD))
            ids = np.load(out / n / id_file, mmap_mode="r")
            dead = np.union1d(_dead(merged / side / n), np.flatnonzero(np.isin(ids, gone)))
            np.save(out / n / DEAD, dead.astype(np.int64))
        for n in added:  # committed during the fold: as the live generation has them
            shutil.copytree(live / side / n, out / n, copy_function=_link, ignore=shutil.ignore_patterns(DEAD))
            np.save(out / n / DEAD, _dead(live / side / n))  # a copy: saving rewrites it in place
        (out / SEGMENTS).write_text(json.dumps(names + added), encoding="utf-8")
    return True


def _names(folder: Path) -> list[str]:
    return json.loads((folder / SEGMENTS).read_text(encoding="utf-8"))


def _dead(segment: Path) -> np.ndarray:
    return np.load(segment / DEAD) if (segment / DEAD).exists() else np.zeros(0, np.int64)


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)
