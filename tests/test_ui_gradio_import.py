"""vankien.ui makes `import gradio` skip Gradio's type-stub regeneration (half of the UI's cold start)."""
import subprocess
import sys

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import sys, time
import vankien.ui
import gradio
from gradio import component_meta, blocks_events
assert component_meta.create_or_modify_pyi is vankien.ui._no_stub, component_meta.create_or_modify_pyi
assert blocks_events.create_or_modify_pyi is vankien.ui._no_stub  # it imports the name itself
assert not any(type(f).__name__ == "_SkipStubGeneration" for f in sys.meta_path)  # used once, then gone
with gradio.Blocks() as demo:  # components still build and carry their events
    box = gradio.Textbox(elem_id="q")
    box.submit(lambda s: s, box, box)
assert demo.config["components"] and demo.fns
print("ok")
"""


def test_gradio_loads_without_regenerating_its_stubs():
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_too_late_when_gradio_is_already_imported():
    code = ("import gradio, sys\nfrom gradio import component_meta\nimport vankien.ui\n"
            "assert component_meta.create_or_modify_pyi is not vankien.ui._no_stub\n"
            "assert not any(type(f).__name__ == '_SkipStubGeneration' for f in sys.meta_path)\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
