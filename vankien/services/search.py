"""What the web interface asks of the index, as ready-to-show view records.

SearchService is the only thing the UI talks to and the only UI-side code that touches the Library.
Every method returns a frozen record with Vietnamese messages and plain text; the HTML the user
sees is made from these records in vankien/ui (which escapes every piece of document text).

One service serves every browser tab; it holds no per-user state (that lives in gr.State). The
Library is safe to share between threads: an upload builds a new index generation while searches
keep reading the current one. Searches pass a first-come, first-served gate (vankien/services/gate.py)
a few at a time, so a crowd of readers is served in order instead of all slowly at once.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from index import diskspace
from index.background_merge import BackgroundMerge
from index.records import DocumentInfo, FileOutcome, IngestReport, SearchFilters, SearchHit
from vankien.answers.citation import format_citation, format_date
from vankien.services import uploads
from vankien.services.gate import FairGate
from vankien.services.honest import honest_search
from vntext.normalize import fold_lower, normalize_query
from vntext.text import shorten

if TYPE_CHECKING:
    from index.library import Library

PAGE_SIZE = 10  # documents (cards) a page
PASSAGES_PER_CARD = 3  # passages fetched per card wanted
TITLE_CHARS = 161  # a title shown on one line: at most this many characters, "…" included
SHOWN_DOCUMENTS = 500  # rows of the documents table and choices of its pickers sent to a browser

STATUS_LABELS = {
    "added": "Đã thêm",
    "updated": "Đã cập nhật",
    "unchanged": "Đã có, không thay đổi",
    "failed": "Không đọc được",
    "duplicate": "Trùng, giữ một bản",
    "removed": "Đã gỡ",
}

SORTS = {
    "Mới nhất trước": ("date", True),
    "Cũ nhất trước": ("date", False),
    "Loại văn bản": ("doc_type", False),
    "Cơ quan ban hành": ("issuer", False),
    "Tên văn bản": ("title", False),
}

DOCUMENT_HEADERS = ["Tên văn bản", "Loại", "Số hiệu", "Ngày", "Cơ quan ban hành", "Số đoạn", "Mã"]
INGEST_HEADERS = ["Tệp", "Kết quả", "Mã văn bản", "Lý do"]


@dataclass(frozen=True)
class ResultCard:
    doc_id: str
    ordinal: int
    title: str
    citation: str
    text: str  # the passage as stored (plain text; the UI escapes and marks it)
    score: float
    more: int = 0  # other passages of the same document among the results ("+N đoạn khác")
    also_in: tuple[str, ...] = ()  # titles of other documents with this passage word for word


@dataclass(frozen=True)
class SearchView:
    query: str
    cards: tuple[ResultCard, ...] = ()
    message: str = ""  # Vietnamese status line shown above the results
    page: int = 1
    has_more: bool = False
    error: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]

    def as_lists(self) -> list[list]:
        return [list(r) for r in self.rows]


@dataclass(frozen=True)
class DocumentsPage:
    """The first rows of the documents table, and how many documents the filter matched in all."""
    table: Table
    total: int


@dataclass(frozen=True)
class IngestSummary:
    table: Table
    message: str


@dataclass(frozen=True)
class FilterChoices:
    doc_types: tuple[str, ...]
    issuers: tuple[str, ...]
    topics: tuple[tuple[str, str], ...] = ()  # (label, key) of each topic (index/topics.py)


class SearchService:
    def __init__(self, library: Library, upload_dir: Path | None = None, page_size: int = PAGE_SIZE,
                 max_upload_bytes: int | None = None, searches_at_once: int = 1):
        self.library = library
        # one at a time: measured with scripts/load_test.py, 50 readers p95 0.71-0.89 s with 1, 1.6 s with 2
        self.search_gate = FairGate(searches_at_once)
        self.upload_dir = Path(upload_dir) if upload_dir else None
        self.page_size = page_size
        self.max_upload_bytes = max_upload_bytes or uploads.max_upload_from_env()
        if self.upload_dir is not None:
            uploads.clean_partial(self.upload_dir)  # what a stopped server left half-copied
        self._merges: BackgroundMerge | None = None  # made on first use: building the UI reads no index

    @property
    def merges(self) -> BackgroundMerge:
        """Segments folded in a child process, off the search path (index/background_merge.py)."""
        if self._merges is None:
            self._merges = BackgroundMerge(self.library.home)
        return self._merges

    def merge_if_due(self) -> bool:
        """Start a background merge when segments have piled up (after changes, and at start)."""
        return self.merges.maybe_start(self.library.stats()["segments"])

    # ---- Tra cứu -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        doc_types: Sequence[str] | None = (),
        issuer: str | None = "",
        date_from: str | None = "",
        date_to: str | None = "",
        page: int = 1,
        topic: str | None = "",
    ) -> SearchView:
        """Results 1..page*page_size for the query and filters; dates as typed ("28/4/2023");
        `topic`: a topic key, only passages carrying it."""
        query = normalize_query(query or "")
        if not query:
            return SearchView(query="", message="Hãy nhập nội dung cần tìm, ví dụ: «sinh hoạt chi bộ».")
        try:
            filters = SearchFilters(
                doc_types=tuple(d for d in (doc_types or ()) if d),
                issuer=(issuer or "").strip(),
                date_from=parse_date(date_from or "", end=False),
                date_to=parse_date(date_to or "", end=True),
                topics=(topic,) if topic else (),
            )
        except ValueError as exc:
            return SearchView(query=query, message=str(exc), error=True)
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            return SearchView(query=query, error=True,
                              message="«Từ ngày» đang sau «Đến ngày». Hãy đổi lại hai ngày cho đúng thứ tự.")
        with self.search_gate.enter():
            return self._search(query, filters, max(1, int(page or 1)))

    def _search(self, query: str, filters: SearchFilters, page: int) -> SearchView:
        k = page * self.page_size
        # one card per document: passages enough for `k` documents (the Library shows at most
        # per_doc_cap passages of one document on a page)
        result = honest_search(self.library, query, k=k * PASSAGES_PER_CARD, filters=filters)
        groups = result.groups[:k]
        cards = tuple(replace(self._card(g.best, query), more=len(g.others)) for g in groups)
        has_more = len(result.groups) > k or result.fetched >= k * PASSAGES_PER_CARD
        return SearchView(query=query, cards=cards, message=result.message, page=page,
                          has_more=has_more and bool(cards))

    def _card(self, hit: SearchHit, query: str) -> ResultCard:
        citation = format_citation(hit.header, hit.heading_path, hit.pages, hit.scanned)
        return ResultCard(
            doc_id=hit.doc_id, ordinal=hit.ordinal, title=shorten(hit.title or citation, TITLE_CHARS),
            citation=citation, text=hit.text, score=float(hit.score),
            also_in=tuple(self._title_of(d) for d in hit.also_in),
        )

    def _title_of(self, doc_id: str) -> str:
        """A twin's title for "Cũng có trong …" (rare: only passages held word for word elsewhere)."""
        doc = self.library.document(doc_id)
        return shorten((doc.info.title or doc_id) if doc else doc_id, TITLE_CHARS)

    def generation(self) -> str:
        """Name of the index generation now on disk ("" before the first ingestion): cheap, one small file."""
        from index import generations

        current = generations.current(self.library.home)
        return current.name if current is not None else ""

    def changed_since(self, generation: str) -> bool:
        """Whether another process (a CLI ingest) or another tab committed since `generation`; the
        views below pick the new generation up themselves, this tells the UI when to ask them."""
        return self.generation() != generation

    def filter_choices(self) -> FilterChoices:
        self.library.refresh()  # a CLI ingest may have committed since the last search
        infos = list(self.library.documents())
        doc_types = sorted({i.doc_type for i in infos if i.doc_type}, key=_sort_key)
        issuers = sorted({i.issuer for i in infos if i.issuer}, key=_sort_key)
        topics = tuple((t.label, t.key) for t in self.library.topic_list().topics)
        return FilterChoices(doc_types=tuple(doc_types), issuers=tuple(issuers), topics=topics)

    # ---- Văn bản -------------------------------------------------------------------------------

    def documents_table(self, contains: str = "", doc_type: str = "", sort: str = "Mới nhất trước") -> Table:
        """Indexed documents, filtered by a words-in-any-column match and a type, sorted."""
        self.library.refresh()  # a CLI ingest may have committed since the last search
        infos = list(self.library.documents())
        if doc_type:
            infos = [i for i in infos if i.doc_type == doc_type]
        needle = fold_lower(normalize_query(contains or ""))
        if needle:
            words = needle.split()
            infos = [i for i in infos if all(w in _haystack(i) for w in words)]
        field, reverse = SORTS.get(sort, SORTS["Mới nhất trước"])
        if field == "date":  # undated documents last either way
            dated = sorted((i for i in infos if i.date), key=lambda i: i.date, reverse=reverse)
            infos = dated + [i for i in infos if not i.date]
        else:
            infos.sort(key=lambda i: (not getattr(i, field, ""), _sort_key(getattr(i, field, "") or ""), i.date or ""))
        rows = tuple(
            (shorten(i.title or i.doc_id, TITLE_CHARS), i.doc_type, i.number,
             format_date(i.date).removeprefix("ngày ") if i.date else "", i.issuer, i.n_passages, i.doc_id)
            for i in infos
        )
        return Table(headers=tuple(DOCUMENT_HEADERS), rows=rows)

    def documents_page(self, contains: str = "", doc_type: str = "", sort: str = "Mới nhất trước",
                       limit: int = SHOWN_DOCUMENTS) -> DocumentsPage:
        """documents_table's first `limit` rows: a provincial archive holds ~10^5 documents, and
        the whole table (~5 MB) went to every browser on each page load and each commit."""
        table = self.documents_table(contains, doc_type, sort)
        return DocumentsPage(Table(table.headers, table.rows[:limit]), len(table.rows))

    def document_choices(self, contains: str = "", doc_type: str = "",
                         limit: int = SHOWN_DOCUMENTS) -> list[tuple[str, str]]:
        """(label, doc_id) pairs for a picker, newest first, among the documents the filter matches."""
        table = self.documents_page(contains, doc_type, limit=limit).table
        return [(_choice_label(r), r[-1]) for r in table.rows]

    def document_choice(self, doc_id: str) -> tuple[str, str] | None:
        """The (label, doc_id) pair of one document, None when it is not in the index."""
        rows = [r for r in self.documents_table().rows if r[-1] == doc_id] if doc_id else []
        return (_choice_label(rows[0]), doc_id) if rows else None

    def ingest_files(
        self, paths: Iterable[str | Path], progress: Callable[[int, int, str], None] | None = None,
    ) -> IngestSummary:
        """Add uploaded files to the index (kept in upload_dir when set); one row per file."""
        paths = [Path(p) for p in paths or () if p]
        if not paths:
            return IngestSummary(Table(tuple(INGEST_HEADERS), ()), "Hãy chọn ít nhất một tệp để thêm.")
        sources, refused = [], []
        for p in paths:
            try:
                sources.append(self._keep_upload(p))
            except (uploads.UploadRefused, OSError) as exc:
                reason = diskspace.message(self.upload_dir, None) if diskspace.is_disk_full(exc) else str(exc)
                refused.append(FileOutcome(str(p), "failed", reason=reason))
            finally:
                if self.upload_dir is not None:
                    uploads.drop_web_temp(p)  # our copy is made (or refused): the web server's goes
        total, done = len(paths), len(refused)

        def report(path: str) -> None:  # the Library reports each file as it starts on it
            nonlocal done
            done += 1
            if progress:
                progress(done - 1, total, f"Đang đọc tệp {done}/{total}: {Path(path).name}")

        def step(p) -> None:  # after each file: passages, rate, time left (index/commits.py)
            if progress:
                progress(len(refused) + p.files_done, total, "Đang lưu chỉ mục…" if p.committing
                         else p.message() if p.waiting else f"Đã xử lý {p.message()}")

        try:
            outcome = (self.library.ingest(sources, progress=report, on_progress=step) if sources
                       else IngestReport())
        except diskspace.DiskFullError as exc:
            outcome = IngestReport([FileOutcome(str(p), "failed", reason=str(exc)) for p in sources])
        for o in outcome.failed:  # a copy that will never be a document is not kept
            if self.upload_dir is not None:
                uploads.discard_upload(Path(o.path), self.upload_dir)
        outcome.outcomes[:0] = refused
        if progress:
            progress(total, total, "Đang lưu chỉ mục…")
        self.merge_if_due()
        return self._ingest_summary(outcome)

    def _keep_upload(self, path: Path) -> Path:
        """Our own copy, under its content hash (vankien/services/uploads.py)."""
        if self.upload_dir is None or not path.is_file():
            return path
        return uploads.store_upload(path, self.upload_dir, self.max_upload_bytes)

    @staticmethod
    def _ingest_summary(report: IngestReport) -> IngestSummary:
        rows = tuple(
            (Path(o.path).name, STATUS_LABELS.get(o.status, o.status), o.doc_id, o.reason or o.note)
            for o in report.outcomes
        )
        parts = [f"{report.count(s)} {STATUS_LABELS[s].lower()}" for s in ("added", "updated", "unchanged")
                 if report.count(s)]
        failed = len(report.failed)
        if failed:
            parts.append(f"{failed} tệp không đọc được (xem lý do trong bảng)")
        message = ("Xong: " + ", ".join(parts) + ".") if parts else "Không có tệp nào được xử lý."
        return IngestSummary(Table(tuple(INGEST_HEADERS), rows), message)

    def remove(self, doc_id: str) -> str:
        if not doc_id:
            return "Hãy chọn văn bản cần gỡ."
        doc = self.library.document(doc_id)
        removed = self.library.remove(doc_id)
        self.merge_if_due()
        if not removed:
            return "Không tìm thấy văn bản này trong chỉ mục."
        name = doc.metadata.title if doc is not None and doc.metadata.title else doc_id
        return f"Đã gỡ «{name}» khỏi chỉ mục."


