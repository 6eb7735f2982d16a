"""A search hit's header is read from the documents_header index (index/store.py), not from the
document's row: its header columns come after the full text, so reading them walks the text's
overflow pages (cold at 10^6 passages: 10 headers 8.8 ms, 0.4 ms from the index)."""
import sqlite3

from index.store import Store


def _copy(src, dst):
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def test_headers_come_from_the_covering_index_and_match_the_rows(answer_library, tmp_path):
    _copy(answer_library.home / "store.sqlite", tmp_path / "store.sqlite")
    store = Store(tmp_path / "store.sqlite", readonly=True)
    doc_ids = [r[0] for r in store.conn.execute("SELECT doc_id FROM documents")]
    assert len(doc_ids) >= 5
    plan = " ".join(str(r) for r in store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT doc_id, doc_type, number, date, issuer, title FROM {store._headers_from}"
        " WHERE doc_id IN (?, ?)", doc_ids[:2]))
    assert "COVERING INDEX documents_header" in plan
    from_rows = {r[0]: r[1:] for r in store.conn.execute(
        "SELECT doc_id, doc_type, number, date, issuer, title FROM documents NOT INDEXED")}
    got = store.headers(doc_ids)
    assert {d: (h.doc_type, h.number, h.date, h.issuer, h.title) for d, h in got.items()} == from_rows
    assert any(h.number for h in got.values()) and all(h.title for h in got.values())


def test_a_store_written_before_the_index_still_reads_headers_then_gets_it(answer_library, tmp_path):
    _copy(answer_library.home / "store.sqlite", tmp_path / "store.sqlite")
    with sqlite3.connect(tmp_path / "store.sqlite") as c:
        c.execute("DROP INDEX documents_header")
    old = Store(tmp_path / "store.sqlite", readonly=True)  # a server on an older index: no error
    doc_ids = [r[0] for r in old.conn.execute("SELECT doc_id FROM documents")]
    before = old.headers(doc_ids)
    assert old._headers_from == "documents" and len(before) == len(doc_ids)
    old.conn.close()
    writer = Store(tmp_path / "store.sqlite")  # the next writer adds it
    assert writer._headers_from.endswith("documents_header") and writer.headers(doc_ids) == before
