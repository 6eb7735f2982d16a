"""Verbatim twins in search results: one hit, the copy a secretary can cite (issue 13).

The same article is often in a library twice: a law and the consolidated text (văn bản hợp nhất)
that repeats it, a Code kept once under its number and once under its name, a directive quoted in
full by the plan that carries it out. Their passages score alike, so the results showed the same
words twice and the tie went to whichever copy was ingested first.

Passages of different documents whose words are identical (`twin_key` of the stored text, NFC
and one tone-mark style since ingestion; case, punctuation and line breaks ignored) are one hit.
The copy kept is the citable one (`citable_rank`): a document with an official number (its
header's, or one its title starts with) before one without; then the earlier-dated one (a
document without a date last); then the better-ranked. (A document the query names is the copy
shown whatever its rank: the Library puts it first.) The hit takes the best rank of the
group, and names the other copies (`SearchHit.also_in`, shown as "Cũng có trong: …").

Pure functions: the Library gives the ranked passages, their prefixes (`prefix_hash`, stored per
passage with the keyword segments at ingestion; texts are read only for older segments), texts
where a prefix is shared, and documents' headers, and keeps what it worked out per generation. Measured in docs/quality.md ("Verbatim twins").
"""
from __future__ import annotations

import hashlib
import re
from itertools import islice
from collections.abc import Callable, Mapping, Sequence

from ingest.records import DocumentHeader
from vntext.docnumber import find_doc_numbers

_WORD = re.compile(r"\w+")
# Short passages ("Điều này bị bãi bỏ.", a heading alone) are alike across unrelated documents:
# being the same words says nothing about being the same text.
MIN_WORDS = 12
# twins start alike: only passages whose first words match are compared in full
PREFIX_WORDS, PREFIX_CHARS = 16, 400


def twin_key(text: str) -> bytes:
    """Key equal for passages with the same words in the same order; b"" for short passages.
    `text` as stored, normalised at ingestion (NFC, one tone-mark style): normalising again here
    cost 1 ms a passage, most of a search."""
    words = _WORD.findall((text or "").lower())
    if len(words) < MIN_WORDS:
        return b""
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=12).digest()


def prefix_key(text: str) -> str:
    """The passage's first words: twins share them, so only passages whose prefix another
    document's passage shares are keyed in full (twin_keys)."""
    # the first PREFIX_WORDS words, whole: a copy with other line breaks is cut elsewhere (only
    # those are matched: finding all ~70 words of the 400 characters cost twice as much)
    return " ".join([m.group() for m in islice(_WORD.finditer(text[:PREFIX_CHARS].lower()), PREFIX_WORDS)])


def prefix_hash(text: str) -> int:
    """prefix_key(text) as a nonzero 64-bit number, 0 for an empty prefix: stored per passage at
    ingestion (index/postings.py `prefix`), so a search compares numbers instead of reading texts.
    Two prefixes sharing a hash only cost a full key each (twin_key decides): same groups."""
    prefix = prefix_key(text or "")
    if not prefix:
        return 0
    return int.from_bytes(hashlib.blake2b(prefix.encode("utf-8"), digest_size=8).digest(), "little") or 1


def twin_keys(prefixes: Mapping[int, str | int], doc_of: Callable[[int], str],
              key_of: Callable[[int], bytes]) -> dict[int, bytes]:
    """{pid: key_of(pid)} for the passages whose prefix (pid -> prefix_key, or its prefix_hash) a
    passage of another document shares; the rest cannot be twins and are not keyed."""
    docs: dict[str | int, set[str]] = {}
    for pid, prefix in prefixes.items():
        docs.setdefault(prefix, set()).add(doc_of(pid))
    return {pid: key_of(pid) for pid, prefix in prefixes.items() if len(docs[prefix]) > 1}


def has_number(header: DocumentHeader) -> bool:
    """An official number a citation can give: the header's, or one the title starts with."""
    if header.number:
        return True
    found = find_doc_numbers(header.title[:60])
    return bool(found) and found[0][0] == 0


def citable_rank(header: DocumentHeader) -> tuple:
    """Sort key, smaller = more citable: numbered first, then earlier date, undated last."""
    return (not has_number(header), header.date == "", header.date)


def collapse_twins(ranked: Sequence[int], doc_of: Callable[[int], str], key_of: Mapping[int, bytes],
                   rank_of: Callable[[str], tuple]) -> tuple[list[int], dict[int, tuple[str, ...]]]:
    """`ranked` passages, best first, with each group of cross-document twins replaced by its
    citable copy (smallest `rank_of(doc_id)`, a citable_rank) at the group's best position.
    Returns (pids, {kept pid: other copies' doc_ids}).
    Passages missing from `key_of` or with an empty key are never grouped; twins inside one
    document are left alone (the per-document cap handles them)."""
    groups: dict[bytes, list[int]] = {}
    for pid in ranked:
        key = key_of.get(pid, b"")
        if key:
            groups.setdefault(key, []).append(pid)
    chosen: dict[bytes, int] = {}
    also: dict[int, tuple[str, ...]] = {}
    for key, pids in groups.items():
        docs = {doc_of(p) for p in pids}
        if len(docs) < 2:
            continue
        order = {p: i for i, p in enumerate(pids)}
        best = min(pids, key=lambda p: (rank_of(doc_of(p)), order[p]))
        chosen[key] = best
        seen = {doc_of(best)}
        others = []
        for p in pids:
            d = doc_of(p)
            if d not in seen:
                seen.add(d)
                others.append(d)
        also[best] = tuple(others)
    out: list[int] = []
    placed: set[bytes] = set()
    for pid in ranked:
        key = key_of.get(pid, b"")
        if key in chosen:
            if key in placed:
                continue
            placed.add(key)
            out.append(chosen[key])
        else:
            out.append(pid)
    return out, also
