"""The typed shape of `datasets/<id>/dataset.yaml`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.history import DEFAULT_KEEP

DATASET_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
COLUMN_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

Frequency = Literal[
    "CONT",
    "DAILY",
    "WEEKLY",
    "BIWEEKLY",
    "MONTHLY",
    "BIMONTHLY",
    "QUARTERLY",
    "BIANNUAL",
    "ANNUAL",
    "BIENNIAL",
    "IRREG",
    "NEVER",
    "UNKNOWN",
]
Family = Literal["rat", "bauen", "service", "allgemein"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Temporal(Strict):
    """The period the data covers. `fields` names the columns that say when each row is about
    (a date, a month `2024-03` or a year); the published coverage is then their earliest and
    latest value, and `start`/`end` are only the fallback for data without such values."""

    start: dt.date | None = None
    end: dt.date | None = None
    fields: list[str] = []


class TableOptions(Strict):
    """How the single table of a csv/xlsx dataset is served."""

    fts: list[str] = []
    indexes: list[list[str]] = []
    facets: list[str] = []

    @field_validator("fts", "facets")
    @classmethod
    def _column_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not COLUMN_NAME.match(name):
                raise ValueError(f"„{name}“ ist kein Spaltenname (a-z, 0-9, _)")
        return names


class PrivacyOptions(Strict):
    """Personal data that is public on purpose, so the PII scan of the published tables does
    not warn about it: exact values (the town hall's e-mail address, its switchboard number)
    and, per column, kinds (`Name` for council members in a list of mandates)."""

    allow_values: list[str] = Field(default=[], description="exact public values")
    allow_kinds: dict[str, list[str]] = {}

    @field_validator("allow_kinds")
    @classmethod
    def _known_kinds(cls, kinds: dict[str, list[str]]) -> dict[str, list[str]]:
        from pipelines.statistics.pii import KINDS

        for column, names in kinds.items():
            unknown = [name for name in names if name not in KINDS]
            if unknown:
                raise ValueError(f"{column}: unbekannte Art {unknown}; möglich: {', '.join(KINDS)}")
        return kinds


class HistoryOptions(Strict):
    """How many earlier versions stay downloadable as whole tables. Every version's changes
    stay listed whatever this says (docs/decisions/dataset-history.md)."""

    keep: Annotated[int, Field(ge=0)] | Literal["all"] = Field(
        default=DEFAULT_KEEP, description="earlier versions kept, or `all`"
    )

    @property
    def kept_versions(self) -> int | None:
        """None: all."""
        return None if self.keep == "all" else int(self.keep)


class Step(BaseModel):
    """A Frictionless transform step, `type` in kebab-case, other keys are its options."""

    model_config = ConfigDict(extra="allow")
    type: str


class DatasetConfig(Strict):
    """One dataset declaration. `source` is validated by its kind's own model."""

    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=10)
    family: Family = "allgemein"
    licence: str
    themes: list[str] = Field(min_length=1)
    keywords: list[str] = []
    frequency: Frequency
    musterdatenkatalog: str | None = None
    temporal: Temporal = Temporal()
    publisher: dict[str, Any] = {}
    sample: bool = False
    source: dict[str, Any]
    steps: list[Step] = []
    table: TableOptions = TableOptions()
    privacy: PrivacyOptions = PrivacyOptions()
    history: HistoryOptions = HistoryOptions()

    # Set by the loader, not by the file.
    id: str = Field(default="", exclude=True)
    folder: Path = Field(default=Path("."), exclude=True)
    source_config: Any = Field(default=None, exclude=True)
    table_schema: dict | None = Field(default=None, exclude=True)

    @property
    def kind(self) -> str:
        return str(self.source.get("kind", ""))

    def table_name(self) -> str:
        return self.id.replace("-", "_")

    def required_schema(self) -> dict:
        """The loaded `schema.json` of a kind that needs one (the loader refuses the dataset
        without it). Raises ValueError when called for a dataset that has none."""
        if self.table_schema is None:
            raise ValueError(f"{self.id}: kein Tabellenschema geladen")
        return self.table_schema
