"""The whole index in one folder: store + dense + keyword indexes, with an atomic lifecycle.

CONTRACT (the one door into an index: the CLI, the services, the answer features and evaluation
use these methods, never the store or the indexes behind them):

    lib = Library.open(home: Path, encoder_settings: EncoderSettings | None = None, *,
                       encoder: Encoder | None = None)
        # creates the folder when missing; an existing index built with another encoder raises
        # IndexMismatchError with a message saying how to rebuild; `encoder` supplies a ready
        # encoder (its name must match the settings'), e.g. one sharing an embedding cache
    lib.ingest(paths: Iterable[Path], progress: Callable[[str], None] | None = None, *,
               commits: CommitPolicy | None = None,
               on_progress: Callable[[IngestProgress], None] | None = None) -> IngestReport
        # folders are walked; unchanged files (content hash) do nothing; changed files replace their
        # passages; bad files -> FileOutcome(status="failed", reason=...) and the batch goes on;
        # the new state is published atomically every N files / M seconds and at the end, so a
        # killed run is resumed by running it again (index/commits.py)
    lib.remove(doc_id: str) -> bool             # a tombstone: proportional to the document
    lib.merge() -> dict                         # fold the segments (issue 14); searches go on
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
    lib.topic_list() / topic_status() / topic_counts() / topic_hits(topic, month) / recompute_topics()
                                                # topics of passages: index/library_topics.py

Layout and atomicity: see index/generations.py.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from index import doc_maps, generations
from index.base import ScoredId
from index.dense import DenseIndex
from index.files import walk
from index.filters import DocFields, allowed_passages, named_docs
from index.filters import allowed_docs as allowed_docs_of
from index.fusion import cap_per_group
from index.hybrid import DenseRetriever, HybridRetriever
from index.keyword import KeywordIndex
from index.relevance import passage_cosines
from index.library_hits import LibraryHits
from index.library_write import SHARED_STORE, LibraryWriter, load_keyword, open_store
from index.passage_docs import PassageDocs
from index.recipe import LEGACY_RECIPE
from index.records import DocumentInfo, PassageRow, PublishedChanges, SearchFilters, SearchHit, StoredDocument
from index.settings import DenseSettings, RetrievalSettings
from index.store import Store
from ingest.records import DocumentHeader, ParsedDocument
from models.base import Encoder
from models.factory import create_encoder
from models.settings import EncoderSettings
from vntext.normalize import NORMALIZER_VERSION, normalize_query

Parser = Callable[[Path], ParsedDocument]


class IndexMismatchError(RuntimeError):
    """The index folder was built by another encoder or normaliser than the one asked for."""


class _DefaultParser:
    """In worker processes with memory and time limits: one hostile file costs a refusal, not the
    process (ingest/isolated.py); VANKIEN_PARSE_WORKERS of them parse at once (ingest/parse_pool.py),
    the limits come from VANKIEN_* variables or their defaults."""

    @property
    def workers(self) -> int:
        from ingest.parse_pool import workers_from_env

        return workers_from_env()

    def __call__(self, path: Path) -> ParsedDocument:
        from ingest.parse_pool import parse_pool

        return parse_pool()(path)


_default_parser = _DefaultParser()


class Library(LibraryWriter, LibraryHits):
    """Reading and searching here; adding, removing and correcting in index/library_write.py; twins
    and hits in index/library_hits.py."""

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
        self._watch = generations.PointerWatch(home)
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
            built_recipe = manifest.get("retrieval", {}).get("embed_recipe", LEGACY_RECIPE)
            wanted = (retrieval or RetrievalSettings()).embed_recipe
            if built_recipe != wanted:
                raise IndexMismatchError(
                    f"Chỉ mục {home} được xây với công thức nhúng «{built_recipe}», công thức hiện tại "
                    f"là «{wanted}» (tiêu đề và đề mục giúp tìm đúng văn bản). {how}")
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

    def _load(self, gen: Path | None, changed: PublishedChanges | None = None) -> None:
        """Open generation `gen`. `changed`: what this process's own commit changed since the live
        generation, so the in-memory maps are patched instead of read again (reading every passage's
        document cost ~2 s per commit at 10^6 passages)."""
        with self._lock:
            old = getattr(self, "_store", None)
            if gen is None:
                self._store = Store(Path(":memory:"))  # nothing indexed yet; nothing left on disk
                # no vectors yet, so no dimension (the encoder is not loaded just to learn it)
                self._dense = DenseIndex(0, self.dense_settings)
                self._keyword = KeywordIndex()
            else:
                pointer = gen
                self._store, gen = open_store(self.home, gen)
                self._dense = DenseIndex.load(gen, self.dense_settings)
                self._keyword = load_keyword(gen, self._store)
            self._pointer = pointer if gen is not None else None
            self._generation = gen
            if changed is not None and old is not None and gen is not None:
                self._patch_maps(changed)
            else:
                self._fields, self._pid_doc = self._read_maps(gen)
                self._boilerplate = frozenset(self._store.boilerplate_pids())  # kept in full texts, never ranked
            self._listing: list[DocumentInfo] | None = None  # documents(), read once per generation
            # index/twins.py, per passage / document of this generation: (prefix hash, key once needed), rank
            self._twins: dict[int, tuple[int, bytes | None]] = {}
            self._citable: dict[str, tuple] = {}
            self._headers: dict[str, DocumentHeader | None] = {}
            if old is not None:
                old.close()

    def _read_maps(self, gen: Path | None) -> tuple[dict[str, DocFields], PassageDocs]:
        """Each document's filter fields and each passage's document: saved beside the generation
        (index/doc_maps.py), else read from the store and saved there. Passage -> document is kept in
        memory: fetching it from SQLite for the ~200 fused candidates of every search read 200 wide
        rows (~4 ms at 86k passages); as id ranges (index/passage_docs.py): a dict of 10^6 entries
        took 1.3 s to open."""
        saved = doc_maps.load(gen) if gen is not None else None
        if saved is not None:
            return saved
        fields = doc_maps.fields_of(self._store.doc_fields())
        pid_doc = PassageDocs.from_runs(self._store.passage_runs())
        if gen is not None:
            doc_maps.save(gen, fields, pid_doc)
        return fields, pid_doc

    def _patch_maps(self, changed: PublishedChanges) -> None:
        """The maps of the previous generation, less what was deleted, plus the touched documents'
        rows read again (copies: a search still holding the old maps keeps them whole)."""
        gone = set(changed.gone_pids)
        fields = dict(self._fields)
        for doc_id in changed.docs:
            fields.pop(doc_id, None)
        fields.update(doc_maps.fields_of(self._store.doc_fields(changed.docs)))
        rows = self._store.passage_roles(changed.docs)
        # passages go with their document (gone_pids are the changed documents' old passages)
        pid_doc = self._pid_doc.patched(set(changed.docs) | set(self.doc_of(gone).values()),
                                        [(pid, doc_id) for pid, doc_id, _ in rows])
        boilerplate = (self._boilerplate - gone) | {pid for pid, _, role in rows if role != "content"}
        self._fields, self._pid_doc, self._boilerplate = fields, pid_doc, frozenset(boilerplate)

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
        """Every document, newest first. Read once per generation: a search naming a document, an
        answer and the documents tab each ask (0.3-0.8 s at 100k documents)."""
        with self._lock:
            if self._listing is None:
                self._listing = self._store.documents()
            return list(self._listing)

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._lock:
            return self._store.document(doc_id)

    def stats(self) -> dict:
        size = sum(f.stat().st_size for f in self._generation.rglob("*") if f.is_file()) if self._generation else 0
        size += sum(f.stat().st_size for f in self.home.glob(SHARED_STORE + "*")) if self._generation else 0
        return {
            "home": str(self.home), "generation": self._generation.name if self._generation else "",
            "documents": len(self._fields), "passages": len(self), "encoder": self.encoder_settings.name,
            "dim": self._dim() if self._generation else None,
            "dense_index": self._dense.kind, "segments": self._dense.segments, "normalizer_version": NORMALIZER_VERSION, "size_bytes": size,
        }

    # searching
    def refresh(self) -> None:
        """Pick up a generation another process committed (cheap: one fstat, generations.PointerWatch)."""
        with self._lock:
            if self._watch.stale():
                gen = self._watch.read()
                if gen != self._pointer:
                    self._load(gen)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        return self._search(query, k, filters, with_relevance=False)[0]

    def search_scored(self, query: str, k: int = 10,
                      filters: SearchFilters | None = None) -> tuple[list[SearchHit], list[float]]:
        """search(), with each hit's relevance: its cosine to the query (index/relevance.py)."""
        return self._search(query, k, filters, with_relevance=True)

    def _search(self, query: str, k: int, filters: SearchFilters | None,
                with_relevance: bool) -> tuple[list[SearchHit], list[float]]:
        # the cosines cost a second look-up of the query's vector: only the honest search asks for them
        query = normalize_query(query or "")
        self.refresh()
        with self._lock:
            k = min(int(k), self.retrieval.max_k, len(self))
            if k <= 0 or not query:
                return [], []
            filters = filters or SearchFilters()
            allowed_docs = allowed_docs_of(self._fields, filters)
            allowed = allowed_passages(
                None if allowed_docs is None else np.asarray(self._store.pids_of_docs(sorted(allowed_docs)),
                                                             dtype=np.int64),
                self._topic_pids(filters.topics) if filters.topics else None)
            if allowed is not None and not len(allowed):
                return [], []
            named = named_docs(self._fields, query)
            if allowed_docs is not None:
                named = [d for d in named if d in allowed_docs]
            extra = []
            if named:  # the named document's best-matching passages join the fusion...
                named_pids = np.asarray([p for p in self._store.pids_of_docs(named) if p not in self._boilerplate],
                                        dtype=np.int64)
                if filters.topics:  # only its passages on the asked topics
                    named_pids = np.intersect1d(named_pids, allowed)
                if len(named_pids):
                    extra = [[h.pid for h in self._keyword.search(query, 5, named_pids)] or named_pids[:1].tolist()]
            fused = [h for h in self._retriever().search(query, max(self.retrieval.depth, k), allowed, extra)
                     if h.pid not in self._boilerplate]
            doc_of = self.doc_of([h.pid for h in fused])
            scores = {h.pid: h.score + (self.retrieval.number_boost if doc_of[h.pid] in named else 0.0)
                      for h in fused}  # ...and every passage of it is boosted
            # a named document first whatever the fusion's scale (z-scores are unbounded)
            first = named if self.retrieval.number_boost > 0 else ()
            ranked = sorted(scores, key=lambda pid: (doc_of[pid] not in first, -scores[pid]))
            ranked, also = self._collapse_twins(ranked, k, doc_of, scores, first) if self.retrieval.twins else (ranked, {})
            ranked = cap_per_group(ranked, doc_of.__getitem__, self.retrieval.per_doc_cap,
                                   min(k, self.retrieval.page_size))[:k]
            return self._hits(ranked, scores, also), self._cosines(query, ranked) if with_relevance else []

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
        out = self._pid_doc.lookup(pids)
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

    def close(self) -> None:
        """Let go of the open store (the Library is not used after this)."""
        with self._lock:
            self._store.close()
            self._watch.close()
