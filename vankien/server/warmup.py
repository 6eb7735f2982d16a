"""Loading at server start what the first search and the first question would otherwise load.

Measured on the sample corpus before this (2 cores): the first `ask` after start took 10-18 s, of
which ~15 s was `import underthesea` (its package imports its translation pipeline, and with it
transformers and torch where they are installed) and the rest the encoder's model. Here the
sentence splitter is imported without the pipelines Văn kiện never uses (1.7 s), then one search
and one question (without the language model) run through the same code the web page calls, in a
background thread, so the page is up meanwhile.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

# underthesea's package __init__ imports these optional pipelines eagerly; none is used here.
UNUSED_UNDERTHESEA = ("underthesea.pipeline.translate", "underthesea.pipeline.classification",
                      "underthesea.pipeline.sentiment", "underthesea.pipeline.lang_detect",
                      "underthesea.pipeline.dependency_parse", "underthesea.agent", "underthesea.address")
WARM_QUERY = "sinh hoạt chi bộ"
WARM_QUESTION = "Chi bộ sinh hoạt vào ngày nào hằng tháng?"


def import_underthesea_light() -> None:
    """Import underthesea (segmentation, sentence splitting) without its unused heavy pipelines.
    Afterwards those stay importable by name for anyone who does want them."""
    if "underthesea" in sys.modules:
        return
    blocked = [name for name in UNUSED_UNDERTHESEA if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # `import` of a None entry raises ImportError at once
    try:
        import underthesea  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def warm_up(library: Any, log: Callable[[str], None] | None = None) -> None:
    """Load the sentence splitter and the encoder, then run one search and one question."""
    t0 = time.perf_counter()
    import_underthesea_light()
    from underthesea import sent_tokenize

    sent_tokenize("Chi bộ họp thường kỳ. Đảng viên dự đầy đủ.")
    library.encoder.encode_query(WARM_QUERY)
    library.search(WARM_QUERY, k=10)
    from vankien.services.answers import AnswerService

    AnswerService(library).ask(WARM_QUESTION, use_llm=False)
    if log:
        log(f"Đã nạp sẵn mô hình ({time.perf_counter() - t0:.1f} s).")


def start_warm_up(library: Any, log: Callable[[str], None] | None = None) -> threading.Thread:
    """warm_up in a daemon thread; a failure is reported and changes nothing else."""
    def run() -> None:
        try:
            warm_up(library, log)
        except Exception as exc:  # the server works without it, only the first request is slower
            print(f"Không nạp sẵn được mô hình: {exc!r}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=run, name="vankien-warmup", daemon=True)
    thread.start()
    return thread
