"""The pack a user is building (Chuẩn bị sinh hoạt chuyên đề): passage keys in the chosen order,
each ticked or not, kept per logged-in user beside the index until the handout is exported.

Only passage ids ("doc_id#ordinal") are stored, never queries or answers (issue 17: nothing a user
asked is kept), one small JSON file per user under <index>/tai-lieu-dang-soan/, named by a hash of
the user name. On a server without logins (which only listens on this machine) everyone is one
user. The operations on the list are pure functions; PackBuilder reads and writes the file and
turns keys back into passages through the Library.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from index.records import SearchHit
from vankien.answers.pack import Pack, PackItem, group_hits

if TYPE_CHECKING:
    from index.library import Library

PACK_FOLDER = "tai-lieu-dang-soan"
ANONYMOUS = "(khach)"
MAX_ENTRIES = 200  # a handout of more passages is not one anybody reads; the file stays small


@dataclass(frozen=True)
class PackEntry:
    key: str  # "doc_id#ordinal"
    ticked: bool = True


Entries = tuple[PackEntry, ...]


def add(entries: Entries, key: str, ticked: bool = True) -> Entries:
    """`key` at the end (ticked), or ticked where it already is."""
    if any(e.key == key for e in entries):
        return tick(entries, key, True) if ticked else entries
    return (*entries, PackEntry(key, ticked))[-MAX_ENTRIES:]


def remove(entries: Entries, key: str) -> Entries:
    return tuple(e for e in entries if e.key != key)


def tick(entries: Entries, key: str, on: bool) -> Entries:
    return tuple(PackEntry(e.key, on) if e.key == key else e for e in entries)


def move(entries: Entries, key: str, delta: int) -> Entries:
    """Move `key` up (delta < 0) or down, clamped to the ends; unknown keys change nothing."""
    keys = [e.key for e in entries]
    if key not in keys:
        return entries
    i = keys.index(key)
    return move_to(entries, key, max(0, min(len(entries) - 1, i + delta)))


def move_to(entries: Entries, key: str, position: int) -> Entries:
    """Put `key` at `position` (0-based, clamped): what a drag and drop does."""
    moving = next((e for e in entries if e.key == key), None)
    if moving is None:
        return entries
    rest = [e for e in entries if e.key != key]
    position = max(0, min(len(rest), position))
    return tuple(rest[:position] + [moving] + rest[position:])


def split_key(key: str) -> tuple[str, int] | None:
    """"doc#3" -> ("doc", 3); anything else -> None."""
    doc_id, sep, ordinal = (key or "").rpartition("#")
    if not sep or not doc_id or not ordinal.isdigit():
        return None
    return doc_id, int(ordinal)


class PackBuilder:
    """Each user's pack under <home>/tai-lieu-dang-soan/; keys resolved through the Library."""

    def __init__(self, library: Library, home: Path | None = None):
        self.library = library
        self._home = Path(home) if home else None  # the Library's home, read when first needed
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return (self._home or Path(self.library.home)) / PACK_FOLDER

    def _path(self, user: str | None) -> Path:
        digest = hashlib.sha256((user or ANONYMOUS).encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{digest}.json"

    def entries(self, user: str | None) -> Entries:
        try:
            raw = json.loads(self._path(user).read_text(encoding="utf-8"))
            return tuple(PackEntry(str(r["key"]), bool(r.get("ticked", True))) for r in raw["entries"])
        except (OSError, ValueError, KeyError, TypeError):
            return ()  # no pack yet, or a damaged file: start again rather than fail the tab

    def save(self, user: str | None, entries: Entries) -> Entries:
        path = self._path(user)
        if not entries:
            path.unlink(missing_ok=True)
            return ()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"entries": [{"key": e.key, "ticked": e.ticked} for e in entries]}),
                       encoding="utf-8")
        os.replace(tmp, path)  # a crash mid-write leaves the previous pack, never half a file
        return entries

    def update(self, user: str | None, change) -> Entries:
        """Apply `change(entries) -> entries` and save, one user's change at a time."""
        with self._lock:
            return self.save(user, change(self.entries(user)))

    def add(self, user: str | None, key: str) -> tuple[Entries, bool]:
        """Add a passage (ticked); False when the key names no passage in the index."""
        if not self.items([key]):
            return self.entries(user), False
        return self.update(user, lambda e: add(e, key)), True

    def clear(self, user: str | None) -> None:
        with self._lock:
            self.save(user, ())

    def items(self, keys: Sequence[str]) -> list[PackItem]:
        """The passages named by `keys`, in that order; keys of removed documents are skipped."""
        docs: dict[str, object] = {}
        out = []
        for key in keys:
            parsed = split_key(key)
            if parsed is None:
                continue
            doc_id, ordinal = parsed
            if doc_id not in docs:
                docs[doc_id] = self.library.document(doc_id)
            doc = docs[doc_id]
            passage = next((p for p in doc.passages if p.ordinal == ordinal), None) if doc else None
            if passage is None:
                continue
            hit = SearchHit(doc_id=doc_id, ordinal=ordinal, header=doc.metadata.header,
                            heading_path=passage.heading_path, pages=passage.pages, text=passage.text,
                            score=0.0, start=passage.start, end=passage.end)
            out.append(PackItem(**{f.name: getattr(hit, f.name) for f in fields(SearchHit)}))
        return out

    def as_pack(self, theme: str, keys: Sequence[str]) -> Pack:
        """A Pack of exactly these passages (for make_handout, which keeps the order of `keys`)."""
        return group_hits(theme, self.items(keys))
