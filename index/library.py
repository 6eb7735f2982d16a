"""The whole index in one folder: store + dense + keyword indexes, with an atomic lifecycle.

CONTRACT (used by the CLI, the search service and the app; implemented in issue 3):

    lib = Library.open(home: Path, encoder_settings: EncoderSettings | None = None)
        # creates the folder when missing; an existing index built with another encoder raises
        # IndexMismatchError with a message saying how to rebuild
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
"""
