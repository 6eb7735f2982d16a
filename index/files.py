"""Which files an ingestion takes, and the id a file's document gets in the index."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Iterable

from ingest.records import ParsedDocument


def _is_collection_file(path: Path, root: Path) -> bool:
    """Files a walked folder contributes: every file, so an unsupported one is reported rather than
    silently skipped, except hidden files and the folder's own README notes."""
    parts = path.relative_to(root).parts
    return not any(part.startswith(".") for part in parts) and path.stem.upper() != "README"


def walk(paths: Iterable[Path]) -> list[Path]:
    """Folders expanded to their files (sorted); a file named explicitly is always taken."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and _is_collection_file(f, p))
        else:
            out.append(p)
    return out


def own_id(doc: ParsedDocument, source_of: Callable[[str], str | None]) -> ParsedDocument:
    """A file's id is its name's slug, so the same name in two folders (2024/ban-tin-so-1.pdf,
    2025/ban-tin-so-1.pdf) or x.pdf beside x.docx would share one, and the second file would
    replace the first. The file that finds its id held by another file gets an id of its own,
    with a short hash of its path; the same file, changed, keeps its id and replaces itself.
    `source_of(doc_id)`: the path the stored document with that id came from (None: no such id)."""
    digest = hashlib.sha1(doc.source_path.encode("utf-8")).hexdigest()[:6]
    own = doc.with_doc_id(f"{doc.doc_id}-{digest}")
    if _same_file(source_of(own.doc_id), doc.source_path):  # it came in under its own id before
        return own
    held_by = source_of(doc.doc_id)
    return doc if held_by is None or _same_file(held_by, doc.source_path) else own


def _same_file(a: str | None, b: str) -> bool:
    return a is not None and Path(a).resolve() == Path(b).resolve()  # older indexes kept paths as given
