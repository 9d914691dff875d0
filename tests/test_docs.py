"""The docs say what the code does: each test fails when a model, registry or contract changes
and the docs in docs/ were not changed with it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from pipelines.config.dataset import DatasetConfig
from pipelines.kinds import KINDS
from pipelines.output import FileInfo, ResourceOutput
from pipelines.reference import REFERENCE, reference
from publish.site import SECTIONS
from tests.browser.page_types import PAGE_TYPES

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_dataset_yaml_reference_is_what_the_models_give():
    assert REFERENCE.read_text(encoding="utf-8") == reference(), (
        "docs/dataset-yaml.md is out of date: run python -m pipelines.reference --write"
    )


def _yaml_block_after(heading: str) -> str:
    after = ARCHITECTURE.split(heading, 1)[1]
    return re.search(r"```yaml\n(.*?)```", after, re.S).group(1)


def test_the_example_declaration_in_architecture_md_is_accepted_by_the_models():
    """The example once showed `dialect: {delimiter: ";"}`, which the csv kind refuses."""
    declaration = yaml.safe_load(_yaml_block_after("### `dataset.yaml`"))
    dataset = DatasetConfig.model_validate(declaration)
    KINDS[dataset.kind].Source.model_validate(dataset.source)


def test_the_example_declaration_in_the_readme_is_accepted_by_the_models():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(title: .*?)```", readme, re.S).group(1)
    dataset = DatasetConfig.model_validate(yaml.safe_load(block))
    KINDS[dataset.kind].Source.model_validate(dataset.source)


def test_the_example_declaration_names_every_kind():
    comment = re.search(r"kind: csv\s+#(.*)", _yaml_block_after("### `dataset.yaml`")).group(1)
    named = {name.strip() for name in comment.split("|")}
    assert named == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_registered_kind_is_described(kind):
    assert re.search(rf"^(- |\| ).*`{re.escape(kind)}`", ARCHITECTURE, re.M), (
        f"docs/architecture.md has no paragraph or table row on the source kind `{kind}`"
    )


@pytest.mark.parametrize("section", [module.__name__ for module in SECTIONS])
def test_every_site_section_is_described(section):
    path = section.replace(".", "/") + ".py"
    assert f"`{path}`" in ARCHITECTURE or f"({path.rsplit('/', 1)[1]})" in ARCHITECTURE, (
        f"docs/architecture.md does not name the site section {path}"
    )


@pytest.mark.parametrize("page_type", [page.name for page in PAGE_TYPES])
def test_every_page_type_is_listed(page_type):
    assert f"`{page_type}`" in ARCHITECTURE, f"docs/architecture.md does not list the page type `{page_type}`"


def test_the_resource_output_fields_are_those_of_the_code():
    listed = re.search(r"returns a\s+`ResourceOutput` \(([^)]*)\)", ARCHITECTURE).group(1)
    named = [name.strip() for name in listed.split(",")]
    assert named == [field.name for field in dataclasses.fields(ResourceOutput)]


def test_the_resource_kommune_block_is_that_of_the_code():
    listed = re.search(r"a `kommune` block: ([^)]*)\)", ARCHITECTURE).group(1)
    named = [name.strip(" `\n") for name in listed.split(",")]
    file = FileInfo(path="t.csv", bytes=1, sha256="0")
    written = ResourceOutput(name="t", title="T", description="T.", schema={}, row_count=1, csv=file, json=file)
    assert named == list(written.descriptor()["kommune"])


def test_no_doc_points_outside_the_repository_for_the_design():
    for path in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        assert "shared/DESIGN.md" not in path.read_text(encoding="utf-8"), path
