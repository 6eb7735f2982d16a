"""Parsing ahead of ingestion: while Library.ingest checks, embeds and stores file i, files i+1 ..
i+W are being parsed (W = the parser's `workers`, 1 for the single isolated worker; a
ingest.parse_pool.ParsePool parses W files at once in W worker processes). The parsers run in
their own processes; the threads here only wait for them. The OCR progress callback (a context
variable) goes along with each file."""
from __future__ import annotations

import contextvars
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable


class ParseAhead:
    def __init__(self, parser, known: Callable[[Path], str | None], files: list[Path]):
        self.parser, self.known, self.files = parser, known, files
        self.window = max(1, int(getattr(parser, "workers", 1)))
        self.pool = ThreadPoolExecutor(self.window, thread_name_prefix="vankien-parse")
        self.started: dict[int, Future | None] = {}

    def take(self, i: int) -> Future | None:
        """File i's parse (None: not a file, or already indexed); starts the next `window` files."""
        for j in range(i, min(len(self.files), i + 1 + self.window)):
            if j not in self.started:
                self.started[j] = self._start(self.files[j])
        return self.started.pop(i, None)

    def _start(self, path: Path) -> Future | None:
        if not path.is_file():
            return None
        try:
            if self.known(path):
                return None
        except OSError:
            return None
        return self.pool.submit(contextvars.copy_context().run, self.parser, path.resolve())

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