# ---- helpers --------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_date(text: str, end: bool = False) -> str:
    """A date as people type it -> ISO. "28/4/2023", "2023-04-28", "4/2023", "2023" are accepted; a
    month or year means its first day (end=False) or its last day (end=True). "" stays ""."""
    text = " ".join((text or "").split()).removeprefix("ngày ").strip()
    if not text:
        return ""
    day = None
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
    elif m := _MY.match(text):
        month, year = int(m[1]), int(m[2])
    elif m := _YEAR.match(text):
        year, month = int(m[1]), (12 if end else 1)
    else:
        raise ValueError(f"Không hiểu ngày «{text}». Hãy nhập theo dạng ngày/tháng/năm, ví dụ 28/4/2023.")
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        raise ValueError(f"Ngày «{text}» không có thật. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 28/4/2023.")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last if end else 1
    if not 1 <= day <= last:
        raise ValueError(f"Ngày «{text}» không có thật. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 28/4/2023.")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _sort_key(text: str) -> tuple[str, str]:
    return (fold_lower(text), text)


def _choice_label(row: tuple) -> str:
    """A documents_table row as a picker shows it: the title and, when dated, the date."""
    return f"{row[0]} ({row[3]})" if row[3] else row[0]


def _haystack(info: DocumentInfo) -> str:
    """What the document table's filter box searches: the shown fields, folded."""
    return fold_lower(" ".join((info.title, info.doc_type, info.number, info.issuer, info.date, info.doc_id)))
