"""Fill the embedding cache with query and whole-document embeddings of BEIR folders, in the
background, so that `vankien eval` itself runs warm; with --passages, the app's passages instead
(parsed with ingest.parse_text, parses cached too).

    python scripts/eval_prewarm.py ../shared/eval/uit_regwiki ../shared/eval/alqac ...
    python scripts/eval_prewarm.py --passages ../shared/eval/vinewsqa
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from vankien.evaluation.baselines import whole_doc_text
from vankien.evaluation.beir import load_beir
from vankien.evaluation.encoders import EvalEncoder


def main(folders: list[str]) -> None:
    enc = EvalEncoder()
    if folders and folders[0] == "--passages":
        from vankien.evaluation.app_systems import parse_corpus
        from vankien.evaluation.encoders import default_cache_path

        for folder in folders[1:]:
            ds = load_beir(Path(folder))
            t0 = time.time()
            docs = parse_corpus(ds.corpus, None, default_cache_path().parent.parent / "parsed", print)
            print(f"{ds.name}: parsed {time.time() - t0:.0f}s", flush=True)
            enc.progress = lambda d, n: print(f"{ds.name} passages {d}/{n} {time.time() - t0:.0f}s", flush=True)
            enc.encode_passages([p.text for d in docs for p in d.passages])
            print(f"{ds.name}: passages done {time.time() - t0:.0f}s", flush=True)
        return
    for folder in folders:
        ds = load_beir(Path(folder))
        t0 = time.time()
        enc.progress = lambda d, n: print(f"{ds.name} {d}/{n} {time.time() - t0:.0f}s", flush=True)
        enc.encode_queries([q.text for q in ds.queries])
        print(f"{ds.name}: queries done {time.time() - t0:.0f}s", flush=True)
        enc.encode_passages([whole_doc_text(d) for d in ds.corpus])
        print(f"{ds.name}: whole docs done {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
