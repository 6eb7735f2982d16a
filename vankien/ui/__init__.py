"""The Gradio interface: tabs and every piece of HTML the user sees.

Importing this package first makes `import gradio` about 2 s cheaper (3.7 → 1.7 s here, half of the
UI's cold start): at every import Gradio regenerates the type stubs (.pyi files in its own install
folder) of each of its ~60 components, reading and parsing each component's source with `ast`.
The stubs are for editors; a running server never reads them. So the hook below lets
gradio.component_meta load as usual and then swaps its stub writer for a function that does
nothing. If a later Gradio moves or renames the writer, the hook changes nothing.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys

_STUB_MODULE = "gradio.component_meta"


def _no_stub(*_args, **_kwargs) -> None:
    return None


class _SkipStubGeneration(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != _STUB_MODULE:
            return None
        sys.meta_path.remove(self)  # one use; find the real module the usual way
        spec = importlib.util.find_spec(name)
        loader = getattr(spec, "loader", None)
        load = getattr(loader, "exec_module", None)
        if load is None:
            return spec

        def exec_module(module) -> None:
            load(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = _no_stub

        loader.exec_module = exec_module
        return spec


def skip_gradio_stub_generation() -> None:
    """Install the hook, if gradio is not imported yet in this process (then it is too late)."""
    if _STUB_MODULE not in sys.modules and not any(isinstance(f, _SkipStubGeneration) for f in sys.meta_path):
        sys.meta_path.insert(0, _SkipStubGeneration())


skip_gradio_stub_generation()
