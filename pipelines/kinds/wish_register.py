"""The register of data wishes (`metadata/datenwuensche.yaml`) published as a dataset.

```yaml
source:
  kind: wish-register
```
The register is validated with the portal configuration (pipelines.config.wishes); this kind
writes one row per wish with its status and, once published, the days it took. Contact data
never reaches the register (`kommune wuensche accept` leaves it in the queue and deletes it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from contracts.wishes import STATUSES
from pipelines.config.dataset import DatasetConfig
from pipelines.config.wishes import Wish, WishRegister
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem
from pipelines.kinds.contract import DeclaredTable, schema_columns, single_table, write_fixed_table
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}
REGISTER_FILE = "datenwuensche"

SCHEMA = {
    "fields": [
        {"name": "nummer", "type": "integer", "title": "Nummer", "constraints": {"required": True}},
        {"name": "titel", "type": "string", "title": "Gewünschte Daten", "constraints": {"required": True}},
        {"name": "beschreibung", "type": "string", "title": "Beschreibung"},
        {"name": "eingegangen", "type": "date", "title": "Eingegangen am", "constraints": {"required": True}},
        {
            "name": "status",
            "type": "string",
            "title": "Stand",
            "description": f"{', '.join(STATUSES.values())}.",
            "constraints": {"required": True, "enum": list(STATUSES.values())},
        },
        {"name": "datensatz", "type": "string", "title": "Datensatz", "description": "Kennung des Datensatzes."},
        {"name": "veroeffentlicht", "type": "date", "title": "Veröffentlicht am"},
        {
            "name": "tage_bis_veroeffentlichung",
            "type": "integer",
            "title": "Tage bis zur Veröffentlichung",
            "description": "Tage vom Eingang des Wunsches bis zur Veröffentlichung des Datensatzes.",
        },
        {"name": "grund", "type": "string", "title": "Grund", "description": "Warum es nicht möglich ist."},
        {"name": "hinweis", "type": "string", "title": "Hinweis"},
    ],
    "primaryKey": ["nummer"],
}


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["wish-register"]


def inputs(dataset: DatasetConfig) -> list[Path]:
    return [dataset.folder.parent.parent / "metadata" / f"{REGISTER_FILE}.yaml"]


def local(dataset: DatasetConfig) -> bool:
    return True  # metadata/datenwuensche.yaml is its input


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    if not inputs(dataset)[0].exists():
        return [ConfigProblem(f"datasets/{dataset.id}/dataset.yaml", "source", f"metadata/{REGISTER_FILE}.yaml fehlt")]
    return []


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    return single_table(dataset, schema_columns(SCHEMA))


def published_row(wish: Wish) -> dict:
    """A wish as the published table has it: German status, days until published."""
    days = (wish.published - wish.received).days if wish.published else None
    return dict(
        nummer=wish.id,
        titel=wish.title,
        beschreibung=wish.description,
        eingegangen=wish.received,
        status=STATUSES[wish.status],
        datensatz=wish.dataset,
        veroeffentlicht=wish.published,
        tage_bis_veroeffentlichung=days,
        grund=wish.reason,
        hinweis=wish.note,
    )


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    register = ctx.portal.extra.get(REGISTER_FILE)
    found = register if isinstance(register, WishRegister) else WishRegister()  # check() made sure the file exists
    rows = [published_row(wish) for wish in sorted(found.wishes, key=lambda wish: wish.id)]
    return write_fixed_table(
        dataset, ctx, SCHEMA, rows, facets=["status"], date_fields=["eingegangen", "veroeffentlicht"]
    )
