"""The import graph has no cycles and no upward arrows (scripts/check_imports.py), and the checker
itself sees both when they are there."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_imports.py"


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), "--root", str(root)], capture_output=True, text=True)


def test_product_imports_have_no_cycles_and_no_upward_arrows():
    done = _run(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 cycles, 0 upward imports" in done.stdout


def test_checker_reports_a_cycle_and_an_upward_import(tmp_path):
    for pkg in ("vntext", "ingest", "models", "index", "vankien", "vankien/ui", "vankien/cli"):
        (tmp_path / pkg).mkdir(parents=True, exist_ok=True)
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "ingest" / "formats.py").write_text("from ingest.pdf import extract_pdf\n")
    (tmp_path / "ingest" / "pdf.py").write_text("def f():\n    from ingest import formats\n")
    (tmp_path / "vntext" / "normalize.py").write_text("import index.store\n")
    (tmp_path / "index" / "store.py").write_text("import vntext.normalize\n")
    (tmp_path / "app.py").write_text("from vankien.cli import main\n")
    done = _run(tmp_path)
    assert done.returncode == 1
    assert "cycle: ingest.formats <-> ingest.pdf" in done.stdout
    assert "cycle: index.store <-> vntext.normalize" in done.stdout
    assert "upward: vntext.normalize (layer 0) imports index.store (layer 2)" in done.stdout
    assert "upward: app (layer 6) imports vankien.cli (layer 7)" in done.stdout
