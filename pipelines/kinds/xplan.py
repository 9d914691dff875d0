"""Development plans from an XPlanGML file (`kind: xplan`, versions 4.x to 6.x).

```yaml
source:
  kind: xplan
  path: sample/rotherbaum27.gml     # or url: https://…/plan.gml
  crs: null                         # overrides the srsName of the geometries
  state_values: {}                  # a town's own rechtsstand codes -> planning state key
```

Each BP_Plan and FP_Plan becomes a row of the plan table (the same table the geojson and
wfs kinds write), so every plan dataset appears on the planning map.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue
from pipelines.geo.declarations import DEFAULT_AREA_MARGIN_DEGREES
from pipelines.geo.plans import PlanAttributes
from pipelines.geo.resource import FeatureSettings
from pipelines.geo.source_kind import check_file_source, write_features
from pipelines.geo.xplan import XPLAN_ATTRIBUTES
from pipelines.kinds import tabular
from pipelines.kinds.contract import geodata_table, local_unless_url, no_inputs
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs
local = local_unless_url
tables = geodata_table


class Source(FileSource):
    kind: Literal["xplan"]
    crs: str | None = None
    state_values: dict[str, str] = {}
    area_margin_degrees: float = Field(DEFAULT_AREA_MARGIN_DEGREES, ge=0, le=10)
    resource: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")

    @model_validator(mode="after")
    def _valid(self) -> Source:
        self.plan_attributes()  # unknown state keys are a declaration mistake
        return self

    def plan_attributes(self) -> PlanAttributes:
        """XPlanGML's fixed attribute names, with the town's own state codes (checked here)."""
        return PlanAttributes.model_validate({**XPLAN_ATTRIBUTES.model_dump(), "state_values": self.state_values})


check = check_file_source


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    from pipelines.geo.ogr import LayerUnreadable
    from pipelines.geo.xplan import NotXPlan, read_plans
    from pipelines.kinds.file_format import describe_file

    source: Source = dataset.source_config
    path, shown_name = tabular.fetch_source(dataset, source, ctx)
    try:
        document, srs_name, version = read_plans(path, ctx.out_dir / ".xplan")
    except NotXPlan as problem:
        raise DatasetFailed(
            f"{shown_name} ist kein lesbarer XPlanGML-Plan",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    message=f"Die Datei ist {describe_file(path)}: {problem}",
                    expected="eine XPlanGML-Datei (4.x bis 6.x) mit BP_Plan oder FP_Plan",
                )
            ],
        ) from problem
    except LayerUnreadable as problem:
        raise DatasetFailed(
            f"{shown_name} ist nicht lesbar",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    message=str(problem),
                    expected="eine gültige XPlanGML-Datei (z. B. mit dem XPlanValidator prüfen)",
                )
            ],
        ) from problem
    crs = source.crs or srs_name
    if crs is None:
        raise DatasetFailed(
            f"{shown_name}: Koordinatensystem unbekannt",
            [
                Issue(
                    type="crs-error",
                    file=shown_name,
                    field="crs",
                    message="die Geometrien der Pläne nennen kein (oder kein einheitliches) srsName",
                    expected="srsName an den Geometrien oder source.crs, z. B. EPSG:25832",
                )
            ],
        )
    ctx.progress(f"{dataset.id}: XPlanGML {version}, {len(document['features'])} Plan/Pläne, Koordinatensystem {crs}")
    settings = FeatureSettings(
        crs=crs,
        id_property=XPLAN_ATTRIBUTES.id,
        area_margin_degrees=source.area_margin_degrees,
        resource=source.resource,
        plans=source.plan_attributes(),
    )
    return write_features(dataset, ctx, document, settings, shown_name)
