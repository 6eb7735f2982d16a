"""`vankien ingest --cluster ADDRESS`: parsing and embedding fanned out over a Dask cluster, one writer.

Why Dask (distributed) and not Ray: both are on PyPI, but `distributed` is pure Python (a few MB,
no extras) and installs cleanly on Python 3.11 beside torch; `ray` is a large binary wheel with its
own object store and daemon processes, more than a parse-and-embed fan-out needs.

Each file is one task on a worker: parse it, embed its passages with the index's encoder (in the
worker's low-priority bulk thread, models/cpu.py), return (document, vectors). The writer, this
process, then runs the ordinary Library.ingest over the files in their usual order, with a parser
and an encoder that hand back what the workers computed: the same checks (unchanged files, ids,
failures by name), the same commits, so the index equals a single-process run's. A worker that
dies has its tasks rerun elsewhere by Dask's scheduler (distributed.scheduler.allowed-failures).

ADDRESS: "local:N" starts N worker processes on this machine (each given its share of the cores);
anything else is a scheduler address ("tcp://host:8786") whose workers have vankien installed and,
for --runtime onnx/torch, the converted model at the same path.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ingest.records import IngestError
from models.cpu import usable_cores
from models.settings import EncoderSettings

INSTALL_HINT = "nạp trên cụm máy cần Dask: pip install distributed"
_worker_encoders: dict[str, object] = {}
_lock = threading.Lock()


def parse_and_embed(path: str, settings_json: str, threads: int = 0):
    """On a worker: a file -> (ParsedDocument, float32 vectors). Exceptions travel back to the writer,
    which reports them for this file as a single-process run would."""
    from index.library import _default_parser
    from models.cpu import lower_this_thread_priority

    with _lock:
        encoder = _worker_encoders.get(settings_json)
        if encoder is None:
            if threads:  # a local worker's share of the cores, read when the engine loads
                os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            from models.factory import create_encoder

            lower_this_thread_priority()  # parsing too, so searches on this machine stay quick
            encoder = _worker_encoders[settings_json] = create_encoder(
                EncoderSettings.from_json(json.loads(settings_json)))
    try:
        doc = _default_parser(Path(path))
    except IngestError as exc:  # without its cause: a parser library's exception may not pickle
        raise IngestError(exc.path, exc.reason) from None
    vectors = encoder.encode_passages([p.text for p in doc.passages]) if doc.passages else None
    return doc, vectors


class _Precomputed:
    """An Encoder that answers passages from the workers' vectors (by text) and anything else with
    the real encoder, made only if needed."""

    def __init__(self, settings: EncoderSettings):
        self.name = settings.name
        self.settings = settings
        self.vectors: dict[str, np.ndarray] = {}
        self._inner = None

    def _real(self):
        if self._inner is None:
            from models.factory import create_encoder

            self._inner = create_encoder(self.settings)
        return self._inner

    @property
    def dim(self) -> int:
        return next(iter(self.vectors.values())).shape[0] if self.vectors else self._real().dim

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if all(t in self.vectors for t in texts):
            return np.vstack([self.vectors[t] for t in texts]).astype(np.float32) if texts else \
                np.zeros((0, self.dim), dtype=np.float32)
        return self._real().encode_passages(texts)

    def encode_query(self, text: str) -> np.ndarray:
        return self._real().encode_query(text)


def unchanged_files(lib, files: Sequence[Path]) -> set[str]:
    """Resolved paths of files indexed from the same path with the same bytes: the writer will skip
    them (Library.ingest compares file hashes), so no worker needs to parse or embed them."""
    from ingest.pipeline import file_sha256

    by_path = {str(Path(d.source_path).resolve()): d.doc_id for d in lib.documents() if d.source_path}
    out = set()
    for f in files:
        key = str(Path(f).resolve())
        doc = lib.document(by_path[key]) if key in by_path else None
        if doc is not None and doc.content_hash and Path(key).is_file() and file_sha256(Path(key)) == doc.content_hash:
            out.add(key)
    return out


def connect(address: str):
    """A Dask client: a new local cluster for "local:N", else the scheduler at `address`."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    if address.startswith("local:"):
        n = int(address.split(":", 1)[1] or 0)
        if n < 1:
            raise ValueError("--cluster local:N cần N >= 1")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), max(1, usable_cores() // n)
    return Client(address), 0


def ingest_on_cluster(lib, files: Sequence[Path], address: str, progress: Callable[[str], None] | None = None,
                      task: Callable = parse_and_embed, ahead: int = 0):
    """Ingest `files` into `lib`'s index with parsing and embedding on the cluster's workers.
    Returns (IngestReport, the Library reopened on the new generation). `task`: the per-file work
    (tests swap in one that fails); `ahead`: files in flight (default 4 per worker)."""
    from index.library import Library

    client, threads = connect(address)
    try:
        settings = lib.encoder_settings
        settings_json = settings.dumps()
        ahead = ahead or 4 * max(1, len(client.scheduler_info().get("workers", {})))
        files = [Path(f) for f in files]
        skip = unchanged_files(lib, files)
        keys = [key for key in (str(f.resolve()) for f in files) if key not in skip]
        where = {key: i for i, key in reversed(list(enumerate(keys)))}
        futures: dict[str, object] = {}
        submitted = 0
        encoder = _Precomputed(settings)

        def submit_up_to(n: int) -> None:
            nonlocal submitted
            while submitted < min(n, len(keys)):
                key = keys[submitted]
                if key not in futures:
                    futures[key] = client.submit(task, key, settings_json, threads, pure=False)
                submitted += 1

        def parser(path: Path):
            key = str(Path(path).resolve())
            position = where.get(key, len(keys))
            submit_up_to(position + 1 + ahead)
            future = futures.pop(key, None) or client.submit(task, key, settings_json, threads, pure=False)
            doc, vectors = future.result()  # a worker's exception is raised here, for this file only
            encoder.vectors = {} if vectors is None else dict(zip((p.text for p in doc.passages), vectors))
            return doc

        submit_up_to(ahead)
        writer = Library.open(lib.home, settings, parser=parser, encoder=encoder)
        report = writer.ingest(files, progress=progress)
        for future in futures.values():  # files the writer skipped as unchanged
            future.cancel()
        return report, writer
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and address.startswith("local:"):
            cluster.close()
