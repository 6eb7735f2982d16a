"""The labelled set of real documents (tests/data/real_docs) parsed by the real pipeline: per-field
accuracy stays at or above 95 %, so a regression on real layouts fails here."""
import importlib.util
import json
from pathlib import Path

import pytest
from tests.index_fixtures import RandomEncoder as _FakeEncoder

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "data" / "real_docs"


def _script():
    spec = importlib.util.spec_from_file_location("eval_metadata", ROOT / "scripts" / "eval_metadata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result():
    return _script().evaluate(FOLDER)


def test_labels_name_real_files_with_their_sources():
    labels = [json.loads(line) for line in (FOLDER / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert len(labels) >= 25
    assert sum(label["level"] == "party" for label in labels) >= 5  # real Party documents, not only State ones
    for label in labels:
        assert (FOLDER / label["file"]).is_file(), label["file"]
        assert {"repo", "path", "commit"} <= set(label["source"]) and len(label["source"]["commit"]) == 40
        assert {"type", "number", "date", "issuer", "signer", "title"} <= set(label)


# The accuracy reached on this set (scripts/eval_metadata.py): a change that loses one field of one
# file fails here.
REACHED = {"type": 1.0, "number": 1.0, "date": 1.0, "issuer": 1.0, "signer": 1.0, "title": 1.0}


def test_per_field_accuracy_at_least_95_percent(result):
    assert not result["errors"], result["errors"]
    low = {f: a for f, a in result["accuracy"].items() if a < 0.95}
    assert not low, (low, result["misses"])


def test_per_field_accuracy_does_not_fall_below_what_was_reached(result):
    low = {f: a for f, a in result["accuracy"].items() if a < REACHED[f] - 1e-9}
    assert not low, (low, result["misses"])


def test_each_level_at_least_95_percent(result):
    # Party and State documents are laid out differently (Hướng dẫn 36-HD/VPTW vs Nghị định 30): a
    # level whose fields fall is not hidden by the other's
    assert {"party", "state", "news"} <= set(result["levels"])
    low = {(lvl, f): a for lvl, v in result["levels"].items() for f, a in v["accuracy"].items() if a < 0.95}
    assert not low, (low, result["misses"])


def test_script_prints_the_figures(capsys):
    assert _script().main([str(FOLDER)]) == 0
    out = capsys.readouterr().out
    for field in ("type", "number", "date", "issuer", "signer", "title"):
        assert field in out
    assert "party (" in out and "state (" in out


def test_number_filter_finds_every_labelled_document_however_the_number_is_typed():
    # issue 12: `--number` found five of nine real numbers just loaded; here every labelled number,
    # typed as printed, lower case, spaced and in the other style ("834-VBHN/BLĐTBXH").
    s = _script().search_by_number(FOLDER, encoder=_FakeEncoder())
    assert s["numbers"] >= 19 and s["found"] == s["tried"], s["missing"]
