"""The writing half of the Library: ingest, add, remove and correct documents, each building the
next generation beside the live one and publishing it atomically (index/generations.py). Library
(index/library.py) inherits these; nothing else calls them directly."""
from __future__ import annotations

import shutil
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from index import diskspace, doc_maps, generations, merge_beside
from index.commits import CommitPolicy, IngestProgress
from index.dense import FLAT_MAX, DenseIndex
from index.duplicates import near_identical, same_number_and_date, sketch, sketch_matches_needed
from index.files import _same_file, own_id, walk
from index.keyword import KeywordIndex
from index.library_topics import LibraryTopics
from index.parse_ahead import ParseAhead
from index.recipe import document_texts
from index.records import DocumentInfo, FileOutcome, IngestReport, PublishedChanges
from index.store import Store
from index.tokenize import passage_tokens
from index.twins import prefix_hash
from ingest.pipeline import file_sha256
from ingest.records import IngestError, ParsedDocument
from vntext.docnumber import number_key
from vntext.fields import normalize_field
from vntext.normalize import NORMALIZER_VERSION


SHARED_STORE = "store.sqlite"  # in the index folder, shared by the generations
MAX_SEGMENTS = 8  # per passage index; above it a commit folds the smaller segments together
_CHANGES = ("added", "updated", "duplicate")  # outcomes that the next generation must publish


@dataclass
class _NextGeneration:
    """A generation being built: its folder beside the live one, a writable store and dense index."""

    folder: Path
    store: Store
    dense: DenseIndex
    keyword: KeywordIndex
    changed: PublishedChanges = field(default_factory=PublishedChanges)


