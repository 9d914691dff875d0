"""Every third-party package the code imports directly is declared in pyproject.toml.

A package that only arrives as a dependency of another one can vanish with that one's next
release; `pip install -e .` on a fresh machine would then build a portal that fails at import.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"contracts", "kommune", "pipelines", "publish", "site_templates", "tools", "benchmarks", "tests"}
#: What the portal itself runs: it may only import `[project] dependencies`.
RUNTIME = ("contracts", "kommune", "pipelines", "publish")
#: Developer scripts and measurements may also use the optional extras (`test`, `bench`).
DEVELOPER = ("tools", "benchmarks")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return _normal(match.group(0))


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_requirement_name(r) for r in project["dependencies"]}
    extras = {_requirement_name(r) for group in project.get("optional-dependencies", {}).values() for r in group}
    return runtime, runtime | extras


def _local_modules(folder: Path) -> set[str]:
    """Scripts next to each other import their neighbours by bare name (tools/ is run as scripts)."""
    return {path.stem for path in folder.glob("*.py")}


def imported_modules(package: str) -> dict[str, list[str]]:
    """Top-level third-party module name -> the files (with line) that import it directly."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        neighbours = _local_modules(path.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY or top in neighbours or top == "__future__":
                    continue
                found.setdefault(top, []).append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


#: Import names of packages in an extra `make test` does not install whose distribution is
#: named otherwise (without the package installed, nothing maps one to the other).
DISTRIBUTION_OF_EXTRA = {"pdfminer": "pdfminer.six"}


def undeclared(packages: tuple[str, ...], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, places in sorted(imported_modules_of(packages).items()):
        # An extra that `make test` does not install (bench: duckdb) is known by its own name only,
        # or by the distribution name it is published under where that differs.
        not_installed = {_normal(module), _normal(DISTRIBUTION_OF_EXTRA.get(module, module))}
        provided_by = {_normal(d) for d in distributions.get(module, [])} or not_installed & declared
        if not provided_by:
            problems.append(f"{module} (imported in {places[0]}) is not installed by any declared package")
        elif not provided_by & declared:
            problems.append(
                f"{module} (imported in {places[0]}) comes from {', '.join(sorted(provided_by))}, "
                "which pyproject.toml does not declare"
            )
    return problems


def imported_modules_of(packages: tuple[str, ...]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for package in packages:
        for module, places in imported_modules(package).items():
            merged.setdefault(module, []).extend(places)
    return merged


def test_the_portal_imports_only_its_declared_dependencies():
    runtime, _ = _declared()
    assert undeclared(RUNTIME, runtime) == []


def test_tools_and_benchmarks_import_only_declared_packages_or_extras():
    _, everything = _declared()
    assert undeclared(DEVELOPER, everything) == []


def test_the_scan_sees_imports_inside_functions(tmp_path, monkeypatch):
    """Late imports (inside a function, under TYPE_CHECKING) count like top-level ones."""
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "late.py").write_text(
        "import os\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n"
        "def f():\n    from markdown_it import MarkdownIt\n    import numpy.linalg\n    from . import sibling\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert set(imported_modules("demo")) == {"yaml", "markdown_it", "numpy"}
