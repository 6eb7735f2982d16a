"""Check the product's import graph: no cycles, and no module imports a layer above its own.

Layers, bottom to top (a module may import its own layer and any below):

    vntext -> ingest, models -> index, vankien.auth -> vankien.answers
           -> vankien.services, vankien.evaluation -> vankien.ui, vankien.server -> app (the Gradio
           entry point) -> vankien.cli

Every `import` counts, including those inside functions (a lazy import is still a dependency).
Reads the source with `ast`, imports nothing. Prints the cycles and upward arrows found and exits
with 1 when there is any, 0 when the graph is clean.

    python scripts/check_imports.py [--root DIR] [--graph]
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGES = ("vntext", "ingest", "models", "index", "vankien")
ROOT_MODULES = ("app",)
LAYERS = {  # module prefix -> layer; the longest matching prefix wins
    "vntext": 0,
    "ingest": 1, "models": 1,
    "index": 2,
    "vankien.auth": 2,  # users, roles, login: nothing of the project above it
    "vankien": 3, "vankien.answers": 3,
    "vankien.services": 4, "vankien.evaluation": 4,
    "vankien.ui": 5, "vankien.server": 5,  # server: privacy and warm-up around the services
    "app": 6,
    "vankien.cli": 7,
}


def module_files(root: Path) -> dict[str, Path]:
    """Module name -> file, for every product module (packages by their __init__)."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    for name in ROOT_MODULES:
        if (root / f"{name}.py").is_file():
            out[name] = root / f"{name}.py"
    return out


def layer_of(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len, default=None)
    if best is None:
        raise SystemExit(f"{module}: no layer; add its package to LAYERS in {__file__}")
    return LAYERS[best]


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The product module an import names (the longest known prefix), None for outside ones."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import mod" names the submodule when there is one, else pkg itself
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                out.add(target)
    return out


def graph(root: Path) -> dict[str, set[str]]:
    modules = module_files(root)
    return {m: imports_of(m, p, modules) for m, p in modules.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(g):
        if start in index:
            continue
        work = [(start, iter(sorted(g[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(g.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out)


def upward(g: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in g.items() for b in targets if layer_of(b) > layer_of(a))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--graph", action="store_true", help="also print every module's imports")
    args = ap.parse_args(argv)
    g = graph(args.root)
    found_cycles, found_up = cycles(g), upward(g)
    if args.graph:
        for m in sorted(g):
            print(f"{m} (layer {layer_of(m)}) -> {', '.join(sorted(g[m])) or '-'}")
    print(f"{len(g)} modules, {sum(map(len, g.values()))} imports between them")
    for c in found_cycles:
        print("cycle: " + " <-> ".join(c))
    for a, b in found_up:
        print(f"upward: {a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)})")
    print(f"{len(found_cycles)} cycles, {len(found_up)} upward imports")
    return 1 if found_cycles or found_up else 0


if __name__ == "__main__":
    sys.exit(main())
