"""What every real-browser test shares: Debian's Chromium, its flags, and the CI rule.

Without Chromium a browser test skips, except under CI (CI=true), where it fails: CI must never
pass without having run the browser.
"""
from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# --disable-background-networking & co.: this machine's network is closed, and Chromium's own
# background connections would otherwise be refused many at a time.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} không có (cài bằng: bash scripts/ensure_test_packages.sh)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "thiếu gói playwright (pip install -e '.[test]')"
    if problem:
        if in_ci():
            pytest.fail(f"CI=true nhưng không chạy được kiểm thử trình duyệt: {problem}")
        pytest.skip(problem)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def chromium_browser():
    """The system Chromium under Playwright (its own browser download fails here), closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
