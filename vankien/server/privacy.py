"""What the web server keeps and sends: nothing about queries or answers beyond the index, and
nothing off this machine.

Gradio 6 would otherwise (a) record every run, each query and answer with its excerpts, in the
browser's localStorage and list it at /gradio_api/runs, offering to save runs to a Hugging Face
bucket; (b) send usage statistics; (c) keep a record of the last 10,000 events (function, time,
session) for its /monitoring page and summarise them with pandas after every event. launch()
turns (a) and the monitoring page off (app.launch: run_history=False, enable_monitoring=False);
the environment below, set before gradio is imported, does the rest, and also stops the Hugging
Face libraries from trying the Hub. `apply()` overrides what the shell set: these are promises of
the product ("không cần Internet"), not preferences.
"""
from __future__ import annotations

import os
from typing import MutableMapping

ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",  # no usage statistics
    "GRADIO_RUN_HISTORY": "False",  # no run history, also where launch() is called without it
    "HF_HUB_OFFLINE": "1",  # huggingface_hub (models, run-history buckets): no requests at all
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "DO_NOT_TRACK": "1",
    # the queue's per-event records: one kept, and their pandas summary (rebuilt from every kept
    # record after every event, so it grows slower as records pile up) every 10^9 events only;
    # the monitoring page that reads them is off
    "GRADIO_ANALYTICS_MAX_EVENTS": "1",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000000000",
}


def apply(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set ENVIRONMENT; call before the first `import gradio` of the process."""
    environ.update(ENVIRONMENT)
