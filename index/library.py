"""The whole index in one folder: store + dense + keyword indexes, with an atomic lifecycle.

CONTRACT (the one door into an index: the CLI, the services, the answer features and evaluation
use these methods, never the store or the indexes behind them):

    lib = Library.open(home: Path, encoder_settings: EncoderSettings | None = None, *,
                       encoder: Encoder | None = None)
        # creates the folder when missing; an existing index built with another encoder raises
        # IndexMismatchError with a message saying how to rebuild; `encoder` supplies a ready
        # encoder (its name must match the settings'), e.g. one sharing an embedding cache
    lib.ingest(paths: Iterable[Path], progress: Callable[[str], None] | None = None) -> IngestReport
        # folders are walked; unchanged files (content hash) do nothing; changed files replace their
        # passages; bad files -> FileOutcome(status="failed", reason=...) and the batch goes on;
        # the new state is saved atomically at the end
    lib.remove(doc_id: str) -> bool
    lib.search(query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]
    lib.documents() -> list[DocumentInfo]       # metadata of every indexed document
    lib.document(doc_id) -> StoredDocument | None  # metadata + text + passages + references
    lib.stats() -> dict
    len(lib) -> number of passages
    lib.passage_rows(pids) -> {pid: PassageRow};  lib.doc_of(pids) -> {pid: doc_id}
    lib.passage_vectors() -> (list[PassageRow], float32 (n, dim))  # every passage's stored vector
    lib.keyword_search(query, k) / lib.dense_search(query, k) -> list[ScoredId]  # one side alone
    lib.use_encoder(encoder)                    # same vectors, another instance (a fresh cache)
    Library.walk(paths) -> list[Path]           # the files an ingestion of these paths takes

Layout and atomicity: see index/generations.py.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date as _date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from index import diskspace, generations
from index.base import ScoredId
from index.dense import DenseIndex
from index.files import _same_file, own_id, walk
from index.filters import DocFields, named_docs
from index.filters import allowed_docs as allowed_docs_of
from index.duplicates import near_identical, same_number_and_date
from vntext.docnumber import normalize_doc_number, number_key
from index.fusion import cap_per_group
from index.hybrid import DenseRetriever, HybridRetriever
from index.keyword import KeywordIndex
from index.relevance import passage_cosines
from index.records import (DocumentInfo, FileOutcome, IngestReport, PassageRow, SearchFilters, SearchHit,
                           StoredDocument)
from index.settings import DenseSettings, RetrievalSettings
from index.store import Store
from index.tokenize import passage_tokens
from ingest.pipeline import file_sha256
from ingest.records import DocumentHeader, IngestError, ParsedDocument
from models.base import Encoder
from models.factory import create_encoder
from models.settings import EncoderSettings
from vntext.normalize import NORMALIZER_VERSION, normalize_query

Parser = Callable[[Path], ParsedDocument]


class IndexMismatchError(RuntimeError):
    """The index folder was built by another encoder or normaliser than the one asked for."""


def _default_parser(path: Path) -> ParsedDocument:
    # in a worker process with memory and time limits: one hostile file costs a refusal, not the
    # process (ingest/isolated.py); the limits come from VANKIEN_* variables or their defaults
    from ingest.isolated import isolated_parser

    return isolated_parser()(path)


@dataclass
class _NextGeneration:
    """A generation being built: its folder beside the live one, a writable store and dense index."""

    folder: Path
    store: Store
    dense: DenseIndex


class Library:
    walk = staticmethod(walk)

    def __init__(self, home: Path, encoder_settings: EncoderSettings, retrieval: RetrievalSettings,
                 dense_settings: DenseSettings, parser: Parser | None, encoder: Encoder | None = None):
        self.home = home
        self.encoder_settings = encoder_settings
        self.retrieval = retrieval
        self.dense_settings = dense_settings
        self.parser = parser or _default_parser
        self._encoder: Encoder | None = encoder
        self._lock = threading.RLock()
        self._generation: Path | None = None
        self._load(generations.current(home))

    # opening
    @classmethod
    def open(cls, home: Path, encoder_settings: EncoderSettings | None = None, *,
             retrieval: RetrievalSettings | None = None, dense: DenseSettings | None = None,
             parser: Parser | None = None, encoder: Encoder | None = None) -> "Library":
        """Open (or start) the index in `home`. `encoder`: use this encoder instead of creating one
        from the settings (tests, evaluation with a shared cache); its name must be the settings'."""
        home = Path(home).expanduser()
        home.mkdir(parents=True, exist_ok=True)
        gen = generations.current(home)
        if gen is not None:
            manifest = generations.read_manifest(gen)
            built_with = EncoderSettings.from_json(manifest["encoder"])
            how = (f"Để xây lại chỉ mục: xóa thư mục {home} hoặc dùng --index khác "
                   "rồi chạy lại vankien ingest.")
            if encoder_settings is not None and encoder_settings.name != built_with.name:
                raise IndexMismatchError(
                    f"Chỉ mục {home} được xây bằng bộ mã hóa {built_with.name} ({manifest['dim']} chiều), "
                    f"khác bộ mã hóa đang chọn {encoder_settings.name}. {how}")
            if manifest.get("normalizer_version") != NORMALIZER_VERSION:
                raise IndexMismatchError(
                    f"Chỉ mục {home} được xây với bộ chuẩn hóa phiên bản {manifest.get('normalizer_version')},"
                    f" phiên bản hiện tại là {NORMALIZER_VERSION}. {how}")
            encoder_settings = encoder_settings or built_with
        if encoder is not None and encoder_settings is not None and encoder.name != encoder_settings.name:
            raise ValueError(f"encoder {encoder.name!r} khác bộ mã hóa trong cài đặt {encoder_settings.name!r}; "
                             f"truyền encoder_settings tương ứng với encoder")
        return cls(home, encoder_settings or EncoderSettings(), retrieval or RetrievalSettings(),
                   dense or DenseSettings(), parser, encoder)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = create_encoder(self.encoder_settings, self.home / "cache" / "embeddings.sqlite")
        return self._encoder

    def use_encoder(self, encoder: Encoder) -> None:
        """Encode with `encoder` from now on (e.g. one with a fresh embedding cache, for benchmarks);
        it must make the same vectors as the index's."""
        if encoder.name != self.encoder_settings.name:
            raise ValueError(f"encoder {encoder.name!r} khác bộ mã hóa của chỉ mục {self.encoder_settings.name!r}")
        self._encoder = encoder

    def _dim(self) -> int:
        if self._generation is not None:
            return int(generations.read_manifest(self._generation)["dim"])
        return self.encoder.dim

    def _load(self, gen: Path | None) -> None:
        with self._lock:
            old = getattr(self, "_store", None)
            if gen is None:
                self._store = Store(Path(":memory:"))  # nothing indexed yet; nothing left on disk
                # no vectors yet, so no dimension (the encoder is not loaded just to learn it)
                self._dense = DenseIndex(0, self.dense_settings)
                self._keyword = KeywordIndex()
            else:
                self._store = Store(gen / "store.sqlite", readonly=True)
                self._dense = DenseIndex.load(gen, self.dense_settings)
                self._keyword = KeywordIndex.load(gen)
            self._generation = gen
            self._fields = {r[0]: DocFields(*r[1:]) for r in self._store.doc_fields()}
            # passage -> document in memory: fetching it from SQLite for the ~200 fused candidates
            # of every search read 200 wide rows (~4 ms at 86k passages, scripts/bench_search.py)
            self._pid_doc = dict(self._store.pid_docs())
            self._boilerplate = frozenset(self._store.boilerplate_pids())  # kept in full texts, never ranked
            if old is not None:
                old.close()

    def _retriever(self) -> HybridRetriever:
        return HybridRetriever(DenseRetriever(self._dense, self.encoder), self._keyword, self.retrieval)

    # reading
    @property
    def boilerplate(self) -> frozenset[int]:
        """Passages that are letterhead, signature, recipients or page chrome: kept, never ranked."""
        return self._boilerplate

    def __len__(self) -> int:
        return len(self._keyword)

    def documents(self) -> list[DocumentInfo]:
        with self._lock:
            return self._store.documents()

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._lock:
            return self._store.document(doc_id)

    def stats(self) -> dict:
        size = sum(f.stat().st_size for f in self._generation.rglob("*") if f.is_file()) if self._generation else 0
        return {
            "home": str(self.home), "generation": self._generation.name if self._generation else "",
            "documents": len(self._fields), "passages": len(self), "encoder": self.encoder_settings.name,
            "dim": self._dim() if self._generation else None,
            "dense_index": self._dense.kind, "normalizer_version": NORMALIZER_VERSION, "size_bytes": size,
        }

    # searching
    def refresh(self) -> None:
        """Pick up a generation another process committed (cheap: reads one small file)."""
        gen = generations.current(self.home)
        if gen != self._generation:
            self._load(gen)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        return self.search_scored(query, k, filters)[0]

    def search_scored(self, query: str, k: int = 10,
                      filters: SearchFilters | None = None) -> tuple[list[SearchHit], list[float]]:
        """search(), with each hit's relevance: its cosine to the query (index/relevance.py)."""
        query = normalize_query(query or "")
        self.refresh()
        with self._lock:
            k = min(int(k), self.retrieval.max_k, len(self))
            if k <= 0 or not query:
                return [], []
            allowed_docs = allowed_docs_of(self._fields, filters or SearchFilters())
            allowed = None
            if allowed_docs is not None:
                allowed = np.asarray(self._store.pids_of_docs(sorted(allowed_docs)), dtype=np.int64)
                if not len(allowed):
                    return [], []
            named = named_docs(self._fields, query)
            if allowed_docs is not None:
                named = [d for d in named if d in allowed_docs]
            extra = []
            if named:  # the named document's best-matching passages join the fusion...
                named_pids = np.asarray([p for p in self._store.pids_of_docs(named) if p not in self._boilerplate],
                                        dtype=np.int64)
                if len(named_pids):
                    extra = [[h.pid for h in self._keyword.search(query, 5, named_pids)] or named_pids[:1].tolist()]
            fused = [h for h in self._retriever().search(query, max(self.retrieval.depth, k), allowed, extra)
                     if h.pid not in self._boilerplate]
            doc_of = self.doc_of([h.pid for h in fused])
            scores = {h.pid: h.score + (self.retrieval.number_boost if doc_of[h.pid] in named else 0.0)
                      for h in fused}  # ...and every passage of it is boosted
            ranked = sorted(scores, key=lambda pid: -scores[pid])
            ranked = cap_per_group(ranked, doc_of.__getitem__, self.retrieval.per_doc_cap,
                                   min(k, self.retrieval.page_size))[:k]
            return self._hits(ranked, scores), self._cosines(query, ranked)

    def _cosines(self, query: str, pids: list[int]) -> list[float]:
        return passage_cosines(self._dense, pids, self.encoder.encode_query(query)) if pids else []

    def keyword_search(self, query: str, k: int) -> list[ScoredId]:
        """The keyword (BM25) ranking alone, best first (evaluation compares the two sides)."""
        query = normalize_query(query or "")
        with self._lock:
            return self._keyword.search(query, k) if query else []

    def dense_search(self, query: str, k: int) -> list[ScoredId]:
        """The dense (cosine) ranking alone, best first."""
        query = normalize_query(query or "")
        with self._lock:
            return DenseRetriever(self._dense, self.encoder).search(query, k) if query else []

    def doc_of(self, pids: Iterable[int]) -> dict[int, str]:
        """pid -> doc_id of each passage id that is indexed."""
        pids = list(pids)
        known = self._pid_doc
        out = {pid: known[pid] for pid in pids if pid in known}
        if len(out) < len(pids):  # not expected: the indexes and the store are one generation
            with self._lock:
                out.update(self._store.doc_of(pid for pid in pids if pid not in out))
        return out

    def passage_rows(self, pids: Iterable[int]) -> dict[int, PassageRow]:
        with self._lock:
            return self._store.passage_rows(pids)

    def passage_vectors(self, content_only: bool = False) -> tuple[list[PassageRow], np.ndarray]:
        """Every indexed passage and its stored vector (row i of the matrix is passage i), as the
        dense index holds them: nothing is encoded again. content_only: without letterheads,
        signatures and recipients (ingest/roles.py)."""
        with self._lock:
            ids, vectors = self._dense.items()
            rows = self._store.passage_rows(ids.tolist())
            skip = self._boilerplate if content_only else frozenset()
            keep = [i for i, pid in enumerate(ids.tolist()) if pid in rows and pid not in skip]
            return [rows[int(ids[i])] for i in keep], np.asarray(vectors, dtype=np.float32)[keep]

    def _hits(self, pids: list[int], scores: dict[int, float]) -> list[SearchHit]:
        rows = self._store.passage_rows(pids)
        headers: dict[str, DocumentHeader] = {}
        hits = []
        for pid in pids:
            r = rows[pid]
            if r.doc_id not in headers:
                headers[r.doc_id] = self._store.header(r.doc_id)
            hits.append(SearchHit(r.doc_id, r.ordinal, headers[r.doc_id], r.heading_path, r.pages, r.text,
                                  scores[pid], r.start, r.end))
        return hits

    def close(self) -> None:
        """Let go of the open store (the Library is not used after this)."""
        with self._lock:
            self._store.close()

    # writing
    @diskspace.committing
    def ingest(self, paths: Iterable[Path], progress: Callable[[str], None] | None = None) -> IngestReport:
        report = IngestReport()
        files = walk(paths)
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))  # another process may have committed
            diskspace.ensure_room(self.home, diskspace.needed_bytes(self._generation, [
                p for p in files if p.is_file() and not self._store.doc_by_hash(file_sha256(p))]))
            nxt = self._begin()
            for path in files:
                if progress:
                    progress(str(path))
                report.outcomes.append(self._ingest_one(path, nxt))
            self._finish(nxt, any(o.status in ("added", "updated", "duplicate") for o in report.outcomes))
        return report

    def _ingest_one(self, path: Path, nxt: _NextGeneration) -> FileOutcome:
        try:
            if not path.is_file():
                raise IngestError(str(path), "không tìm thấy tệp")
            existing = nxt.store.doc_by_hash(file_sha256(path)) or nxt.store.doc_by_copy_hash(file_sha256(path))
            if existing:
                return FileOutcome(str(path), "unchanged", existing)
            doc = own_id(self.parser(path.resolve()), nxt.store.source_of)
            if not doc.passages:
                raise IngestError(str(path), "không đọc được đoạn văn bản nào trong tệp")
            duplicate = self._duplicate_of(doc, nxt.store)
            if duplicate:
                return duplicate
            vectors = self.encoder.encode_passages([p.text for p in doc.passages])
        except IngestError as exc:
            return FileOutcome(str(path), "failed", reason=exc.reason)
        except Exception as exc:  # one bad file never stops a batch
            return FileOutcome(str(path), "failed", reason=f"{type(exc).__name__}: {exc}")
        status = "updated" if nxt.store.has_document(doc.doc_id) else "added"
        self._put(doc, vectors, nxt)
        return FileOutcome(str(path), status, doc.doc_id, note="; ".join(doc.notes))

    @diskspace.committing
    def add_documents(self, docs: Iterable[ParsedDocument]) -> IngestReport:
        """Index already-parsed documents (same lifecycle as ingest): a document whose id is indexed
        with the same content_hash is unchanged; another id with the same text is a document too."""
        report = IngestReport()
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            nxt = self._begin()
            for doc in docs:
                if nxt.store.has_document(doc.doc_id, doc.content_hash):
                    report.outcomes.append(FileOutcome(doc.source_path, "unchanged", doc.doc_id))
                    continue
                status = "updated" if nxt.store.has_document(doc.doc_id) else "added"
                vectors = self.encoder.encode_passages([p.text for p in doc.passages])
                self._put(doc, vectors, nxt)
                report.outcomes.append(FileOutcome(doc.source_path, status, doc.doc_id))
            self._finish(nxt, any(o.status != "unchanged" for o in report.outcomes))
        return report

    @diskspace.committing
    def remove(self, doc_id: str) -> bool:
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            if doc_id not in self._fields:
                return False
            nxt = self._begin()
            nxt.dense.delete(nxt.store.delete_document(doc_id))
            self._finish(nxt, True)
        return True

    def _put(self, doc: ParsedDocument, vectors: np.ndarray, nxt: _NextGeneration) -> None:
        if vectors.shape != (len(doc.passages), self.encoder.dim):
            raise ValueError(f"bộ mã hóa trả về {vectors.shape}, cần ({len(doc.passages)}, {self.encoder.dim})")
        nxt.dense.delete(nxt.store.delete_document(doc.doc_id))
        tokens = [passage_tokens(self._keyword_text(doc, p.text), word_segment=self.retrieval.word_segments)
                  for p in doc.passages]
        nxt.dense.append(nxt.store.add_document(doc, tokens), vectors)
        nxt.store.apply_corrections(doc.doc_id, reparsed=True)  # a user's corrections survive re-ingestion

    def _keyword_text(self, doc: ParsedDocument, text: str) -> str:
        """What the keyword index reads for a passage: its text, after the document's title when
        `retrieval.keyword_title` (the embedded text stays the passage alone, so cached vectors stay valid)."""
        title = (doc.metadata.title or "").strip()
        if self.retrieval.keyword_title and title and not text.startswith(title):
            return f"{title}\n{text}"
        return text

    def _begin(self) -> _NextGeneration:
        folder = generations.new_folder(self.home)
        if self._generation is not None:
            store = self._store.copy_to(folder / "store.sqlite")
            dense = DenseIndex.load(self._generation, self.dense_settings)
        else:
            store = Store(folder / "store.sqlite")
            dense = DenseIndex(self.encoder.dim, self.dense_settings)
        return _NextGeneration(folder, store, dense)

    def _finish(self, nxt: _NextGeneration, changed: bool) -> None:
        folder, store, dense = nxt.folder, nxt.store, nxt.dense
        if not changed:
            store.close()
            generations.cleanup(self.home, keep=self._generation)
            return
        store.commit()
        keyword = KeywordIndex()
        keyword.index(*store.all_tokens())
        store.close()
        dense.save(folder)
        keyword.save(folder)
        generations.publish(self.home, folder, {
            "encoder": self.encoder_settings.to_json(), "encoder_name": self.encoder_settings.name,
            "dim": dense.dim, "normalizer_version": NORMALIZER_VERSION,
            "retrieval": self.retrieval.to_json(), "dense_kind": dense.kind,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
        self._load(folder)
        generations.cleanup(self.home, keep=folder)

    # duplicates and corrections (issue 12, item 7)
    def _duplicate_of(self, doc: ParsedDocument, store: Store) -> FileOutcome | None:
        """The outcome "duplicate" when another stored document is this one in another file (same
        number and date, or near-identical text): the file is listed under it, not indexed again."""
        m = doc.metadata
        others = [row for row in store.doc_fields() if row[0] != doc.doc_id]
        target = same_number_and_date(m.number, m.date, m.issuer, others)
        reason = f"cùng số {m.number}, ngày {m.date}" if target else ""
        if not target:
            # two texts that differ only in their numbers are two documents (a plan copied from a template)
            numbers = {row[0]: row[4] for row in others}
            candidates = [(d, t) for d, t in store.texts_like(len(doc.text)) if d != doc.doc_id
                          and not (m.number and numbers.get(d) and number_key(numbers[d]) != number_key(m.number))]
            target, score = near_identical(doc.text, candidates)
            reason = f"nội dung gần như trùng ({score:.0%})" if target else ""
        if not target or _same_file(store.source_of(target), doc.source_path):
            return None
        shown = store.source_of(target) or target
        store.add_copy(target, doc.source_path, doc.source_format, doc.content_hash, reason)
        return FileOutcome(doc.source_path, "duplicate", target,
                           reason=f"trùng với {target} ({shown}): {reason}; giữ một bản, ghi cả hai tệp")

    def copies(self, doc_id: str) -> list[str]:
        """Every file holding document `doc_id`: the indexed one first, then the duplicates."""
        with self._lock:
            first = self._store.source_of(doc_id) if self._generation else None
            if first is None:
                return []
            return [first] + [c["path"] for c in self._store.copies(doc_id)]

    def corrections(self, doc_id: str) -> dict[str, str]:
        """The corrections a user made to a document's metadata (field -> value)."""
        with self._lock:
            return self._store.corrections(doc_id) if self._generation else {}

    def correct(self, doc_id: str, **fields: str) -> DocumentInfo | None:
        """Correct parsed metadata: doc_type, number, issuer, date (ISO or d/m/yyyy), title; "" undoes
        a correction. Stored apart from what parsing read and applied again whenever the document is
        re-ingested. Returns the document as now listed (None: no such document)."""
        fields = {k: normalize_correction(k, v) for k, v in fields.items() if v is not None}
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            if doc_id not in self._fields:
                return None
            nxt = self._begin()
            nxt.store.set_corrections(doc_id, fields)
            nxt.store.apply_corrections(doc_id)
            self._finish(nxt, True)
        return next((d for d in self.documents() if d.doc_id == doc_id), None)


def normalize_correction(field: str, value: str) -> str:
    """A corrected value in the form parsing gives: numbers canonical, dates ISO; "" stays ""."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    if field == "number":
        return normalize_doc_number(value) or value
    if field == "date":
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if m:
            value = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        try:
            return _date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"ngày {value!r} không hợp lệ; dùng YYYY-MM-DD hoặc ngày/tháng/năm") from None
    return value
