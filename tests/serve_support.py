"""`vankien serve` in a child process for the HTTP and browser tests: started on a free port, waited
for until its page answers, stopped afterwards; its output is kept in a log shown on failure."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser_support import free_port

ROOT = Path(__file__).resolve().parents[1]
# No login and no language model from the developer's own shell leak into a test server.
CLEAN_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "VANKIEN_USER": "", "VANKIEN_PASSWORD": "", "VANKIEN_LLM_URL": ""}


@contextmanager
def serve(index: Path, log_path: Path, *args: str, python_args: tuple[str, ...] = ("-m", "vankien.cli.main"),
          env: dict | None = None, timeout: float = 180):
    """Yields the server's base URL ("http://127.0.0.1:PORT/")."""
    port = free_port()
    log = open(log_path, "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, *python_args, "serve", "--index", str(index), "--port", str(port), *args],
        cwd=ROOT, env={**os.environ, **CLEAN_ENV, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"vankien serve dừng với mã {proc.returncode}:\n{log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"vankien serve không trả lời sau {timeout:.0f} giây:\n{log.read()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
