"""What every source kind is: the contract the modules in `pipelines.kinds.KINDS` implement.

A kind is a module. mypy checks each module in the registry against `SourceKind` (modules
can implement protocols), and tests/pipelines/kinds/test_contract.py checks the same at run
time, so a kind cannot leave a member out and have the loader or the build guess a default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem
from pipelines.output import ResourceOutput, write_resource


@dataclass(frozen=True)
class DeclaredTable:
    """A table a dataset will publish, as far as its declaration decides it."""

    name: str
    # The dataset.yaml key that names the table, for the message when two datasets clash.
    named_by: str
    # None when the columns are known only after reading the source (geodata properties,
    # a month or quarter column decided by the data, Frictionless steps that reshape).
    columns: tuple[str, ...] | None


@runtime_checkable
class SourceKind(Protocol):
    """One source kind (`source.kind` in dataset.yaml). Parameters are positional-only so a
    module's own parameter names do not matter."""

    @property
    def Source(self) -> type[BaseModel]:  # noqa: N802 - the module attribute is the model class
        """The pydantic model of the `source:` block."""

    @property
    def NEEDS_SCHEMA(self) -> bool:  # noqa: N802 - a module constant
        """Whether the dataset folder must hold a schema.yaml (a Frictionless Table Schema)."""

    @property
    def PUBLIC_DATA(self) -> Mapping[str, list[str]]:  # noqa: N802 - a module constant
        """Columns whose personal-data matches are public by nature, per column the kinds of
        pipelines.statistics.pii (e.g. council members' names); {} for most kinds."""

    def check(self, dataset: DatasetConfig, /) -> list[ConfigProblem]:
        """Declaration problems one model cannot see (files that must exist, schema and
        source disagreeing). The dataset has `source_config` and `table_schema` set."""

    def inputs(self, dataset: DatasetConfig, /) -> list[Path]:
        """Files outside the dataset folder whose change must rebuild the dataset."""

    def tables(self, dataset: DatasetConfig, /) -> list[DeclaredTable]:
        """The tables the dataset will publish, from its declaration alone."""

    def local(self, dataset: DatasetConfig, /) -> bool:
        """Whether the dataset folder and `inputs` alone decide the output, so an unchanged
        hash of them lets the build keep the previous release's files; a remote source is
        asked every time (the HTTP cache keeps that cheap)."""

    def run(self, dataset: DatasetConfig, ctx: RunContext, /) -> list[ResourceOutput]:
        """Read, validate and write the dataset's resources into `ctx.out_dir`.
        Raises pipelines.errors.DatasetFailed with the issues that stop it."""


FOLDER_NAME = "Ordnername"  # `named_by` of a table named after its dataset's folder


def single_table(
    dataset: DatasetConfig, columns: tuple[str, ...] | None = None, resource: str | None = None
) -> list[DeclaredTable]:
    """`tables` of a kind that publishes one table: named `source.resource` where the kind has
    that key and it is set, else after the dataset's folder (`-` becomes `_`)."""
    if resource:
        return [DeclaredTable(resource, "source.resource", columns)]
    return [DeclaredTable(dataset.table_name(), FOLDER_NAME, columns)]


def write_fixed_table(
    dataset: DatasetConfig, ctx: RunContext, schema: dict, rows: Iterable[Mapping], **meta: Any
) -> list[ResourceOutput]:
    """`run`'s result for a kind that writes one table of a fixed schema (the registers, usage),
    named and described after the dataset; `meta` as for `pipelines.output.write_resource`."""
    named = {"title": dataset.title, "description": dataset.description}
    return [write_resource(ctx.out_dir, dataset.table_name(), schema, rows, **named, **meta)]


def local_unless_url(dataset: DatasetConfig, /) -> bool:
    """`local` of the file-based kinds: a `path` in the folder is, a `url` is not."""
    return dataset.source_config.url is None


def geodata_table(dataset: DatasetConfig, /) -> list[DeclaredTable]:
    """`tables` of the geodata kinds (their sources have `resource`): columns follow from the
    features' properties or the plan table, known only after reading."""
    return single_table(dataset, resource=dataset.source_config.resource)


def schema_columns(schema: Mapping | None) -> tuple[str, ...] | None:
    """The column names of a Table Schema, None without one."""
    return None if schema is None else tuple(str(field.get("name", "")) for field in schema["fields"])


def no_inputs(dataset: DatasetConfig, /) -> list[Path]:
    """`inputs` of every kind that reads nothing outside the dataset folder."""
    return []
