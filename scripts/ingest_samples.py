"""Parse every file of the real official samples and say what became of each:
`python scripts/ingest_samples.py [FOLDER ...]` (default ../shared/eval/official_docs_samples).

One line per file: name, format found, pages (PDF) / passages, seconds, and the outcome:
  đọc được          parsed, passages made;
  đọc được, chú ý   parsed, with a note (damaged pages skipped, pages read by OCR ...);
  lỗi: <lý do>      refused, with the reason the user would see.
Then the counts of each outcome. Parsing only (no index, no encoder): what `vankien parse` does.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "eval" / "official_docs_samples"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=[DEFAULT])
    args = ap.parse_args(argv)

    from index.files import walk as _walk
    from ingest import parse_file
    from ingest.records import IngestError

    files = _walk(args.folders)
    if not files:
        print(f"Không có tệp nào trong {', '.join(map(str, args.folders))}", file=sys.stderr)
        return 2
    counts: Counter = Counter()
    print(f"{'tệp':<58} {'định dạng':<9} {'trang':>5} {'đoạn':>5} {'giây':>6}  kết quả")
    for path in files:
        started = time.perf_counter()
        try:
            doc = parse_file(path)
        except IngestError as exc:
            outcome, fmt, pages, passages = f"lỗi: {exc.reason}", "-", "-", "-"
            counts["lỗi"] += 1
        else:
            fmt, pages, passages = doc.source_format, len(doc.page_starts) or "-", len(doc.passages)
            if doc.notes:
                outcome = "đọc được, chú ý: " + "; ".join(doc.notes)
                counts["đọc được, chú ý"] += 1
            else:
                outcome = "đọc được"
                counts["đọc được"] += 1
        seconds = time.perf_counter() - started
        name = path.name if len(path.name) <= 56 else path.name[:55] + "…"
        print(f"{name:<58} {fmt:<9} {pages:>5} {passages:>5} {seconds:>6.1f}  {outcome}", flush=True)
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f" (tổng {len(files)} tệp)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
