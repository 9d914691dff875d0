"""Each rule `pipelines/` and `publish/` share is defined once, in `contracts/`: this test fails
when a second definition appears anywhere else in the code (not in tests), so the rule stays.

It reads the source with `ast` (not text search), so comments and docstrings may still talk
about the rules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = ("pipelines", "publish", "kommune", "tools", "benchmarks", "contracts")

GERMAN_FORMATTER = re.compile(
    r"^_?(german|format)_(number|date|datetime|time|period|measurement)s?$"
    r"|^_?short_period$|^_?file_size$"
)
BUILD_FILES = {
    "portal.json",
    "build-report.json",
    "portal.db",
    "datapackage.json",
    "report.json",
    "disclosure-audit.json",
}
RETRY_LIKE_STATUSES = {429, 502, 503, 504}
RETRY_COUNTER = re.compile(r"^_?(attempts?|retr(y|ies)|tries)$")
KPI_PLACEHOLDERS = {"target_date", "year_ago", "previous"}
ROADMAP_POINTS = {"keine", "niedrig", "substanziell", "hoch"}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "node_modules" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


MODULES = list(modules())


def found(rule: str, owner: str) -> list[str]:
    """`file:line what` for every place outside `owner` where `rule` is defined again."""
    places = []
    for name, tree in MODULES:
        if name == owner:
            continue
        hashed: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_call_to(node.value, "hashlib"):
                hashed |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            what = CHECKS[rule](node, hashed)
            if what:
                places.append(f"{name}:{getattr(node, 'lineno', '?')} {what}")
    return places


def _is_call_to(node: ast.AST, module: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == module
    )


def _constants(node: ast.AST) -> set:
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return {element.value for element in node.elts if isinstance(element, ast.Constant)}
    if isinstance(node, ast.Dict):
        return {key.value for key in node.keys if isinstance(key, ast.Constant)}
    return set()


def _calls_attribute(node: ast.AST, attribute: str, on: set[str] | None = None) -> bool:
    return any(
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == attribute
        and (on is None or isinstance(inner.func.value, ast.Name) and inner.func.value.id in on)
        for inner in ast.walk(node)
    )


def german_formatting(node: ast.AST, _: set[str]) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and GERMAN_FORMATTER.match(node.name):
        return f"def {node.name}"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "strftime"
        and any(isinstance(a, ast.Constant) and "%d.%m" in str(a.value) for a in node.args)
    ):
        return "strftime with a German date"
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        spec = "".join(str(part.value) for part in ast.walk(node.format_spec) if isinstance(part, ast.Constant))
        if "%d.%m" in spec:
            return "f-string with a German date"
    return None


def retry_loop(node: ast.AST, _: set[str]) -> str | None:
    if (
        isinstance(node, ast.For)
        and isinstance(node.target, ast.Name)
        and RETRY_COUNTER.match(node.target.id)
        and isinstance(node.iter, ast.Call)
        and isinstance(node.iter.func, ast.Name)
        and node.iter.func.id == "range"
    ):
        return f"for {node.target.id} in range(...)"
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and RETRY_COUNTER.match(node.target.id):
        return f"{node.target.id} += ..."
    imported = (
        [alias.name for alias in node.names]
        if isinstance(node, ast.Import)
        else [node.module or ""]
        if isinstance(node, ast.ImportFrom)
        else []
    )
    if any(name.split(".")[0] in ("tenacity", "stamina") for name in imported):
        return "a retry library used directly"
    if len(_constants(node) & RETRY_LIKE_STATUSES) >= 2:
        return "a set of retried HTTP statuses"
    return None


def file_hash(node: ast.AST, hashed: set[str]) -> str | None:
    if (
        isinstance(node, ast.For | ast.While)
        and _calls_attribute(node, "update", hashed)
        and _calls_attribute(node, "read")
    ):
        return "a loop hashing a file block by block"
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "file_digest"
        and isinstance(node.value, ast.Name)
        and node.value.id == "hashlib"
    ):
        return "hashlib.file_digest"
    return None


def build_file_names(node: ast.AST, _: set[str]) -> str | None:
    if isinstance(node, ast.Constant) and node.value in BUILD_FILES:
        return repr(node.value)
    return None


def package_hash_prefix(node: ast.AST, _: set[str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("sha256:"):
        return "the sha256: prefix of a package hash"
    return None


def kpi_placeholders(node: ast.AST, _: set[str]) -> str | None:
    return "the KPI sentence placeholders" if _constants(node) >= KPI_PLACEHOLDERS else None


def roadmap_defaults(node: ast.AST, _: set[str]) -> str | None:
    # a dict of points (the Literal type of the levels is a data-shaped table and may repeat)
    if isinstance(node, ast.Dict) and _constants(node) >= ROADMAP_POINTS:
        return "roadmap identification points"
    return None


def spreadsheet_triggers(node: ast.AST, _: set[str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"=\+|\[=\+|=\+-@", node.value):
        return "formula start characters"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and node.args
        and {"=", "+", "@"} <= _constants(node.args[0])
    ):
        return "formula start characters"
    return None


CHECKS = {
    "german_formatting": german_formatting,
    "retry_loop": retry_loop,
    "file_hash": file_hash,
    "build_file_names": build_file_names,
    "package_hash_prefix": package_hash_prefix,
    "kpi_placeholders": kpi_placeholders,
    "roadmap_defaults": roadmap_defaults,
    "spreadsheet_triggers": spreadsheet_triggers,
}
OWNERS = {
    "german_formatting": "contracts/german.py",
    "retry_loop": "contracts/retry.py",
    "file_hash": "contracts/files.py",
    "package_hash_prefix": "contracts/files.py",
    "build_file_names": "contracts/build_folder.py",
    "kpi_placeholders": "contracts/kpis.py",
    "roadmap_defaults": "contracts/roadmap.py",
    "spreadsheet_triggers": "contracts/spreadsheet.py",
}


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_a_shared_rule_is_defined_only_in_its_contract(rule):
    assert found(rule, OWNERS[rule]) == [], f"defined again outside {OWNERS[rule]}; import it from there"


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_each_check_finds_its_rule_in_the_contract_itself(rule):
    """The scan would see a copy: run over the owner it finds the definition there."""
    tree = next(tree for name, tree in MODULES if name == OWNERS[rule])
    hashed = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_call_to(node.value, "hashlib")
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert any(CHECKS[rule](node, hashed) for node in ast.walk(tree)), rule
