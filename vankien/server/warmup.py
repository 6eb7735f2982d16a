"""Loading at server start what the first search and the first question would otherwise load.

Before this, the first `ask` after start took 9.9-13.5 s here (10-18 s in issue 17), most of it
`import underthesea`: its package __init__ imports its translation pipeline, and with it
transformers and torch where they are installed (15.6 s by python -X importtime; 1.7 s without the
pipelines Văn kiện never uses). Here the sentence splitter is imported without them, the encoder
loaded, and one search and one question (without the language model) run through the code the web
page calls, in a thread beside the building of the UI (vankien serve waits for it before the
server starts): 3.8-4.2 s, so the page opens warm (first question 0.10-0.22 s, scripts/load_test.py).
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


def remember_missing_matplotlib() -> bool:
    """Gradio imports matplotlib around every event (to switch its backend) and ignores the
    ImportError. Where matplotlib is not installed that failed import searches every folder on
    sys.path twice per search (~4 % of the server's busy time under 50 readers). Recording it as
    missing once makes each of those imports fail at once. Returns whether it was recorded."""
    import importlib.util

    if "matplotlib" in sys.modules or importlib.util.find_spec("matplotlib") is not None:
        return False
    sys.modules["matplotlib"] = None
    return True
