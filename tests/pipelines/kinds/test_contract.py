"""Every registered kind implements pipelines.kinds.contract.SourceKind explicitly (mypy checks
the same statically: the registry is typed `dict[str, SourceKind]`), and every file-based
kind takes its path/url rule from the one FileSource model."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.kinds import KINDS
from pipelines.kinds.contract import DeclaredTable, SourceKind
from pipelines.statistics.pii import KINDS as PERSONAL_DATA_KINDS

FUNCTIONS = {"check": 1, "inputs": 1, "tables": 1, "local": 1, "run": 2}  # positional parameters each takes


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_implements_the_contract(name):
    kind = KINDS[name]
    assert isinstance(kind, SourceKind)
    assert issubclass(kind.Source, BaseModel)
    assert type(kind.NEEDS_SCHEMA) is bool
    assert isinstance(kind.PUBLIC_DATA, Mapping)
    for column, kinds in kind.PUBLIC_DATA.items():
        assert isinstance(column, str) and set(kinds) <= set(PERSONAL_DATA_KINDS), (name, column)
    for function, count in FUNCTIONS.items():
        # Bound like the loader and the build call them: positionally.
        inspect.signature(getattr(kind, function)).bind(*range(count))
    # The kind's model accepts its own name: the registry and the model agree.
    assert name in str(kind.Source.model_fields["kind"].annotation)


def test_a_module_without_a_member_is_not_a_kind():
    class Incomplete:
        Source = FileSource
        NEEDS_SCHEMA = False
        PUBLIC_DATA: dict = {}

        @staticmethod
        def run(dataset, ctx):
            return []

    assert not isinstance(Incomplete(), SourceKind)  # check, inputs and tables missing


def test_every_kind_with_a_path_extends_file_source():
    with_path = {name for name, kind in KINDS.items() if "path" in kind.Source.model_fields}
    assert with_path == {"csv", "xlsx", "ods", "json", "service-records", "geojson", "shapefile", "xplan"}
    assert all(issubclass(KINDS[name].Source, FileSource) for name in with_path)


@pytest.mark.parametrize(
    "location, message",
    [
        ({}, "genau eines von path"),
        ({"path": "a.csv", "url": "https://example.org/a.csv"}, "genau eines von path"),
        ({"path": "/etc/passwd"}, "im Datensatzordner"),
        ({"path": "sample/../../a.csv"}, "im Datensatzordner"),
    ],
)
def test_file_source_takes_exactly_one_location_inside_the_folder(location, message):
    with pytest.raises(ValidationError, match=message):
        FileSource.model_validate({"kind": "csv", **location})


def test_file_source_names_a_missing_file(tmp_path):
    dataset = DatasetConfig.model_validate(
        {
            "title": "Test",
            "description": "Ein Datensatz für Tests.",
            "licence": "x",
            "themes": ["GOVE"],
            "frequency": "NEVER",
            "source": {},
        }
    )
    dataset.id, dataset.folder = "probe", tmp_path
    (tmp_path / "da.csv").write_text("a\n")
    assert FileSource(kind="csv", path="da.csv").missing_file(dataset) == []
    (problem,) = FileSource(kind="csv", path="fehlt.csv").missing_file(dataset)
    assert (problem.file, problem.key) == ("datasets/probe/dataset.yaml", "source.path")


def test_single_table_kinds_name_their_table_after_the_folder_or_source_resource(tmp_path):
    dataset = DatasetConfig.model_validate(
        {
            "title": "Test",
            "description": "Ein Datensatz für Tests.",
            "licence": "x",
            "themes": ["GOVE"],
            "frequency": "NEVER",
            "source": {"kind": "geojson", "path": "a.geojson"},
        }
    )
    dataset.id, dataset.folder = "bau-flaechen", Path(tmp_path)
    dataset.source_config = KINDS["geojson"].Source.model_validate(dataset.source)
    assert KINDS["geojson"].tables(dataset) == [DeclaredTable("bau_flaechen", "Ordnername", None)]
    dataset.source_config = KINDS["geojson"].Source.model_validate({**dataset.source, "resource": "flaechen"})
    assert KINDS["geojson"].tables(dataset) == [DeclaredTable("flaechen", "source.resource", None)]
