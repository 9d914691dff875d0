"""Turn a GeoJSON document into one published resource: the part the `geojson` and `wfs`
source kinds share.

Settings (`FeatureSettings`) come from the dataset's `source` block; `plans` maps the
attributes of development plans, `columns` copies any other properties as text. Geometry
problems fail the dataset with one issue per feature (feature id in `row`), unless the
dataset declares the step `make-valid`, which repairs what can be repaired and records it.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipelines.errors import DatasetFailed, Issue
from pipelines.geo.declarations import DEFAULT_AREA_MARGIN_DEGREES, GEOMETRY_FIELDS
from pipelines.geo.planning_states import STATES
from pipelines.geo.plans import PLAN_SCHEMA, PlanAttributes, plan_rows
from pipelines.geo.problems import FeatureProblem

REPAIR_STEP = "make-valid"


class FeatureSettings(BaseModel):
    """Keys shared by the `geojson` and `wfs` sources in `dataset.yaml`."""

    model_config = ConfigDict(extra="forbid")
    crs: str | None = None  # overrides the document's own CRS (or RFC 7946's WGS84)
    id_property: str | None = None
    area_margin_degrees: float = Field(DEFAULT_AREA_MARGIN_DEGREES, ge=0, le=10)
    resource: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")
    plans: PlanAttributes | None = None
    columns: dict[str, str] = {}  # published column -> source property (text)

    @model_validator(mode="after")
    def _plans_or_columns(self):
        if self.plans and self.columns:
            raise ValueError("declare either plans (development plans) or columns, not both")
        return self


def wants_repair(steps: list) -> bool:
    """Whether the dataset's steps declare `make-valid`."""
    return any(
        (step.get("type") if isinstance(step, dict) else getattr(step, "type", None)) == REPAIR_STEP
        for step in steps or []
    )


def plan_schema() -> dict:
    """The plan table's schema, its state field carrying the vocabulary (label, colour)
    as Table Schema `categories`, so publishers can draw legends without the pipelines."""
    schema = {**PLAN_SCHEMA, "fields": [dict(field) for field in PLAN_SCHEMA["fields"]]}
    for field in schema["fields"]:
        if field["name"] == "verfahrensstand":
            field["categories"] = [
                {
                    "value": state.key,
                    "label": state.label,
                    "colour": state.colour,
                    "order": state.order,
                    "inProcedure": state.in_procedure,
                }
                for state in STATES
            ]
    return schema


def _issue(source: str, problem: FeatureProblem) -> Issue:
    # `row` is the feature's place in the source; its id leads the message, since an id
    # is what a GIS user searches for.
    return Issue(
        file=source,
        row=problem.position,
        field=problem.field,
        type=problem.type,
        message=f"Objekt „{problem.feature_id}“: {problem.message}",
        expected=problem.expected,
    )


def build_rows(
    document: dict, settings: FeatureSettings, repair: bool, source: str, warnings: list[Issue] | None = None
) -> tuple[dict, list[dict], list[tuple[str, str]]]:
    """(schema, rows, repairs) for the document. Raises `DatasetFailed` listing every
    problem (feature position as row, feature id in the message) when any feature cannot
    be published. Plan document links refused by the URL allow-list go to `warnings`."""
    # Imported here: pyproj and shapely are needed only when a geodata source is read.
    from pipelines.geo.crs import UnknownCrs
    from pipelines.geo.features import geometry_columns, prepare_features
    from pipelines.geo.geometry import ANY_SIMPLE_FEATURE, POLYGONAL

    try:
        prepared = prepare_features(
            document,
            settings.crs,
            repair,
            settings.id_property,
            settings.area_margin_degrees,
            POLYGONAL if settings.plans else ANY_SIMPLE_FEATURE,
        )
    except UnknownCrs as error:
        raise DatasetFailed(
            f"{source}: Koordinatensystem unbekannt",
            [Issue(file=source, field="crs", type="crs-error", message=str(error), expected="z. B. EPSG:25832")],
        ) from error
    if settings.plans:
        schema = plan_schema()
        refused: list[Issue] = []
        rows, problems = plan_rows(prepared, settings.plans, refused)
        if warnings is not None:
            warnings.extend(replace(issue, file=source) for issue in refused)
    else:
        schema = {
            "fields": [
                {"name": "id", "type": "string", "title": "Kennung"},
                *({"name": column, "type": "string"} for column in settings.columns),
                *GEOMETRY_FIELDS,
            ],
            "primaryKey": ["id"],
        }
        problems = list(prepared.problems)
        rows = [
            {
                "id": feature.feature_id,
                **{column: _text(feature.properties.get(prop)) for column, prop in settings.columns.items()},
                **geometry_columns(feature.geometry),
            }
            for feature in prepared.features
        ]
    if problems:
        broken = len({problem.feature_id for problem in problems})
        hint = "" if repair else " Reparierbare Fehler behebt der Schritt make-valid."
        raise DatasetFailed(
            f"{source}: {broken} Objekt(e) fehlerhaft, nichts veröffentlicht.{hint}",
            [_issue(source, problem) for problem in problems],
        )
    return schema, rows, prepared.repairs


def _text(value) -> str | None:
    return None if value is None else str(value)
