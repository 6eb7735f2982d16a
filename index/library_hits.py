"""The end of a Library search: verbatim twins made one hit (index/twins.py) and the hits built from
the store's rows, with what is worked out once per generation kept, so that a search reads little
(issue 14). Mixed into Library (index/library.py), which resets `_twins`, `_citable` and
`_headers` at every generation it loads and calls these under its lock."""
from __future__ import annotations

from typing import Iterable

from index.records import SearchHit
from index.twins import citable_rank, collapse_twins, prefix_hash, twin_key, twin_keys
from ingest.records import DocumentHeader

TWIN_CACHE = 200_000  # passages whose twin prefix hash/key is kept between searches
HEADER_CACHE = 100_000  # documents whose header is kept between searches


class LibraryHits:
    def _collapse_twins(self, ranked: list[int], k: int, doc_of: dict[int, str], scores: dict[int, float],
                        named: Iterable[str] = ()) -> tuple[list[int], dict[int, tuple[str, ...]]]:
        """Verbatim twins across documents -> one hit, the citable copy (index/twins.py). Only the
        head of the ranking is looked at: twins score alike, so they sit together. Each passage's
        prefix hash (stored at ingestion) and key are kept per generation: reading texts and
        computing prefixes for the ~50 passages was ~10 % of a search at 10^6 passages."""
        window = ranked[:3 * k + 20]
        cache = self._twins
        if len(cache) > TWIN_CACHE:
            cache.clear()
        missing = [pid for pid in window if pid not in cache]
        # the prefix hashes commits store with the keyword segments (index/postings.py); texts are
        # read only for passages of segments written before them
        stored = self._keyword.twin_prefixes(missing) if missing else {}
        unknown = [pid for pid in missing if pid not in stored]
        texts = self._store.passage_texts(unknown) if unknown else {}
        for pid in missing:  # a passage that vanished mid-search cannot be a twin
            cache[pid] = (stored[pid] if pid in stored else prefix_hash(texts.get(pid, "")), None)

        def key_of(pid: int) -> bytes:
            prefix, key = cache[pid]
            if key is None:  # keyed the first time it may have a twin
                text = texts[pid] if pid in texts else self._store.passage_texts([pid]).get(pid, "")
                cache[pid] = (prefix, twin_key(text))
            return cache[pid][1]

        keys = twin_keys({pid: cache[pid][0] for pid in window if cache[pid][0]}, doc_of.__getitem__, key_of)
        named = set(named)  # a document the query names is the copy shown, citable or not

        def rank_of(doc_id: str) -> tuple:
            return (doc_id not in named, *self._citable_rank(doc_id))

        head, also = collapse_twins(window, doc_of.__getitem__, keys, rank_of)
        for pid in also:  # the kept copy stands where the group's best one stood
            scores[pid] = max(scores[p] for p in window if keys.get(p) == keys[pid])
        return head + ranked[len(window):], also

    def _citable_rank(self, doc_id: str) -> tuple:
        if doc_id not in self._citable:
            self._citable[doc_id] = citable_rank(self._doc_headers([doc_id])[doc_id])
        return self._citable[doc_id]

    def _doc_headers(self, doc_ids: Iterable[str]) -> dict[str, DocumentHeader | None]:
        """Headers, kept per generation: read one by one they were ~10 % of a search (a header's
        columns come after the document's full text in its row)."""
        if len(self._headers) > HEADER_CACHE:
            self._headers.clear()
        missing = [d for d in set(doc_ids) if d not in self._headers]
        if missing:
            found = self._store.headers(missing)
            self._headers.update((d, found.get(d)) for d in missing)
        return self._headers

    def _hits(self, pids: list[int], scores: dict[int, float],
              also: dict[int, tuple[str, ...]] | None = None) -> list[SearchHit]:
        rows = self._store.passage_rows(pids)
        headers = self._doc_headers(r.doc_id for r in rows.values())
        return [SearchHit(r.doc_id, r.ordinal, headers[r.doc_id], r.heading_path, r.pages, r.text, scores[pid],
                          r.start, r.end, scanned=r.scanned, also_in=(also or {}).get(pid, ()))
                for pid in pids for r in (rows[pid],)]
