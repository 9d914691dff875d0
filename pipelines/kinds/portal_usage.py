"""The portal's own usage, counted by `kommune serve`, published as a dataset.

```yaml
source:
  kind: portal-usage
```
`kommune serve` adds its counts to a SQLite file in the build state folder
(contracts/serve_state.py, contracts/usage.py); this kind reads that file as it is at build
time, one row per day, section, dataset, kind of access and bot flag. Nothing in it identifies
anyone: the server never stores more than the key and its count. Before the server counted
anything the table is empty.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from contracts import usage
from contracts.serve_state import usage_store
from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem
from pipelines.kinds.contract import DeclaredTable, no_inputs, schema_columns, single_table, write_fixed_table
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}


def _listed(words: dict[str, str]) -> str:
    return "; ".join(f"{code} = {label}" for code, label in words.items())


SCHEMA = {
    "fields": [
        {
            "name": "tag",
            "type": "date",
            "title": "Tag",
            "description": "Kalendertag (Ortszeit) der Aufrufe.",
            "constraints": {"required": True},
        },
        {
            "name": "bereich",
            "type": "string",
            "title": "Bereich",
            "description": f"Bereich des Portals: {_listed(usage.SECTIONS)}.",
            "constraints": {"required": True, "enum": list(usage.SECTIONS)},
        },
        {
            "name": "datensatz",
            "type": "string",
            "title": "Datensatz",
            "description": "Kennung des Datensatzes, um den es ging; leer, wenn es um keinen bestimmten ging.",
        },
        {
            "name": "art",
            "type": "string",
            "title": "Art des Zugriffs",
            "description": f"{_listed(usage.KINDS)}.",
            "constraints": {"required": True, "enum": list(usage.KINDS)},
        },
        {
            "name": "bot",
            "type": "boolean",
            "title": "Von einem Programm",
            "description": "Ja, wenn der Zugriff nach der einfachen Regel des Servers von einem Programm kam "
            "(Browser-Typ fehlt oder enthält ein Wort wie „bot“, „crawl“, „curl“; siehe Datenschutzerklärung).",
            "constraints": {"required": True},
        },
        {
            "name": "anzahl",
            "type": "integer",
            "title": "Anzahl",
            "description": "Zahl der erfolgreichen Aufrufe.",
            "constraints": {"required": True, "minimum": 1},
        },
    ],
}


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["portal-usage"]


inputs = no_inputs


def local(dataset: DatasetConfig) -> bool:
    return False  # the server adds counts between builds: read the store every time


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    return []


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    return single_table(dataset, schema_columns(SCHEMA))


def read_counts(store: Path) -> list[dict]:
    """Every row of the store, in key order; [] when the server has not written one yet."""
    if not store.is_file():
        return []
    connection = usage.connect(store, read_only=True)
    try:
        found = connection.execute(
            f"select tag, bereich, datensatz, art, bot, anzahl from {usage.TABLE} "
            "order by tag, bereich, datensatz, art, bot"
        ).fetchall()
    finally:
        connection.close()
    return [
        {
            "tag": dt.date.fromisoformat(tag),
            "bereich": section,
            "datensatz": dataset or None,
            "art": kind,
            "bot": bool(bot),
            "anzahl": n,
        }
        for tag, section, dataset, kind, bot, n in found
        if section in usage.SECTIONS and kind in usage.KINDS  # a store from a newer server: skip what we cannot name
    ]


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    # ctx.state_dir is <build state>/datasets/<id>/; the server's store sits in <build state>/serve/.
    store = usage_store(ctx.state_dir.parent.parent)
    return write_fixed_table(
        dataset,
        ctx,
        SCHEMA,
        read_counts(store),
        facets=["bereich", "art", "bot"],
        indexes=[["tag"], ["datensatz"]],
        date_fields=["tag"],
        count_field="anzahl",
    )