class LibraryWriter(LibraryTopics):
    # writing
    @diskspace.committing
    def ingest(self, paths: Iterable[Path], progress: Callable[[str], None] | None = None, *,
               commits: CommitPolicy | None = None,
               on_progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Files in, published every `commits` (index/commits.py) and at the end. `progress(path)`
        before each file; `on_progress` after each file and before each commit."""
        report = IngestReport()
        files = walk(paths)
        policy = commits or CommitPolicy.from_env()
        started = time.monotonic()
        passages = published = n_commits = changed = 0
        last_commit, last_cost = started, 0.0

        def tell(current: str = "", committing: bool = False, waiting: bool = False) -> None:
            if on_progress:
                on_progress(IngestProgress(len(report.outcomes), len(files), passages, published, n_commits,
                                           time.monotonic() - started, current, committing, waiting))

        with generations.write_lock(self.home, on_wait=lambda: tell(waiting=True)):
            self._catch_up()  # another process may have committed
            diskspace.ensure_room(self.home, diskspace.needed_bytes(self._generation, [
                p for p in files if p.is_file() and not self._store.doc_by_hash(file_sha256(p))]))
            nxt = self._begin()
            ahead = ParseAhead(self.parser, lambda p: self._known(p, nxt.store), files)
            try:
                for i, path in enumerate(files):
                    if progress:
                        progress(str(path))
                    parsed = ahead.take(i)  # and the next files start parsing beside this one's embedding
                    outcome = self._ingest_one(path, nxt, parsed)
                    report.outcomes.append(outcome)
                    passages += outcome.passages
                    changed += outcome.status in _CHANGES
                    tell(str(path))
                    now = time.monotonic()
                    if i + 1 < len(files) and policy.due(changed, now - last_commit, last_cost):
                        tell(str(path), committing=True)
                        self._finish(nxt, True)  # search sees this batch; a kill from here on keeps it
                        nxt = self._begin()
                        published, n_commits, changed = len(report.outcomes), n_commits + 1, 0
                        last_commit = time.monotonic()
                        last_cost = last_commit - now
            finally:
                ahead.close()
            if changed:
                tell(committing=True)
            self._finish(nxt, changed > 0)
            if changed:
                published, n_commits = len(report.outcomes), n_commits + 1
            tell()
        return report

    @staticmethod
    def _known(path: Path, store: Store) -> str | None:
        """The document a file already is (its content hash is indexed, as a document or a copy)."""
        digest = file_sha256(path)
        return store.doc_by_hash(digest) or store.doc_by_copy_hash(digest)

    def _ingest_one(self, path: Path, nxt: _NextGeneration, parsed: Future | None = None) -> FileOutcome:
        try:
            if not path.is_file():
                raise IngestError(str(path), "không tìm thấy tệp")
            existing = self._known(path, nxt.store)  # again: an earlier file may have had this content
            if existing:
                return FileOutcome(str(path), "unchanged", existing)
            doc = own_id(parsed.result() if parsed else self.parser(path.resolve()), nxt.store.source_of)
            if not doc.passages:
                raise IngestError(str(path), "không đọc được đoạn văn bản nào trong tệp")
            duplicate = self._duplicate_of(doc, nxt.store)
            if duplicate:
                return duplicate
            vectors = self.encoder.encode_passages(document_texts(doc, self.retrieval.embed_recipe))
        except IngestError as exc:
            return FileOutcome(str(path), "failed", reason=exc.reason)
        except Exception as exc:  # one bad file never stops a batch
            return FileOutcome(str(path), "failed", reason=f"{type(exc).__name__}: {exc}")
        status = "updated" if nxt.store.has_document(doc.doc_id) else "added"
        self._put(doc, vectors, nxt)
        return FileOutcome(str(path), status, doc.doc_id, note="; ".join(doc.notes), passages=len(doc.passages))

    @diskspace.committing
    def add_documents(self, docs: Iterable[ParsedDocument]) -> IngestReport:
        """Index already-parsed documents (same lifecycle as ingest): a document whose id is indexed
        with the same content_hash is unchanged; another id with the same text is a document too."""
        report = IngestReport()
        with generations.write_lock(self.home):
            self._catch_up()
            nxt = self._begin()
            for doc in docs:
                if nxt.store.has_document(doc.doc_id, doc.content_hash):
                    report.outcomes.append(FileOutcome(doc.source_path, "unchanged", doc.doc_id))
                    continue
                status = "updated" if nxt.store.has_document(doc.doc_id) else "added"
                vectors = self.encoder.encode_passages(document_texts(doc, self.retrieval.embed_recipe))
                self._put(doc, vectors, nxt)
                report.outcomes.append(FileOutcome(doc.source_path, status, doc.doc_id))
            self._finish(nxt, any(o.status != "unchanged" for o in report.outcomes))
        return report

    @diskspace.committing
    def remove(self, doc_id: str) -> bool:
        with generations.write_lock(self.home):
            self._catch_up()
            if doc_id not in self._fields:
                return False
            nxt = self._begin()
            gone = nxt.store.delete_document(doc_id)
            nxt.changed.docs.add(doc_id)
            nxt.changed.gone_pids += gone
            nxt.dense.delete(gone)
            nxt.keyword.delete(gone)
            nxt.store.topics.delete(gone)
            self._finish(nxt, True)
        return True

    @diskspace.committing
    def merge(self) -> dict:
        """Fold every segment of both passage indexes into one, tombstones dropped (same results,
        less memory, faster searches). Searches go on meanwhile on the live generation, and so do
        uploads and removals: the fold holds no write lock (index/merge_beside.py)."""
        with merge_beside.merge_lock(self.home):
            work = merge_beside.new_work_folder(self.home)
            try:
                with generations.write_lock(self.home):
                    self._catch_up()
                    if self._generation is None:
                        return {"segments_before": 0, "segments_after": 0}
                    if not merge_beside.segmented(self._generation) or self._store.unsketched():
                        return self._merge_locked()  # an older layout, or sketches to backfill: once
                    snap = merge_beside.snapshot(self._generation, work / "snapshot")
                return self._merge_beside(snap, work / "merged")
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def _merge_beside(self, snap: Path, out: Path) -> dict:
        dense, keyword = DenseIndex.load(snap, self.dense_settings), KeywordIndex.load(snap)
        before = dense.segments + keyword.segments
        dense.merge(folder=out)  # minutes at 10^6 passages, while commits go on
        keyword.merge(folder=out)
        dense.save(out)  # the merged segment's FAISS index is built here, still without the lock
        keyword.save(out)
        del dense, keyword
        with generations.write_lock(self.home):
            self._catch_up()
            folder = generations.new_folder(self.home)
            self._next = _NextGeneration(folder, Store(self.home / SHARED_STORE), DenseIndex(0), KeywordIndex())
            if not merge_beside.compose(self._generation, snap, out, folder):  # rebuilt meanwhile
                self._finish(self._next, False)
                return {"segments_before": before, "segments_after": before}
            nxt = self._next = _NextGeneration(folder, self._next.store, DenseIndex.load(folder, self.dense_settings),
                                               KeywordIndex.load(folder))
            self._finish(nxt, True, tidy=False)
            return {"segments_before": before, "segments_after": nxt.dense.segments + nxt.keyword.segments}

    def _merge_locked(self) -> dict:
        """The whole merge under the write lock (the caller holds it)."""
        nxt = self._begin()
        nxt.store.add_missing_sketches(sketch)  # documents stored before sketches were kept
        before = nxt.dense.segments + nxt.keyword.segments
        nxt.dense.merge(folder=nxt.folder)  # large merges written into the new generation's files
        nxt.keyword.merge(folder=nxt.folder)
        self._finish(nxt, True, tidy=False)
        return {"segments_before": before, "segments_after": nxt.dense.segments + nxt.keyword.segments}

    def _put(self, doc: ParsedDocument, vectors: np.ndarray, nxt: _NextGeneration) -> None:
        if vectors.shape != (len(doc.passages), self.encoder.dim):
            raise ValueError(f"bộ mã hóa trả về {vectors.shape}, cần ({len(doc.passages)}, {self.encoder.dim})")
        gone = nxt.store.delete_document(doc.doc_id)
        nxt.changed.docs.add(doc.doc_id)
        nxt.changed.gone_pids += gone
        nxt.dense.delete(gone)
        nxt.keyword.delete(gone)
        nxt.store.topics.delete(gone)
        tokens = [passage_tokens(self._keyword_text(doc, p.text), word_segment=self.retrieval.word_segments)
                  for p in doc.passages]
        pids = nxt.store.add_document(doc, tokens)
        nxt.store.add_sketch(doc.doc_id, sketch(doc.text))
        nxt.dense.append(pids, vectors)
        nxt.keyword.append(pids, tokens, [prefix_hash(p.text) for p in doc.passages])  # the stored text's
        self._label_passages(nxt.store, pids, [p.role for p in doc.passages], vectors)  # same transaction
        nxt.store.apply_corrections(doc.doc_id, reparsed=True)  # a user's corrections survive re-ingestion

    def _keyword_text(self, doc: ParsedDocument, text: str) -> str:
        """What the keyword index reads for a passage: its text, after the document's title when
        `retrieval.keyword_title` (the embedded text stays the passage alone, so cached vectors stay valid)."""
        title = (doc.metadata.title or "").strip()
        if self.retrieval.keyword_title and title and not text.startswith(title):
            return f"{title}\n{text}"
        return text

    def _begin(self) -> _NextGeneration:
        """The next generation: the shared store written in place inside one transaction (readers
        keep their snapshot), the live generation's segments loaded lazily (memory maps)."""
        if self._generation is not None and generations.current(self.home) != self._generation:
            generations.point(self.home, self._generation)  # a crash left CURRENT behind the store
        folder = generations.new_folder(self.home)
        shared = self.home / SHARED_STORE
        if not shared.exists() and self._generation is not None:  # the layout before issue 14: once
            self._store.copy_to(shared).close()
        store = Store(shared)
        if self._generation is not None:
            dense = DenseIndex.load(self._generation, self.dense_settings)
            keyword = load_keyword(self._generation, store)
        else:
            dense = DenseIndex(self.encoder.dim, self.dense_settings)
            keyword = KeywordIndex()
        self._begin_topics(store)
        self._next = _NextGeneration(folder, store, dense, keyword)
        return self._next

    def _catch_up(self) -> None:
        """Load the live generation when another process published one (else nothing to read again:
        reading every passage's document at each commit cost ~1 s per 300k passages)."""
        gen = self._live_generation()
        if gen != self._generation:
            self._load(gen)

    def _live_generation(self) -> Path | None:
        """The generation the store names (it is published once the store commits), else CURRENT's."""
        shared = self.home / SHARED_STORE
        if shared.exists():
            store = Store(shared, snapshot=True)
            try:
                named = store.get_meta("generation")
            finally:
                store.close()
            if named and (self.home / named / "manifest.json").exists():
                return self.home / named
        return generations.current(self.home)

    def _abort(self) -> None:
        """A commit failed: its store transaction is rolled back (diskspace.committing)."""
        nxt, self._next = getattr(self, "_next", None), None
        if nxt is not None:
            try:
                nxt.store.rollback()
                nxt.store.close()
            except Exception:  # noqa: BLE001 - already failing; the live index is untouched
                pass

    def _finish(self, nxt: _NextGeneration, changed: bool, tidy: bool = True) -> None:
        folder, store, dense, keyword = nxt.folder, nxt.store, nxt.dense, nxt.keyword
        if not changed:
            store.rollback()
            store.close()
            self._next = None
            generations.cleanup(self.home, keep=self._generation)
            return
        if tidy and not merge_beside.merging(self.home):
            # small segments folded together; large ones are the background merge's. Not while a
            # merge runs: it will carry this generation's segments over as they are (merge_beside)
            dense.tidy(MAX_SEGMENTS)
            keyword.tidy(MAX_SEGMENTS, FLAT_MAX)
        dense.save(folder)
        keyword.save(folder)
        generations.prepare(folder, {
            "encoder": self.encoder_settings.to_json(), "encoder_name": self.encoder_settings.name,
            "dim": dense.dim, "normalizer_version": NORMALIZER_VERSION,
            "retrieval": self.retrieval.to_json(), "dense_kind": dense.kind,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
        store.set_meta("generation", folder.name)
        store.commit()  # the publish point: the store names the generation whose segments match it
        store.close()
        self._next = None
        generations.point(self.home, folder)
        self._load(folder, nxt.changed)
        doc_maps.save(folder, self._fields, self._pid_doc)  # for later opens; outside the search lock
        generations.cleanup(self.home, keep=folder)

    # duplicates and corrections (issue 12, item 7)
    def _duplicate_of(self, doc: ParsedDocument, store: Store) -> FileOutcome | None:
        """The outcome "duplicate" when another stored document is this one in another file (same
        number and date, or near-identical text): the file is listed under it, not indexed again."""
        m = doc.metadata
        same_day = [row for row in store.doc_fields_dated(m.date) if row[0] != doc.doc_id] if m.date else []
        target = same_number_and_date(m.number, m.date, m.issuer, same_day)
        reason = f"cùng số {m.number}, ngày {m.date}" if target else ""
        if not target:
            # two texts that differ only in their numbers are two documents (a plan copied from a template)
            hashes = sketch(doc.text)
            like = store.texts_like(len(doc.text), hashes, sketch_matches_needed(len(hashes)))
            numbers = {row[0]: row[4] for row in store.doc_fields(d for d, _ in like)}
            candidates = [(d, t) for d, t in like if d != doc.doc_id
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
        fields = {k: normalize_field(k, v) for k, v in fields.items() if v is not None}
        with generations.write_lock(self.home):
            self._catch_up()
            if doc_id not in self._fields:
                return None
            nxt = self._begin()
            nxt.store.set_corrections(doc_id, fields)
            nxt.changed.docs.add(doc_id)
            nxt.store.apply_corrections(doc_id)
            self._finish(nxt, True)
        return next((d for d in self.documents() if d.doc_id == doc_id), None)


def open_store(home: Path, gen: Path) -> tuple[Store, Path]:
    """(the store as of generation `gen`, the generation it really is). The shared store, read in a
    snapshot, names its generation: after a crash between its commit and the CURRENT swap, or while
    a writer is between the two, that newer generation is the live one. A generation written before
    issue 14 has its own store file."""
    if (gen / "store.sqlite").exists():
        return Store(gen / "store.sqlite", readonly=True), gen
    store = Store(home / SHARED_STORE, snapshot=True)
    named = store.get_meta("generation")
    if named and named != gen.name and (home / named / "manifest.json").exists():
        gen = home / named
    return store, gen


def load_keyword(gen: Path, store: Store) -> KeywordIndex:
    """The keyword segments of a generation; one written before segments is rebuilt from the store's
    tokens (once: the next commit saves it as a segment)."""
    if KeywordIndex.saved_in(gen):
        return KeywordIndex.load(gen)
    keyword = KeywordIndex()
    keyword.index(*store.all_tokens())
    return keyword
