"""Development plans: map XPlanung-style feature attributes to the portal's plan table.

Which source property holds what is declared in `dataset.yaml` (`PlanAttributes`), never
in code, because every town's GIS names them differently: XPlanGML says `nummer`,
`rechtsstand`, `inkrafttretensDatum`; the NRW inventory says `nr`, `stand`, `datum`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, field_validator

from pipelines.errors import Issue
from pipelines.geo.declarations import GEOMETRY_FIELDS
from pipelines.geo.planning_states import (
    STATES,
    STATES_BY_KEY,
    UnknownPlanningState,
    expected_values_text,
    resolve_state,
)
from pipelines.geo.problems import FeatureProblem
from pipelines.links import checked_url

if TYPE_CHECKING:
    from pipelines.geo.features import PreparedFeatures


class DocumentLink(BaseModel):
    """A plan document: its German title and the property holding its URL."""

    model_config = ConfigDict(extra="forbid")
    title: str
    property: str


class PlanAttributes(BaseModel):
    """Source property names for each column of the plan table (None: not in the source)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    number: str
    name: str
    plan_type: str | None = None
    plan_type_default: str = "Bebauungsplan"
    municipality: str | None = None  # Gemeinde (XPlanung: gemeindeName)
    state: str
    state_values: dict[str, str] = {}
    decision_date: str | None = None  # Aufstellungsbeschluss
    display_start_date: str | None = None  # Beginn der Offenlage (öffentliche Auslegung)
    display_end_date: str | None = None
    adoption_date: str | None = None  # Satzungsbeschluss
    in_force_date: str | None = None  # Inkrafttreten (Bekanntmachung)
    repeal_date: str | None = None  # Aufhebung / Außerkrafttreten
    documents: list[DocumentLink] = []

    @field_validator("state_values")
    @classmethod
    def _known_state_keys(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted({key for key in value.values() if key not in STATES_BY_KEY})
        if unknown:
            raise ValueError(f"unknown planning state keys {unknown}; known: {[state.key for state in STATES]}")
        return {str(source): key for source, key in value.items()}


DATE_COLUMNS = {
    "decision_date": "aufstellungsbeschluss",
    "display_start_date": "offenlage_beginn",
    "display_end_date": "offenlage_ende",
    "adoption_date": "satzungsbeschluss",
    "in_force_date": "inkrafttreten",
    "repeal_date": "aufhebung",
}

PLAN_SCHEMA: dict = {
    "fields": [
        {
            "name": "id",
            "type": "string",
            "title": "Kennung",
            "constraints": {"required": True, "unique": True},
            "description": "Dauerhafte Kennung des Plans aus dem Geoinformationssystem der Stadt.",
        },
        {
            "name": "nummer",
            "type": "string",
            "title": "Plannummer",
            "description": "Nummer des Bebauungsplans bzw. der Flächennutzungsplan-Änderung (z. B. 42, FNP 27).",
        },
        {"name": "name", "type": "string", "title": "Name", "description": "Name des Plans."},
        {
            "name": "planart",
            "type": "string",
            "title": "Planart",
            "description": "Art des Plans, z. B. Bebauungsplan oder Änderung des Flächennutzungsplans.",
        },
        {
            "name": "gemeinde",
            "type": "string",
            "title": "Gemeinde",
            "description": "Gemeinde, deren Plan es ist (leer, wenn die Quelle es nicht angibt).",
        },
        {
            "name": "verfahrensstand",
            "type": "string",
            "title": "Verfahrensstand (Schlüssel)",
            "constraints": {"required": True, "enum": [state.key for state in STATES]},
            "description": "Stand des Verfahrens als fester Schlüssel (für Abfragen).",
        },
        {
            "name": "verfahrensstand_text",
            "type": "string",
            "title": "Verfahrensstand",
            "description": "Stand des Verfahrens in Worten.",
        },
        {
            "name": "im_verfahren",
            "type": "boolean",
            "title": "Im Verfahren",
            "description": "Ja, solange der Plan aufgestellt, aber noch nicht in Kraft ist.",
        },
        {
            "name": "aufstellungsbeschluss",
            "type": "date",
            "title": "Aufstellungsbeschluss",
            "description": "Tag, an dem der Rat beschlossen hat, den Plan aufzustellen.",
        },
        {
            "name": "offenlage_beginn",
            "type": "date",
            "title": "Offenlage ab",
            "description": "Erster Tag der öffentlichen Auslegung des Entwurfs.",
        },
        {
            "name": "offenlage_ende",
            "type": "date",
            "title": "Offenlage bis",
            "description": "Letzter Tag der öffentlichen Auslegung des Entwurfs.",
        },
        {
            "name": "satzungsbeschluss",
            "type": "date",
            "title": "Satzungsbeschluss",
            "description": "Tag, an dem der Rat den Plan als Satzung beschlossen hat.",
        },
        {
            "name": "inkrafttreten",
            "type": "date",
            "title": "Inkrafttreten",
            "description": "Tag, an dem der Plan mit der Bekanntmachung in Kraft trat.",
        },
        {
            "name": "aufhebung",
            "type": "date",
            "title": "Aufhebung",
            "description": "Tag, an dem der Plan aufgehoben wurde oder außer Kraft trat.",
        },
        {
            "name": "dokumente",
            "type": "string",
            "title": "Dokumente (JSON)",
            "description": 'Liste der Plandokumente als JSON: [{"titel": ..., "url": ...}]',
        },
        *GEOMETRY_FIELDS,
    ],
    "primaryKey": ["id"],
}

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(value: object) -> date | None:
    """A date from ISO (`2021-03-04`, `2021-03-04T00:00:00`, `...Z`) or German
    (`04.03.2021`) text; None for empty values. Raises `ValueError` for anything else."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    match = _GERMAN_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date() if "T" in text else date.fromisoformat(text)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _documents(properties: dict, links: list[DocumentLink], warnings: list[Issue]) -> list[dict]:
    """The plan's document links that pass the URL allow-list; a refused one is a warning."""
    documents = []
    for link in links:
        url = checked_url(_text(properties.get(link.property)), warnings, file=None, field=link.property)
        if url:
            documents.append({"titel": link.title, "url": url})
    return documents


def plan_row(
    feature_id: str, properties: dict, attributes: PlanAttributes, warnings: list[Issue] | None = None
) -> tuple[dict, list[FeatureProblem]]:
    """The plan-table columns (without geometry) for one feature, and its attribute problems.
    Document links refused by the URL allow-list are left out and appended to `warnings`."""
    problems: list[FeatureProblem] = []
    row: dict = {
        "id": feature_id,
        "nummer": _text(properties.get(attributes.number)),
        "name": _text(properties.get(attributes.name)),
        "planart": (_text(properties.get(attributes.plan_type)) if attributes.plan_type else None)
        or attributes.plan_type_default,
        "gemeinde": _text(properties.get(attributes.municipality)) if attributes.municipality else None,
    }
    raw_state = properties.get(attributes.state)
    try:
        state = resolve_state(raw_state, attributes.state_values)
        row.update(verfahrensstand=state.key, verfahrensstand_text=state.label, im_verfahren=state.in_procedure)
    except UnknownPlanningState:
        problems.append(
            FeatureProblem(
                feature_id,
                "state-error",
                f"Unbekannter Verfahrensstand {raw_state!r}.",
                expected_values_text(),
                False,
                attributes.state,
            )
        )
    for option, column in DATE_COLUMNS.items():
        property_name = getattr(attributes, option)
        raw = properties.get(property_name) if property_name else None
        try:
            row[column] = parse_date(raw)
        except ValueError:
            row[column] = None
            problems.append(
                FeatureProblem(
                    feature_id,
                    "date-error",
                    f"{raw!r} ist kein Datum.",
                    "Datum als TT.MM.JJJJ oder JJJJ-MM-TT",
                    False,
                    property_name,
                )
            )
    if row["nummer"] is None:
        problems.append(
            FeatureProblem(
                feature_id, "constraint-error", "Die Plannummer fehlt.", "eine Plannummer", False, attributes.number
            )
        )
    documents = _documents(properties, attributes.documents, [] if warnings is None else warnings)
    row["dokumente"] = json.dumps(documents, ensure_ascii=False)
    return row, problems


def plan_rows(
    prepared: PreparedFeatures, attributes: PlanAttributes, warnings: list[Issue] | None = None
) -> tuple[list[dict], list[FeatureProblem]]:
    """Rows of the plan table for every prepared feature, and all problems found
    (geometry problems from `prepared` first). A feature with a problem yields no row.
    Refused document links go to `warnings` (see plan_row), with the feature's position as row."""
    from pipelines.geo.features import geometry_columns  # shapely: only when plans are read

    rows: list[dict] = []
    problems = list(prepared.problems)
    for feature in prepared.features:
        refused: list[Issue] = []
        row, row_problems = plan_row(feature.feature_id, feature.properties, attributes, refused)
        if warnings is not None:
            warnings.extend(
                replace(issue, row=feature.position, message=f"Objekt „{feature.feature_id}“: {issue.message}")
                for issue in refused
            )
        problems.extend(replace(problem, position=feature.position) for problem in row_problems)
        if not row_problems:
            rows.append({**row, **geometry_columns(feature.geometry)})
    return rows, problems
