"""What the server does at start so the first and the fiftieth request cost less."""
import subprocess
import sys

SCRIPT = r"""
import sys
from vankien.server.warmup import remember_missing_matplotlib
had = "matplotlib" in sys.modules
recorded = remember_missing_matplotlib()
try:
    import matplotlib  # what Gradio does around every event
    found = True
except ImportError:
    found = False
print(recorded, found)
"""


def test_missing_matplotlib_is_recorded_once_and_an_installed_one_left_alone():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    import importlib.util

    installed = importlib.util.find_spec("matplotlib") is not None
    # installed: nothing recorded and it imports; missing: recorded, and importing it still fails
    assert out == (["False", "True"] if installed else ["True", "False"])
