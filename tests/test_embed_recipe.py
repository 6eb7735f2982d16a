"""The embedding recipe (index/recipe.py): what the encoder reads for a passage, recorded in the
index's manifest; an index built with another recipe asks to be rebuilt."""
import json

import pytest

from index.library import IndexMismatchError, Library
from index.recipe import LEGACY_RECIPE, document_texts, embedded_text
from index.settings import RetrievalSettings
from ingest import parse_text
from tests.index_support import one_file_index


def test_title_and_heading_path_go_before_the_passage():
    text = "Chi bộ sinh hoạt định kỳ mỗi tháng một lần."
    assert embedded_text(text, "Hướng dẫn 12-HD/BTCTW", ("II. NỘI DUNG", "1. Sinh hoạt"), "title+path+passage") == (
        "Hướng dẫn 12-HD/BTCTW\nII. NỘI DUNG > 1. Sinh hoạt\n" + text)
    assert embedded_text(text, "Hướng dẫn", (), "passage") == text
    # what the passage already starts with is not repeated; nothing to add: the text alone
    assert embedded_text("Điều 5. Quyền của đảng viên", "Điều 5. Quyền của đảng viên") == "Điều 5. Quyền của đảng viên"
    assert embedded_text(text) == text
    with pytest.raises(ValueError, match="công thức"):
        embedded_text(text, recipe="title-only")


def test_document_texts_of_a_parsed_document():
    doc = parse_text("I. MỤC ĐÍCH\n\nNâng cao chất lượng sinh hoạt chi bộ trong toàn Đảng bộ tỉnh.",
                     "kh-1", source_format="text", title="Kế hoạch sinh hoạt chi bộ")
    texts = document_texts(doc, "title+path+passage")
    assert len(texts) == len(doc.passages)
    assert all(t.startswith("Kế hoạch sinh hoạt chi bộ\n") and t.endswith(p.text) for t, p in zip(texts, doc.passages))
    assert document_texts(doc, "passage") == [p.text for p in doc.passages]


def test_recipe_recorded_and_another_recipe_asks_rebuild(tmp_path):
    _, manifest, data = one_file_index(tmp_path, "Chi bộ sinh hoạt định kỳ hằng tháng.")
    assert data["retrieval"]["embed_recipe"] == RetrievalSettings().embed_recipe
    other = next(r for r in ("passage", "title+path+passage") if r != RetrievalSettings().embed_recipe)
    with pytest.raises(IndexMismatchError, match="vankien ingest") as err:
        Library.open(tmp_path / "idx", retrieval=RetrievalSettings(embed_recipe=other))
    assert other in str(err.value)
    # an index from before recipes were recorded was built from the passage text alone
    del data["retrieval"]["embed_recipe"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    Library.open(tmp_path / "idx", retrieval=RetrievalSettings(embed_recipe=LEGACY_RECIPE)).close()
    if RetrievalSettings().embed_recipe != LEGACY_RECIPE:
        with pytest.raises(IndexMismatchError):
            Library.open(tmp_path / "idx")
