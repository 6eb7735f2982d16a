"""The Library's maps saved beside each generation (index/doc_maps.py): what an open reads from the
file must be what it would read from the store, and a damaged, missing or unsavable file only
sends the open back to the store."""
from pathlib import Path

from index import doc_maps
from index.library import Library
from index.passage_docs import PassageDocs
from tests.test_index_patched_maps import maps, plan
from tests.test_index_resume import StandIn


def from_store(lib: Library) -> tuple:
    fields = doc_maps.fields_of(lib._store.doc_fields())
    return fields, dict(PassageDocs.from_runs(lib._store.passage_runs()))


def saved_file(lib: Library) -> Path:
    return lib._generation / doc_maps.FILE


def library_with_documents(tmp_path) -> Library:
    lib = Library.open(tmp_path / "idx", encoder=StandIn())
    lib.add_documents([plan(i) for i in range(1, 5)])
    lib.remove("kh-3")  # each commit that patches the maps saves them too
    lib.correct("kh-4", number="44-KH/ĐU")
    return lib


def test_each_commit_saves_the_maps_an_open_then_reads(tmp_path):
    lib = library_with_documents(tmp_path)
    assert saved_file(lib).exists()
    fields, pid_doc = doc_maps.load(lib._generation)
    assert (fields, dict(pid_doc)) == from_store(lib)
    assert "kh-3" not in fields and fields["kh-4"].number == "44-KH/ĐU" and fields["kh-2"].issuer
    reopened = Library.open(lib.home, encoder=StandIn())
    assert maps(reopened) == maps(lib)
    # the vectors are random: which document ranks first is not the point, that hits name live ones is
    found = [h.doc_id for h in reopened.search("chủ đề 4 sinh hoạt chi bộ", 3)]
    assert "kh-4" in found and set(found) <= {"kh-1", "kh-2", "kh-4"}


def test_a_generation_without_the_file_gets_it_at_its_first_open(tmp_path):
    lib = library_with_documents(tmp_path)
    saved_file(lib).unlink()  # as an index written before the maps were saved
    reopened = Library.open(lib.home, encoder=StandIn())
    assert saved_file(lib).exists() and maps(reopened) == maps(lib)


def test_a_damaged_file_is_read_from_the_store_instead_and_written_again(tmp_path):
    lib = library_with_documents(tmp_path)
    good = maps(lib)
    for damage in (b"", b"PK\x03\x04 not a zip", saved_file(lib).read_bytes()[:200]):
        saved_file(lib).write_bytes(damage)
        assert doc_maps.load(lib._generation) is None
        assert maps(Library.open(lib.home, encoder=StandIn())) == good
        assert doc_maps.load(lib._generation) is not None  # rewritten whole


def test_fields_holding_a_separator_are_not_saved(tmp_path):
    lib = library_with_documents(tmp_path)
    fields, pid_doc = doc_maps.load(lib._generation)
    fields["kh-1"] = fields["kh-1"]._replace(issuer="Đảng ủy\x1fxã")
    assert not doc_maps.save(tmp_path, fields, pid_doc)
    assert not (tmp_path / doc_maps.FILE).exists() and not list(tmp_path.glob("*.tmp"))


def test_no_document_and_one_document_round_trip(tmp_path):
    assert doc_maps.save(tmp_path, {}, PassageDocs.from_runs([]))
    fields, pid_doc = doc_maps.load(tmp_path)
    assert fields == {} and dict(pid_doc) == {}
    one = {"kh-1": doc_maps.DocFields("Kế hoạch", "Đảng ủy xã", "2025-03-01", "1-KH/ĐU")}
    assert doc_maps.save(tmp_path, one, PassageDocs.from_runs([("kh-1", 7, 9)]))
    fields, pid_doc = doc_maps.load(tmp_path)
    assert fields == one and dict(pid_doc) == {7: "kh-1", 8: "kh-1", 9: "kh-1"}


def test_a_null_field_or_a_passage_without_its_document_is_not_saved(tmp_path):
    one = {"kh-1": doc_maps.DocFields("Kế hoạch", None, "2025-03-01", "1-KH/ĐU")}  # an old store's NULL
    assert not doc_maps.save(tmp_path, one, PassageDocs.from_runs([("kh-1", 1, 3)]))
    one = {"kh-1": doc_maps.DocFields("Kế hoạch", "Đảng ủy xã", "2025-03-01", "1-KH/ĐU")}
    assert not doc_maps.save(tmp_path, one, PassageDocs.from_runs([("kh-2", 1, 3)]))
    assert not (tmp_path / doc_maps.FILE).exists()
