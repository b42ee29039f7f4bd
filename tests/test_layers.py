"""The package's folders are its layers, and imports only run down them.

Each folder of ``analytics/`` is one layer; a module may import modules of its own layer or
of a lower one, never of a higher one, and no set of modules imports itself round in a
circle. Imports inside functions and under ``TYPE_CHECKING`` count too: an import moved into
a function to dodge a circle is still the circle. The package's face (``analytics/__init__``,
``__main__``) sits above every layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analytics"

#: from the bottom up
LAYERS = ("base", "load", "stats", "rules", "checks", "gate", "present", "synthetic", "apps")
FACE = {"analytics", "analytics.__main__"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    if name in FACE:
        return len(LAYERS)
    return LAYERS.index(name.split(".")[1])


def test_every_module_lives_in_a_layer():
    outside = [name for name in MODULES if name not in FACE and name.split(".")[1] not in LAYERS]
    assert not outside, f"modules outside the layer folders {LAYERS}: {outside}"


def test_no_import_runs_up_the_layers():
    upward = sorted(f"{name} ({LAYERS[layer(name)]}) imports {target} ({LAYERS[layer(target)]})"
                    for name, targets in GRAPH.items() if name not in FACE
                    for target in targets if target not in FACE and layer(target) > layer(name))
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself (Tarjan)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_circle_of_imports():
    # a package's __init__ that re-exports its own modules is not a circle of meaning; it is
    # left out as an importer of its own submodules
    graph = {name: {t for t in targets if not (MODULES[name].name == "__init__.py" and t.startswith(name + "."))}
             for name, targets in GRAPH.items()}
    assert _circles(graph) == []


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_the_circle_finder_finds_circles(graph, expected):
    assert _circles(graph) == expected


def test_loading_a_folder_runs_no_rule_and_no_check():
    reached, todo = set(), ["analytics.load.festival"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(GRAPH[name])
    assert not {name for name in reached if name.split(".")[1] in ("rules", "checks", "gate")}
