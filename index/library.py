"""The whole index in one folder: store + dense + keyword indexes, with an atomic lifecycle.

CONTRACT (used by the CLI, the search service and the app; implemented in issue 3):

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

Layout and atomicity: see index/generations.py.
"""
from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from index import generations
from index.dense import DenseIndex
from index.docnumbers import normalize_number, number_tokens, query_number_tokens
from index.fusion import cap_per_group
from index.hybrid import DenseRetriever, HybridRetriever
from index.keyword import KeywordIndex
from index.records import DocumentInfo, FileOutcome, IngestReport, SearchFilters, SearchHit, StoredDocument
from index.settings import DenseSettings, RetrievalSettings
from index.store import Store
from index.tokenize import passage_tokens
from ingest.pipeline import file_sha256
from vntext.normalize import NORMALIZER_VERSION, fold_diacritics, normalize_query
from ingest.records import IngestError, ParsedDocument
from models.base import Encoder
from models.factory import create_encoder
from models.settings import EncoderSettings

Parser = Callable[[Path], ParsedDocument]


class IndexMismatchError(RuntimeError):
    """The index folder was built by another encoder or normaliser than the one asked for."""


def _default_parser(path: Path) -> ParsedDocument:
    from ingest import parse_file  # the ingest package's pipeline

    return parse_file(path)


def _is_collection_file(path: Path, root: Path) -> bool:
    """Files a walked folder contributes: every file, so an unsupported one is reported rather than
    silently skipped, except hidden files and the folder's own README notes."""
    parts = path.relative_to(root).parts
    return not any(part.startswith(".") for part in parts) and path.stem.upper() != "README"


def _walk(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and _is_collection_file(f, p))
        else:
            out.append(p)
    return out


def _own_id(doc: ParsedDocument, store: Store) -> ParsedDocument:
    """A file's id is its name's slug, so the same name in two folders (2024/ban-tin-so-1.pdf,
    2025/ban-tin-so-1.pdf) or x.pdf beside x.docx would share one, and the second file would
    replace the first. The file that finds its id held by another file gets an id of its own,
    with a short hash of its path; the same file, changed, keeps its id and replaces itself."""
    digest = hashlib.sha1(doc.source_path.encode("utf-8")).hexdigest()[:6]
    own = doc.with_doc_id(f"{doc.doc_id}-{digest}")
    if _same_file(store.source_of(own.doc_id), doc.source_path):  # it came in under its own id before
        return own
    held_by = store.source_of(doc.doc_id)
    return doc if held_by is None or _same_file(held_by, doc.source_path) else own


def _same_file(a: str | None, b: str) -> bool:
    return a is not None and Path(a).resolve() == Path(b).resolve()  # older indexes kept paths as given


