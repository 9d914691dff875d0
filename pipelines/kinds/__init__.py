"""Source kinds: one module per kind, each implementing `pipelines.kinds.contract.SourceKind`."""

from __future__ import annotations

from pathlib import Path

from frictionless import FrictionlessException, Schema

from pipelines.config.table_schema import field_problems
from pipelines.config.yamlfile import read_yaml
from pipelines.errors import ConfigProblem
from pipelines.kinds import (
    geojson,
    json_records,
    oparl,
    peers,
    portal_usage,
    register,
    service_records,
    shapefile,
    tabular,
    wfs,
    wish_register,
    xplan,
)
from pipelines.kinds.contract import SourceKind

# mypy checks every module here against SourceKind.
KINDS: dict[str, SourceKind] = {
    "csv": tabular,
    "xlsx": tabular,
    "ods": tabular,
    "json": json_records,
    "service-records": service_records,
    "register": register,
    "portal-usage": portal_usage,
    "wish-register": wish_register,
    "oparl": oparl,
    "peers": peers,
    "geojson": geojson,
    "wfs": wfs,
    "shapefile": shapefile,
    "xplan": xplan,
}


def load_schema(folder: Path, label: str) -> tuple[dict | None, list[ConfigProblem]]:
    """Read and check a Frictionless Table Schema from `schema.yaml` in `folder`."""
    path = folder / "schema.yaml"
    if not path.exists():
        return None, [ConfigProblem(label, "", "Datei fehlt (Frictionless Table Schema)")]
    descriptor, problems = read_yaml(path, label)
    if problems:
        return None, problems
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        return None, [ConfigProblem(label, "fields", "Liste der Felder fehlt")]
    problems = [
        ConfigProblem(label, f"fields.{index}", "jedes Feld ist ein Objekt mit name und type")
        for index, field in enumerate(descriptor["fields"])
        if not isinstance(field, dict)
    ]
    problems += field_problems(descriptor, label)
    try:
        problems += [
            ConfigProblem(label, "", f"{error.note or error.message}") for error in Schema.metadata_validate(descriptor)
        ]
    except FrictionlessException as error:
        problems.append(ConfigProblem(label, "fields", error.error.note or error.error.message))
    return (descriptor if not problems else None), problems
