"""The Library's per-generation maps, saved beside the generation (issue 14, UI cold start).

Every open of an index builds two maps: each document's filter fields (index/filters.py) and each
passage's document as id ranges (index/passage_docs.py). At 10^5 documents / 10^6 passages reading
them out of SQLite cost ~0.7 s of every Library.open (two index seeks per document for the ranges,
then 10^5 field rows): about a sixth of the UI's cold start. A generation never changes once
published, and the store read in its snapshot names it (library_write.open_store), so the maps of
generation G are the same for every process that opens G: they are written once into G's folder
(by the commit that made G, or by the first process to open an older G) and read from there.

A cache, never the truth: a missing, unreadable or inconsistent file is read again from the store
(and written anew). The file is written aside and renamed into place, so no reader sees half of one.
"""
from __future__ import annotations

import os
import threading
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from index.filters import DocFields
from index.passage_docs import PassageDocs

FILE = "doc-maps.npz"
FORMAT = 2
_ROW, _COLUMN = "\x1f", "\x1e"  # separators: maps where a field holds either are not saved


def fields_of(rows: Iterable[tuple[str, str, str, str, str]]) -> dict[str, DocFields]:
    """{doc_id: DocFields} from the store's (doc_id, doc_type, issuer, date, number) rows."""
    return {r[0]: DocFields._make(r[1:]) for r in rows}


def save(gen: Path, fields: Mapping[str, DocFields], pid_doc: PassageDocs) -> bool:
    """Write the maps into generation folder `gen`; False (nothing written) when they cannot be
    (a separator or a NULL in a field, a folder not writable). Never raises: the file is only a
    cache, and a commit must not fail for it. ~0.1 s at 10^5 documents, once per commit."""
    try:
        text, run_doc = _columns(fields, pid_doc)
    except TypeError:  # a NULL field (None) read from an old store: not worth a file
        return False
    if text is None:
        return False
    tmp = gen / f".{FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as out:
            np.savez(out, format=np.int64(FORMAT), count=np.int64(len(fields)),
                     docs=np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
                     starts=pid_doc.starts, ends=pid_doc.ends, run_doc=run_doc)
        os.replace(tmp, gen / FILE)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


def _columns(fields: Mapping[str, DocFields], pid_doc: PassageDocs) -> tuple[str | None, np.ndarray]:
    """(the fields column by column, one join each: the ids, then each field; each run's document
    as a position in that order), or (None, ...) when they cannot be stored so."""
    doc_ids, values = list(fields), list(fields.values())
    where = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    run_doc = np.fromiter(map(where.get, pid_doc.docs.tolist(), repeat(-1)), dtype=np.int64,
                          count=len(pid_doc.docs))
    if len(run_doc) and run_doc.min() < 0:
        return None, run_doc  # a passage of a document without fields: not this map's shape
    text = _COLUMN.join([_ROW.join(doc_ids), *(_ROW.join(map(itemgetter(i), values)) for i in range(4))])
    if text.count(_COLUMN) != 4 or text.count(_ROW) != 5 * max(0, len(doc_ids) - 1):
        return None, run_doc
    return text, run_doc


def load(gen: Path) -> tuple[dict[str, DocFields], PassageDocs] | None:
    """The maps saved in `gen`, or None (no file, another format, damaged, inconsistent)."""
    path = gen / FILE
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            if int(saved["format"]) != FORMAT:
                return None
            text = saved["docs"].tobytes().decode("utf-8")
            starts, ends, run_doc, n = saved["starts"], saved["ends"], saved["run_doc"], int(saved["count"])
        # column by column (splitting each document's row apart cost ~10x more at 10^5)
        cols = [col.split(_ROW) if n else [] for col in text.split(_COLUMN)]
        if len(cols) != 5 or any(len(col) != n for col in cols) or not len(starts) == len(ends) == len(run_doc):
            return None
        if len(run_doc) and (run_doc.min() < 0 or run_doc.max() >= n or (ends < starts).any()):
            return None
        ids = np.empty(n, dtype=object)
        ids[:] = cols[0]
        fields = dict(zip(cols[0], map(DocFields._make, zip(*cols[1:]))))
        return fields, PassageDocs(starts, ends, ids[run_doc])
    except Exception:  # noqa: BLE001 - a cache: whatever is wrong with it, the store is read instead
        return None