class Library:
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

    def _dim(self) -> int:
        if self._generation is not None:
            return int(generations.read_manifest(self._generation)["dim"])
        return self.encoder.dim

    def _load(self, gen: Path | None) -> None:
        with self._lock:
            old = getattr(self, "store", None)
            if gen is None:
                self.store = Store(Path(":memory:"))  # nothing indexed yet; nothing left on disk
                self.dense = DenseIndex(384, self.dense_settings)
                self.keyword = KeywordIndex()
            else:
                self.store = Store(gen / "store.sqlite", readonly=True)
                self.dense = DenseIndex.load(gen, int(generations.read_manifest(gen)["dim"]), self.dense_settings)
                self.keyword = KeywordIndex.load(gen)
            self._generation = gen
            self._fields = {r[0]: r[1:] for r in self.store.doc_fields()}
            # passage -> document in memory: fetching it from SQLite for the ~200 fused candidates
            # of every search read 200 wide rows (~4 ms at 86k passages, scripts/bench_search.py)
            self._pid_doc = dict(self.store.pid_docs())
            if old is not None:
                old.close()

    def _retriever(self) -> HybridRetriever:
        return HybridRetriever(DenseRetriever(self.dense, self.encoder), self.keyword, self.retrieval)

    # reading
    def __len__(self) -> int:
        return len(self.keyword)

    def documents(self) -> list[DocumentInfo]:
        with self._lock:
            return self.store.documents()

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._lock:
            return self.store.document(doc_id)

    def stats(self) -> dict:
        size = sum(f.stat().st_size for f in self._generation.rglob("*") if f.is_file()) if self._generation else 0
        return {
            "home": str(self.home), "generation": self._generation.name if self._generation else "",
            "documents": len(self._fields), "passages": len(self), "encoder": self.encoder_settings.name,
            "dim": self._dim() if self._generation else None,
            "dense_index": self.dense.kind, "normalizer_version": NORMALIZER_VERSION, "size_bytes": size,
        }

    # searching
    def _allowed_docs(self, f: SearchFilters) -> set[str] | None:
        if f == SearchFilters():
            return None
        issuer = fold_diacritics(f.issuer).lower().strip()
        wanted = set(query_number_tokens(f.number)) | set(number_tokens(normalize_number(f.number))[:1]) \
            if f.number else set()
        types = {t.lower() for t in f.doc_types}
        out = set()
        for doc_id, (doc_type, doc_issuer, date, number) in self._fields.items():
            if types and doc_type.lower() not in types:
                continue
            if issuer and issuer not in fold_diacritics(doc_issuer).lower():
                continue
            if (f.date_from or f.date_to) and not date:
                continue
            if f.date_from and date < f.date_from or f.date_to and date > f.date_to:
                continue
            if wanted and not (number and wanted & set(number_tokens(normalize_number(number) or number))):
                continue
            out.add(doc_id)
        return out

    def _named_docs(self, query: str) -> list[str]:
        """Documents whose own number the query names ("chỉ thị 50", "50/CT-TW")."""
        wanted = set(query_number_tokens(query))
        if not wanted:
            return []
        return [d for d, (_, _, _, number) in self._fields.items()
                if number and wanted & set(number_tokens(normalize_number(number) or number))]

    def refresh(self) -> None:
        """Pick up a generation another process committed (cheap: reads one small file)."""
        gen = generations.current(self.home)
        if gen != self._generation:
            self._load(gen)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        query = normalize_query(query or "")
        self.refresh()
        with self._lock:
            k = min(int(k), self.retrieval.max_k, len(self))
            if k <= 0 or not query:
                return []
            allowed_docs = self._allowed_docs(filters or SearchFilters())
            allowed = None
            if allowed_docs is not None:
                allowed = np.asarray(self.store.pids_of_docs(sorted(allowed_docs)), dtype=np.int64)
                if not len(allowed):
                    return []
            named = self._named_docs(query)
            if allowed_docs is not None:
                named = [d for d in named if d in allowed_docs]
            extra = []
            if named:  # the named document's best-matching passages join the fusion...
                named_pids = np.asarray(self.store.pids_of_docs(named), dtype=np.int64)
                extra = [[h.pid for h in self.keyword.search(query, 5, named_pids)] or named_pids[:1].tolist()]
            fused = self._retriever().search(query, max(self.retrieval.depth, k), allowed, extra)
            doc_of = self._doc_of([h.pid for h in fused])
            scores = {h.pid: h.score + (self.retrieval.number_boost if doc_of[h.pid] in named else 0.0)
                      for h in fused}  # ...and every passage of it is boosted
            ranked = sorted(scores, key=lambda pid: -scores[pid])
            ranked = cap_per_group(ranked, doc_of.__getitem__, self.retrieval.per_doc_cap,
                                   min(k, self.retrieval.page_size))[:k]
            return self._hits(ranked, scores)

    def _doc_of(self, pids: list[int]) -> dict[int, str]:
        known = self._pid_doc
        out = {pid: known[pid] for pid in pids if pid in known}
        if len(out) < len(pids):  # not expected: the indexes and the store are one generation
            out.update(self.store.doc_of(pid for pid in pids if pid not in out))
        return out

    def _hits(self, pids: list[int], scores: dict[int, float]) -> list[SearchHit]:
        rows = self.store.passage_rows(pids)
        infos = {}
        hits = []
        for pid in pids:
            doc_id, ordinal, heading, pages, start, end, text = rows[pid]
            if doc_id not in infos:
                infos[doc_id] = self.store.conn.execute(
                    "SELECT title, doc_type, number, issuer, date FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            title, doc_type, number, issuer, date = infos[doc_id]
            hits.append(SearchHit(doc_id, ordinal, title, doc_type, number, issuer, date, heading, pages,
                                  text, scores[pid], start, end))
        return hits

    # writing
    def ingest(self, paths: Iterable[Path], progress: Callable[[str], None] | None = None) -> IngestReport:
        report = IngestReport()
        files = _walk(paths)
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))  # another process may have committed
            work = self._begin()
            store, dense = work["store"], work["dense"]
            for path in files:
                if progress:
                    progress(str(path))
                outcome = self._ingest_one(path, store, dense)
                report.outcomes.append(outcome)
            changed = any(o.status in ("added", "updated") for o in report.outcomes)
            self._finish(work, changed)
        return report

    def _ingest_one(self, path: Path, store: Store, dense: DenseIndex) -> FileOutcome:
        try:
            if not path.is_file():
                raise IngestError(str(path), "không tìm thấy tệp")
            existing = store.doc_by_hash(file_sha256(path))
            if existing:
                return FileOutcome(str(path), "unchanged", existing)
            doc = _own_id(self.parser(path.resolve()), store)
            if not doc.passages:
                raise IngestError(str(path), "không đọc được đoạn văn bản nào trong tệp")
            vectors = self.encoder.encode_passages([p.text for p in doc.passages])
        except IngestError as exc:
            return FileOutcome(str(path), "failed", reason=exc.reason)
        except Exception as exc:  # one bad file never stops a batch
            return FileOutcome(str(path), "failed", reason=f"{type(exc).__name__}: {exc}")
        status = "updated" if store.has_document(doc.doc_id) else "added"
        self._put(doc, vectors, store, dense)
        return FileOutcome(str(path), status, doc.doc_id, note="; ".join(getattr(doc, "notes", ())))

    def add_documents(self, docs: Iterable[ParsedDocument]) -> IngestReport:
        """Index already-parsed documents (same lifecycle as ingest): a document whose id is indexed
        with the same content_hash is unchanged; another id with the same text is a document too."""
        report = IngestReport()
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            work = self._begin()
            for doc in docs:
                if work["store"].has_document(doc.doc_id, doc.content_hash):
                    report.outcomes.append(FileOutcome(doc.source_path, "unchanged", doc.doc_id))
                    continue
                status = "updated" if work["store"].has_document(doc.doc_id) else "added"
                vectors = self.encoder.encode_passages([p.text for p in doc.passages])
                self._put(doc, vectors, work["store"], work["dense"])
                report.outcomes.append(FileOutcome(doc.source_path, status, doc.doc_id))
            self._finish(work, any(o.status != "unchanged" for o in report.outcomes))
        return report

    def remove(self, doc_id: str) -> bool:
        with generations.write_lock(self.home):
            self._load(generations.current(self.home))
            if doc_id not in self._fields:
                return False
            work = self._begin()
            work["dense"].remove(work["store"].delete_document(doc_id))
            self._finish(work, True)
        return True

    def _put(self, doc: ParsedDocument, vectors: np.ndarray, store: Store, dense: DenseIndex) -> None:
        if vectors.shape != (len(doc.passages), self.encoder.dim):
            raise ValueError(f"bộ mã hóa trả về {vectors.shape}, cần ({len(doc.passages)}, {self.encoder.dim})")
        dense.remove(store.delete_document(doc.doc_id))
        tokens = [passage_tokens(self._keyword_text(doc, p.text), word_segment=self.retrieval.word_segments)
                  for p in doc.passages]
        dense.add(store.add_document(doc, tokens), vectors)

    def _keyword_text(self, doc: ParsedDocument, text: str) -> str:
        """What the keyword index reads for a passage: its text, after the document's title when
        `retrieval.keyword_title` (the embedded text stays the passage alone, so cached vectors stay valid)."""
        title = (doc.metadata.title or "").strip()
        if self.retrieval.keyword_title and title and not text.startswith(title):
            return f"{title}\n{text}"
        return text

    def _begin(self) -> dict:
        folder = generations.new_folder(self.home)
        if self._generation is not None:
            store = self.store.copy_to(folder / "store.sqlite")
            dense = DenseIndex.load(self._generation, self._dim(), self.dense_settings)
        else:
            store = Store(folder / "store.sqlite")
            dense = DenseIndex(self.encoder.dim, self.dense_settings)
        return {"folder": folder, "store": store, "dense": dense}

    def _finish(self, work: dict, changed: bool) -> None:
        folder, store, dense = work["folder"], work["store"], work["dense"]
        if not changed:
            store.close()
            generations.cleanup(self.home, keep=self._generation)
            return
        store.commit()
        keyword = KeywordIndex()
        keyword.build(*store.all_tokens())
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
