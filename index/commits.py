"""When a long ingestion publishes what it has so far, and what it tells the user meanwhile.

A 10-hour ingestion that publishes only at the end loses everything to a SIGKILL at 90 % and
shows nothing until then. Library.ingest publishes a generation every `every_files` files or
`every_seconds` seconds, whichever comes first; a killed run is resumed by running it again: files
already published are recognised by their content hash before parsing (index/library_write.py),
so only the unpublished tail is parsed and embedded again.

A commit's cost grows with the index (it copies the store and rebuilds the keyword index), so a
commit is never started sooner than `cost_factor` times the last commit's duration after it: the
commits stay at most ~1/(1+cost_factor) of the run however large the index gets.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CommitPolicy:
    every_files: int = 200  # files changed since the last commit
    every_seconds: float = 120.0  # seconds since the last commit
    cost_factor: float = 4.0  # never commit sooner than this many times the last commit's duration

    def __post_init__(self):
        if self.every_files < 1 or self.every_seconds < 0 or self.cost_factor < 0:
            raise ValueError("CommitPolicy: every_files >= 1, every_seconds >= 0, cost_factor >= 0")

    @classmethod
    def from_env(cls, environ=os.environ, files: int | None = None, seconds: float | None = None) -> "CommitPolicy":
        """Arguments win over $VANKIEN_COMMIT_FILES / $VANKIEN_COMMIT_SECONDS, which win over the defaults."""
        default = cls()
        files = files if files is not None else int(environ.get("VANKIEN_COMMIT_FILES") or default.every_files)
        seconds = seconds if seconds is not None else float(environ.get("VANKIEN_COMMIT_SECONDS")
                                                            or default.every_seconds)
        return cls(every_files=files, every_seconds=seconds)

    def due(self, changed_files: int, seconds_since: float, last_commit_s: float) -> bool:
        if changed_files <= 0 or seconds_since < self.cost_factor * last_commit_s:
            return False
        return changed_files >= self.every_files or seconds_since >= self.every_seconds


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingestion stands, after each file and after each commit."""

    files_done: int
    files_total: int
    passages: int  # passages of the files read in this run
    published_files: int  # files of this run that search already sees
    commits: int
    elapsed_s: float
    current: str = ""  # the file just handled
    committing: bool = False  # a commit is starting now
    waiting: bool = False  # another writer (a merge, another ingestion) holds the index: waiting for it

    @property
    def rate(self) -> float:
        """Files per second so far."""
        return self.files_done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far (None before the first file)."""
        rate = self.rate
        return (self.files_total - self.files_done) / rate if rate > 0 else None

    def message(self) -> str:
        """One Vietnamese line: files, passages, rate, time left, what search sees."""
        if self.waiting:
            return WAITING_MESSAGE
        eta = self.eta_s
        left = f", còn khoảng {format_seconds(eta)}" if eta is not None and self.files_done < self.files_total else ""
        return (f"{self.files_done}/{self.files_total} tệp, {self.passages} đoạn, {self.rate:.2f} tệp/giây{left}; "
                f"đã lưu {self.published_files} tệp ({self.commits} lần lưu)")


WAITING_MESSAGE = ("Chỉ mục đang được sắp xếp lại (gộp phân đoạn) hoặc đang nhận tệp từ nơi khác; "
                   "tệp sẽ được thêm ngay khi việc đó xong. Tìm kiếm vẫn dùng được.")


def format_seconds(s: float) -> str:
    s = int(round(s))
    if s < 60:
        return f"{s} giây"
    if s < 3600:
        return f"{s // 60} phút {s % 60:02d} giây"
    return f"{s // 3600} giờ {s % 3600 // 60:02d} phút"
