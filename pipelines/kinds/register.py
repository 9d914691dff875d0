"""The service register (`metadata/services.yaml`) published as a dataset.

```yaml
source:
  kind: register
  metadata: services      # the validated metadata file to publish (metadata/services.yaml)
```
The register is validated with the portal configuration (pipelines.config.services); this
kind flattens it into one row per service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipelines.config.dataset import DatasetConfig
from pipelines.config.services import ServiceRegister
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.kinds.contract import DeclaredTable, schema_columns, single_table, write_fixed_table
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here

SCHEMA = {
    "fields": [
        {
            "name": "id",
            "type": "string",
            "title": "Kennung",
            "description": "Kurze Kennung der Leistung im Portal.",
            "constraints": {"required": True},
        },
        {
            "name": "name",
            "type": "string",
            "title": "Leistung",
            "description": "Name der Verwaltungsleistung.",
            "constraints": {"required": True},
        },
        {
            "name": "leika_id",
            "type": "string",
            "title": "LeiKa-Schlüssel",
            "description": "Leistungsschlüssel aus dem Leistungskatalog (LeiKa), falls bekannt.",
        },
        {
            "name": "zustaendig",
            "type": "string",
            "title": "Zuständig",
            "description": "Zuständige Stelle der Stadtverwaltung.",
        },
        {
            "name": "reifegrad",
            "type": "integer",
            "title": "OZG-Reifegrad",
            "description": "0 keine Information online, 1 Information, 2 Formular zum Herunterladen, "
            "3 Online-Antrag, 4 vollständig digital.",
        },
        {
            "name": "reifegrad_seit",
            "type": "date",
            "title": "Reifegrad erreicht am",
            "description": "Seit wann die Leistung diesen Reifegrad hat.",
        },
        {
            "name": "online_link",
            "type": "string",
            "title": "Online-Zugang",
            "description": "Adresse des Online-Angebots.",
        },
        {
            "name": "eid",
            "type": "boolean",
            "title": "Mit Online-Ausweis",
            "description": "Anmeldung mit Servicekonto.NRW oder BundID (Online-Ausweisfunktion).",
        },
        {
            "name": "online_bezahlung",
            "type": "boolean",
            "title": "Online bezahlen",
            "description": "Gebühren können online bezahlt werden.",
        },
        {
            "name": "identifizierung",
            "type": "string",
            "title": "Nötige Identifizierung",
            "description": "Vertrauensniveau nach eIDAS: keine, niedrig, substanziell, hoch.",
        },
        {
            "name": "gebuehr",
            "type": "boolean",
            "title": "Gebührenpflichtig",
            "description": "Für die Leistung ist eine Gebühr zu zahlen.",
        },
        {
            "name": "schriftform",
            "type": "boolean",
            "title": "Schriftform",
            "description": "Gesetzliche Schriftform (eigenhändige Unterschrift).",
        },
        {
            "name": "persoenliches_erscheinen",
            "type": "boolean",
            "title": "Persönliches Erscheinen",
            "description": "Das Gesetz verlangt, dass man persönlich kommt (z. B. für Fingerabdrücke).",
        },
        {
            "name": "weitere_behoerden",
            "type": "string",
            "title": "Weitere Behörden",
            "description": "Weitere beteiligte Stellen, durch ; getrennt.",
        },
        {
            "name": "statistik_datensatz",
            "type": "string",
            "title": "Statistik-Datensatz",
            "description": "Datensatz, in dem die Fallzahlen der Leistung stehen.",
        },
        {
            "name": "statistik_zeile",
            "type": "string",
            "title": "Statistik-Zeile",
            "description": "Bezeichnung der Leistung in dieser Statistik.",
        },
    ],
    "primaryKey": ["id"],
}


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["register"]
    metadata: Literal["services"] = "services"


def inputs(dataset: DatasetConfig) -> list[Path]:
    """Files outside the dataset folder whose change must rebuild this dataset."""
    return [dataset.folder.parent.parent / "metadata" / f"{dataset.source_config.metadata}.yaml"]


def local(dataset: DatasetConfig) -> bool:
    return True  # metadata/services.yaml is one of its inputs


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    path = inputs(dataset)[0]
    if not path.exists():
        return [ConfigProblem(f"datasets/{dataset.id}/dataset.yaml", "source.metadata", f"metadata/{path.name} fehlt")]
    return []


def rows(register: ServiceRegister) -> list[dict]:
    """One published row per service, in the register's order."""
    return [
        {
            "id": service.id,
            "name": service.name,
            "leika_id": service.leika_id,
            "zustaendig": service.office,
            "reifegrad": service.maturity_level,
            "reifegrad_seit": service.maturity_since,
            "online_link": str(service.online_link) if service.online_link else None,
            "eid": service.eid,
            "online_bezahlung": service.online_payment,
            "identifizierung": service.complexity.identification,
            "gebuehr": service.complexity.payment_required,
            "schriftform": service.complexity.written_form,
            "persoenliches_erscheinen": service.complexity.personal_appearance,
            "weitere_behoerden": "; ".join(service.complexity.other_authorities) or None,
            "statistik_datensatz": service.statistics.dataset if service.statistics else None,
            "statistik_zeile": service.statistics.name if service.statistics else None,
        }
        for service in register.services
    ]


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    return single_table(dataset, schema_columns(SCHEMA))


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    register = ctx.portal.extra.get(dataset.source_config.metadata)
    if not isinstance(register, ServiceRegister):
        raise DatasetFailed(
            "Leistungsverzeichnis fehlt",
            [
                Issue(
                    type="scheme-error",
                    file=f"metadata/{dataset.source_config.metadata}.yaml",
                    message="Datei fehlt oder ist ungültig",
                    expected="gültiges Leistungsverzeichnis",
                )
            ],
        )
    return write_fixed_table(dataset, ctx, SCHEMA, rows(register), facets=["reifegrad", "zustaendig"])
