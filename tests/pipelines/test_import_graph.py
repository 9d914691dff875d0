"""The parts of pipelines/ depend on each other in one direction: no import cycle between its
subpackages and top-level modules, counting imports inside functions too (a late import is
how a cycle hides). pipelines.config holds the declaration models, pipelines.kinds builds on
them, pipelines.declarations loads a portal with both."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _modules(package: str) -> dict[str, Path]:
    modules = {}
    for path in (REPO / package).rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _part(module: str) -> str:
    """`pipelines.kinds.tabular` → `pipelines.kinds`: the unit whose dependencies must not circle."""
    return ".".join(module.split(".")[:2])


def part_graph(package: str) -> dict[str, set[str]]:
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name in modules and _part(name) != _part(module):
                    graph.setdefault(_part(module), set()).add(_part(name))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_the_parts_of_pipelines():
    graph = part_graph("pipelines")
    assert "pipelines.kinds" in graph["pipelines.declarations"]  # the graph sees real imports
    assert cycles(graph) == []
    assert "pipelines.kinds" not in graph.get("pipelines.config", set())


def test_config_and_kinds_import_alone_in_a_fresh_interpreter():
    for module in (
        "pipelines.config",
        "pipelines.config.dataset",
        "pipelines.kinds",
        "pipelines.kinds.contract",
        "pipelines.declarations",
    ):
        result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 0, (module, result.stderr)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.config; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout
    assert "pipelines.kinds" not in loaded
