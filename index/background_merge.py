"""Merging segments in the background (issue 14): the server starts `Library.merge` in a child
process at low priority once segments pile up, and goes on searching the live generation.

Why a process and not a thread: a merge of 10^5-10^6 passages is minutes of numpy and FAISS work
holding the GIL in long stretches, and its memory goes back to the system when the process ends.
Searches never wait for it: the merge writes the next generation beside the live one and publishes
it atomically (index/generations.py), and `Library.refresh` picks it up at the next search. A
SIGKILL of the child leaves the live generation as it was (tests/test_index_crash.py kills merges).
The write lock is held only to take a snapshot at the start and to publish at the end
(index/merge_beside.py): uploads and removals go on while it folds; one that must wait says so
(index.commits.WAITING_MESSAGE, on the CLI bar and in the upload's progress line).

    python -m index.background_merge INDEX_FOLDER     # what the child runs
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

MAX_SEGMENTS = 8  # more segments than this (after commits fold the small ones): merge
NICE = 10  # as the bulk encoder: searches in the server come first


class BackgroundMerge:
    """At most one merge child per index; `maybe_start` after each change."""

    def __init__(self, home: Path, max_segments: int = MAX_SEGMENTS, nice: int = NICE):
        self.home, self.max_segments, self.nice = Path(home), max_segments, nice
        self._child: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def due(self, segments: int) -> bool:
        return segments > self.max_segments

    def maybe_start(self, segments: int) -> bool:
        """Start a merge when `segments` (Library.stats()["segments"]) are too many and none runs."""
        with self._lock:
            if self.running or not self.due(segments):
                return False
            log = open(self.home / "merge.log", "ab")
            try:
                self._child = subprocess.Popen(
                    [sys.executable, "-m", "index.background_merge", str(self.home)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    preexec_fn=lambda: os.nice(self.nice), start_new_session=True)
            finally:
                log.close()
            return True

    def wait(self, timeout: float | None = None) -> int | None:
        """The child's exit status (None: none was started)."""
        child = self._child
        return child.wait(timeout) if child is not None else None


def main(argv: list[str]) -> int:
    from index.library import Library

    lib = Library.open(Path(argv[0]))
    result = lib.merge()
    print(f"merge: {result['segments_before']} -> {result['segments_after']} segments", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
