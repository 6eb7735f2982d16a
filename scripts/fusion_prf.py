"""Keyword-side pseudo-relevance feedback, tried for issue 13 and dropped (docs/quality.md): the
query's BM25 scores plus lam x the BM25 scores of 10 expansion syllables (tf x idf over the first 3
keyword passages), alone and z-fused with the dense rankings of scripts/fusion_dump.py.

    python scripts/fusion_prf.py DUMP_DIR ../shared/eval/uit_regwiki ../shared/eval/vinewsqa ../shared/eval/alqac
"""
from __future__ import annotations

import collections
import math
import pickle
import re
import sys
from pathlib import Path

import numpy as np

from index.fusion import zscore_fusion
from vntext.normalize import normalize_query
from vankien.evaluation.app_systems import AppConfig, AppIndex
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import NullEncoder, default_cache_path

sys.path.insert(0, str(Path(__file__).parent))
from fusion_lab import first_docs, ndcg, recall  # noqa: E402


def main(dump: Path, folders: list[str]) -> None:
    for folder in folders:
        ds = load_beir(Path(folder))
        dd = pickle.loads((dump / f"{ds.name}.pkl").read_bytes())
        app = AppIndex(NullEncoder(), AppConfig(), None, default_cache_path().parent.parent / "parsed")
        app.build(ds.corpus)  # keyword side only; same passages, same ids as the dump
        if dict(app.lib._pid_doc) != dd["doc_of"]:
            raise SystemExit("passage ids differ from the dump's: dump again with this code")
        rows = app.lib.passage_rows(list(dd["doc_of"]))
        syl = {p: re.findall(r"\w+", r.text.lower()) for p, r in rows.items()}
        df = collections.Counter(w for ws in syl.values() for w in set(ws))
        kw = app.lib._keyword
        scored = []
        for row in dd["rows"]:
            q = normalize_query(row[1])
            qs = set(re.findall(r"\w+", q.lower()))
            tf = collections.Counter(w for p, _ in row[2][:3] for w in syl[p] if w not in qs and not w.isdigit())
            terms = sorted(tf, key=lambda w: -tf[w] * math.log(1 + len(syl) / df[w]))[:10]
            base = kw.scores(q).astype(float)
            scored.append((row, base, kw.scores(" ".join(terms)).astype(float) if terms else 0 * base))
        for lam in (0.0, 0.1, 0.2, 0.4):
            cells = []
            for fused in (False, True):
                for part in ("tune", "check"):
                    ids = set(dd["split"][part])
                    n, r = [], []
                    for row, base, exp in scored:
                        if row[0] not in ids or row[0] not in dd["qrels"]:
                            continue
                        total = base + lam * exp
                        top = np.argsort(-total, kind="stable")[:100]
                        kwl = [(int(kw.pids[i]), float(total[i])) for i in top if total[i] > 0]
                        pids = [p for p, _ in zscore_fusion([kwl, row[3]], [0.7, 0.3], 0.5, 5.0, 5)] if fused \
                            else [p for p, _ in kwl]
                        ranking = first_docs(pids, dd["doc_of"], row[4])
                        n.append(ndcg(ranking, dd["qrels"][row[0]]))
                        r.append(recall(ranking, dd["qrels"][row[0]]))
                    cells.append(f"{'hybrid' if fused else 'keyword'} {part} {np.mean(n):.3f} ({np.mean(r):.3f})")
            print(f"{ds.name} PRF {lam}: " + "  ".join(cells), flush=True)
        app.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
