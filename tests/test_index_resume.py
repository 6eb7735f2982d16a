"""Resumable ingestion (issue 14, item 2): a long ingestion publishes every N files, a SIGKILL keeps
what was published, and the rerun parses only the files that were not."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.commits import CommitPolicy, IngestProgress
from index.library import Library
from ingest.pipeline import parse_file
from models.settings import EncoderSettings
from tests.index_fixtures import RandomEncoder

ROOT = Path(__file__).resolve().parents[1]
N_FILES, EVERY = 200, 20

CHILD = f"""
import sys
from pathlib import Path
from index.commits import CommitPolicy
from index.library import Library
from ingest.pipeline import parse_file
from tests.test_index_resume import StandIn
lib = Library.open(Path(sys.argv[1]), encoder=StandIn(), parser=parse_file)
lib.ingest(sorted(Path(sys.argv[2]).iterdir()), progress=lambda p: print("NAP", p, flush=True),
           commits=CommitPolicy(every_files={EVERY}, every_seconds=3600, cost_factor=0))
print("XONG", flush=True)
"""


class StandIn(RandomEncoder):
    """Random vectors under the default encoder's name, so the index reopens without a model (the
    life cycle never reads what the vectors mean)."""

    name = EncoderSettings().name


def _files(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    out = []
    for i in range(n):
        p = folder / f"ban_tin_{i:03d}.txt"
        p.write_text(f"BẢN TIN SINH HOẠT CHI BỘ SỐ {i}\nChi bộ số {i} thảo luận chuyên đề {i * 7 % 31} "
                     f"về xây dựng Đảng và kiểm tra giám sát ở thôn {i % 17}.\n", encoding="utf-8")
        out.append(p)
    return out


def test_killed_ingestion_resumes_without_parsing_again(tmp_path):
    docs, home = tmp_path / "docs", tmp_path / "idx"
    _files(docs, N_FILES)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(docs)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    started, deadline = 0, time.time() + 240
    while started <= N_FILES // 2:  # file 101 starts only after the commit of the first 100 returned
        assert time.time() < deadline, "ingestion too slow"
        line = proc.stdout.readline()
        assert line and "XONG" not in line, "ingestion ended before it could be killed"
        started += line.startswith("NAP")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    parsed: list[str] = []

    def counting_parser(path: Path):
        parsed.append(path.name)
        return parse_file(path)

    lib = Library.open(home, encoder=StandIn(), parser=counting_parser)
    kept = {d.doc_id for d in lib.documents()}
    assert len(kept) >= N_FILES // 2 and len(kept) % EVERY == 0  # whole batches, none half-published
    assert lib.search("chi bộ số 7 thảo luận", 3)  # what was published is searchable

    seen: list[IngestProgress] = []
    report = lib.ingest([docs], on_progress=seen.append,
                        commits=CommitPolicy(every_files=EVERY, every_seconds=3600, cost_factor=0))
    assert len(parsed) == N_FILES - len(kept)  # the published files were not parsed again
    assert report.count("unchanged") == len(kept) and report.count("added") == N_FILES - len(kept)
    assert len(lib.documents()) == N_FILES and len(list(home.glob("gen-*"))) == 1
    last = seen[-1]
    assert (last.files_done, last.files_total, last.published_files) == (N_FILES, N_FILES, N_FILES)
    assert last.passages == sum(o.passages for o in report.outcomes) > 0
    assert last.commits == -(-(N_FILES - len(kept)) // EVERY)  # one per batch of changed files


def test_each_batch_is_searchable_while_ingestion_goes_on(tmp_path):
    """A reader in the same process sees batch after batch, never a half-written one."""
    files = _files(tmp_path / "docs", 9)
    lib = Library.open(tmp_path / "idx", encoder=StandIn(), parser=parse_file)
    reader = Library.open(tmp_path / "idx", encoder=StandIn())
    visible: list[int] = []

    def look(p: IngestProgress) -> None:
        reader.refresh()
        visible.append(len(reader.documents()))

    report = lib.ingest(files, on_progress=look, commits=CommitPolicy(every_files=4, every_seconds=3600,
                                                                          cost_factor=0))
    assert report.count("added") == 9
    assert sorted(set(visible)) == [0, 4, 8, 9]
    assert reader.search("thảo luận chuyên đề", 20)


def test_commit_policy():
    p = CommitPolicy(every_files=10, every_seconds=60, cost_factor=4)
    assert not p.due(0, 1000, 0)  # nothing to publish
    assert p.due(10, 1, 0) and p.due(1, 60, 0) and not p.due(9, 59, 0)
    assert not p.due(10, 30, 10)  # the last commit took 10 s: wait 40 s between commits
    assert CommitPolicy.from_env({"VANKIEN_COMMIT_FILES": "7"}).every_files == 7
    assert CommitPolicy.from_env({"VANKIEN_COMMIT_FILES": "7"}, files=3).every_files == 3
    with pytest.raises(ValueError):
        CommitPolicy(every_files=0)
    msg = IngestProgress(50, 200, 700, 40, 2, 25.0).message()
    assert "50/200 tệp" in msg and "700 đoạn" in msg and "1 phút 15 giây" in msg


def test_the_next_file_is_parsed_while_this_one_is_embedded(tmp_path):
    """Parsing beside embedding (issue 14, item 3): file k+1's parsing starts before file k's
    embedding ends (each embedding here waits for it; run one after the other, it would time out)."""
    import re
    import threading

    files = _files(tmp_path / "docs", 4)
    started = {f.name: threading.Event() for f in files}
    overlapped: list[bool] = []

    def parser(path: Path):
        started[path.name].set()
        return parse_file(path)

    class Waiting(StandIn):
        def encode_passages(self, texts):
            found = re.search(r"SỐ (\d+)", texts[0])  # None: the topic list's descriptions
            k = int(found.group(1)) if found else len(files)
            if k + 1 < len(files):
                overlapped.append(started[files[k + 1].name].wait(10))
            return super().encode_passages(texts)

    lib = Library.open(tmp_path / "idx", encoder=Waiting(), parser=parser)
    assert lib.ingest(files).count("added") == len(files)
    assert overlapped == [True] * (len(files) - 1)


def test_an_ingestion_that_waits_for_a_merge_says_so_and_then_adds_its_files(tmp_path):
    """A merge holds the write lock for minutes at 10^6 passages: the upload tells the user it waits
    (in Vietnamese) instead of standing still, then adds its files once the lock is free."""
    import threading

    from index import generations
    from index.commits import WAITING_MESSAGE

    files = _files(tmp_path / "docs", 2)
    lib = Library.open(tmp_path / "idx", encoder=StandIn(), parser=parse_file)
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:  # stands for the merge child: another holder of the same lock file
        with generations.write_lock(tmp_path / "idx"):
            held.set()
            release.wait(30)

    writer = threading.Thread(target=other_writer)
    writer.start()
    held.wait(10)
    seen: list[IngestProgress] = []

    def look(p: IngestProgress) -> None:
        seen.append(p)
        if p.waiting:
            release.set()  # the "merge" ends once the wait was reported

    report = lib.ingest(files, on_progress=look)
    writer.join(10)
    assert seen[0].waiting and seen[0].message() == WAITING_MESSAGE
    assert not any(p.waiting for p in seen[1:])
    assert report.count("added") == 2 and len(lib.documents()) == 2
    quiet: list[IngestProgress] = []  # nobody holds the lock: no waiting notice
    lib.ingest(_files(tmp_path / "more", 1), on_progress=quiet.append)
    assert quiet and not any(p.waiting for p in quiet)
