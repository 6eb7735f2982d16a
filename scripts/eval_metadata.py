"""Per-field accuracy of the metadata parser on a labelled set of real documents.

    .venv/bin/python scripts/eval_metadata.py [FOLDER] [--json] [--search]

FOLDER holds the files and a `labels.jsonl` (one line per file: file, source, level ("party" or
"state"), type, number, date, issuer, signer, title; default tests/data/real_docs). Accuracy is
printed for the whole set and for each level. Every file goes through the real
pipeline (`ingest.parse_file`) and each field is compared with its label:

- type, issuer, signer: case, tone-mark style, dashes and whitespace ignored;
- number: spaces and case ignored ("773 /QĐ-TTg" == "773/QĐ-TTg");
- date: ISO, exact;
- title: the full trích yếu (the parser's `subject`; a news item's headline, `title`), case,
  whitespace, dashes and trailing punctuation ignored.

A label of "" means the field is not in the file: the parser must then leave it empty too (a date
borrowed from a document a news item discusses is a miss). `--search` also loads the folder into
a throw-away Library and filters by each labelled number (`vankien search --number`), printing
how many numbers find their document.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_file  # noqa: E402
from ingest.records import IngestError  # noqa: E402
from vntext.normalize import normalize_query  # noqa: E402

FIELDS = ("type", "number", "date", "issuer", "signer", "title")
DEFAULT_FOLDER = ROOT / "tests" / "data" / "real_docs"
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


def _text_key(value: str) -> str:
    text = normalize_query(unicodedata.normalize("NFC", value or "")).translate(_DASHES)
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.casefold().split()).strip(" .;:,")


def _number_key(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", value or "").translate(_DASHES)).upper()


def field_key(field: str, value: str) -> str:
    """The form two values of `field` are compared in."""
    if field == "number":
        return _number_key(value)
    if field == "date":
        return (value or "").strip()
    return _text_key(value)


def predicted(meta) -> dict[str, str]:
    """The parser's value for each labelled field."""
    news = meta.doc_type in ("Tin bài", "Bản tin")
    return {
        "type": meta.doc_type,
        "number": meta.number,
        "date": meta.date,
        "issuer": meta.issuer,
        "signer": meta.signer,
        "title": meta.title if news or not meta.subject else meta.subject,
    }


def load_labels(folder: Path) -> list[dict]:
    with open(Path(folder) / "labels.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(folder: Path = DEFAULT_FOLDER) -> dict:
    """{"files": n, "accuracy": {field: share}, "levels": {level: {"files", "accuracy"}}, "misses",
    "errors"} for the folder."""
    folder = Path(folder)
    labels = load_labels(folder)
    right = dict.fromkeys(FIELDS, 0)
    by_level: dict[str, dict] = {}
    misses: list[dict] = []
    errors: list[dict] = []
    for label in labels:
        path = folder / label["file"]
        try:
            doc = parse_file(path)
        except IngestError as exc:
            errors.append({"file": label["file"], "reason": exc.reason})
            for field in FIELDS:
                misses.append({"file": label["file"], "field": field, "want": label.get(field, ""), "got": None})
            continue
        got = predicted(doc.metadata)
        level = by_level.setdefault(label.get("level", ""), {"files": 0, "right": dict.fromkeys(FIELDS, 0)})
        level["files"] += 1
        for field in FIELDS:
            want = label.get(field, "")
            if field_key(field, want) == field_key(field, got[field]):
                right[field] += 1
                level["right"][field] += 1
            else:
                misses.append({"file": label["file"], "field": field, "want": want, "got": got[field]})
    n = len(labels)
    accuracy = {field: (right[field] / n if n else 0.0) for field in FIELDS}
    levels = {name: {"files": v["files"], "accuracy": {f: v["right"][f] / v["files"] for f in FIELDS}}
              for name, v in sorted(by_level.items())}  # a file that failed to parse counts in no level
    return {"files": n, "accuracy": accuracy, "levels": levels, "misses": misses, "errors": errors}


def _variants(number: str) -> list[str]:
    """The labelled number and the ways people type it: lower case, spaced, the other style."""
    swapped = re.sub(r"^(\d+)-([^/]+)/(.+)$", r"\1/\2-\3", number)
    if swapped == number:
        swapped = re.sub(r"^(\d+)/([^/\d-]+)-(.+)$", r"\1-\2/\3", number)
    return list(dict.fromkeys([number, number.lower(), re.sub(r"[-/]", " ", number), swapped]))


def search_by_number(folder: Path = DEFAULT_FOLDER, encoder=None) -> dict:
    """Load the folder into a throw-away Library and filter by each labelled number (and the ways
    people type it), as `vankien search --number` does: {"numbers", "found", "missing", ...}.
    `encoder`: another encoder than the index default (tests pass a fast one; the filter is the same)."""
    import tempfile

    from index.library import Library
    from index.records import SearchFilters

    labels = [label for label in load_labels(folder) if label.get("number")]
    tried = found = 0
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as home:
        library = Library.open(Path(home), encoder=encoder)
        report = library.ingest([Path(folder) / label["file"] for label in labels])
        doc_of = {Path(o.path).name: o.doc_id for o in report.outcomes}
        for label in labels:
            for typed in _variants(label["number"]):
                tried += 1
                hits = library.search(typed, 5, SearchFilters(number=typed))
                if any(h.doc_id == doc_of.get(label["file"]) for h in hits):
                    found += 1
                else:
                    missing.append(f"{typed} ({label['file']})")
    return {"numbers": len(labels), "tried": tried, "found": found, "missing": missing}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--search", action="store_true", help="also filter a fresh index by each labelled number")
    args = ap.parse_args(argv)
    result = evaluate(Path(args.folder))
    if args.search:
        result["search"] = search_by_number(Path(args.folder))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['files']} tệp có nhãn trong {args.folder}")
    names = list(result["levels"])
    print(f"  {'':<7} {'tất cả':>7}" + "".join(f" {n + ' (' + str(v['files']) + ')':>12}" for n, v in result["levels"].items()))
    for field in FIELDS:
        print(f"  {field:<7} {result['accuracy'][field]:7.1%}"
              + "".join(f" {result['levels'][n]['accuracy'][field]:12.1%}" for n in names))
    overall = sum(result["accuracy"].values()) / len(FIELDS)
    print(f"  {'mean':<7} {overall:7.1%}" + "".join(
        f" {sum(result['levels'][n]['accuracy'].values()) / len(FIELDS):12.1%}" for n in names))
    for err in result["errors"]:
        print(f"LỖI {err['file']}: {err['reason']}")
    if result["misses"]:
        print("Sai:")
    for miss in result["misses"]:
        print(f"  {miss['file']} [{miss['field']}] cần {miss['want']!r}, được {miss['got']!r}")
    if args.search:
        s = result["search"]
        print(f"Lọc theo số (--number): {s['found']}/{s['tried']} cách gõ của {s['numbers']} số tìm ra văn bản")
        for miss in s["missing"]:
            print(f"  không ra: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
