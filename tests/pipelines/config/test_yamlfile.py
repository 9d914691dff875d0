"""Reading declarations: LibYAML's fast parser gives the same data as the pure-Python safe
loader, and anchors, aliases and syntax errors are still refused with the Python loader's message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.config.yamlfile import _NoAliasLoader, load_declaration, read_yaml

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "corpus" / "yaml"
DECLARATIONS = sorted([*REPO.glob("datasets/*/*.yaml"), *REPO.glob("metadata/*.yaml")])


def test_the_repository_has_declarations_to_compare():
    assert len(DECLARATIONS) > 20


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_declaration_reads_as_the_python_loader_reads_it(path):
    text = path.read_text(encoding="utf-8-sig")
    assert load_declaration(text) == yaml.load(text, Loader=_NoAliasLoader)


@pytest.mark.parametrize("name", ["anchors.dataset.yaml", "billion-laughs.dataset.yaml"])
def test_anchors_and_aliases_are_refused(name):
    data, problems = read_yaml(CORPUS / name, name)
    assert data is None and "Anker und Aliase" in problems[0].message


def test_a_syntax_error_names_the_line_and_column_of_the_python_loader(tmp_path):
    text = "title: Test\nkeywords: [a, b\nfamily: rat\n"
    path = tmp_path / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as python_error:
        yaml.load(text, Loader=_NoAliasLoader)
    mark = python_error.value.problem_mark
    data, problems = read_yaml(path, "dataset.yaml")
    assert data is None
    assert f"Zeile {mark.line + 1}, Spalte {mark.column + 1}: {python_error.value.problem}" in problems[0].message
