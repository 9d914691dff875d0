"""GeoJSON from a file in the dataset folder or an HTTP URL (e.g. a town GIS export).

```yaml
source:
  kind: geojson
  path: sample/bebauungsplaene.geojson   # or url: https://…
  crs: null            # optional: overrides the file's crs member (default: RFC 7946 WGS84)
  id_property: planid  # optional: property holding a stable id (else the feature id)
  plans: {...}         # development plans: see pipelines/geo/plans.py (PlanAttributes)
  columns: {...}       # or any other areas: published column -> source property
steps: [{type: make-valid}]   # optional: repair what can be repaired, and report it
```
"""

from __future__ import annotations

from typing import Literal

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue
from pipelines.geo.reading import GeoJsonError, parse_feature_collection
from pipelines.geo.resource import FeatureSettings
from pipelines.geo.source_kind import check_file_source, write_features
from pipelines.http import FetchError
from pipelines.kinds.contract import geodata_table, local_unless_url, no_inputs
from pipelines.kinds.file_format import refuse_other_format
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False  # the kind brings its own schema (plan table or declared columns)
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs
local = local_unless_url
tables = geodata_table


class Source(FileSource, FeatureSettings):
    kind: Literal["geojson"]


check = check_file_source


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    if source.path is not None:
        shown_name = source.path
        local = dataset.folder / source.path
        try:
            data = local.read_bytes()
        except OSError:
            raise DatasetFailed(
                "Quelldatei nicht lesbar",
                [
                    Issue(
                        type="scheme-error",
                        file=shown_name,
                        message="die Datei kann nicht gelesen werden (Zugriffsrechte?)",
                    )
                ],
            ) from None
    else:
        shown_name = str(source.url)
        try:
            ctx.progress(f"lade {shown_name}")
            local = ctx.http.download(shown_name)
            data = local.read_bytes()
        except FetchError as error:
            raise DatasetFailed(
                "Quelle nicht abrufbar", [Issue(type="source-error", message=error.reason, file=shown_name)]
            ) from error
    try:
        document = parse_feature_collection(data, shown_name)
    except GeoJsonError as error:
        refuse_other_format(local, "geojson", shown_name)  # "Datei ist XPlanGML 5.2, deklariert ist geojson"
        raise DatasetFailed(
            "Quelle ist kein GeoJSON",
            [
                Issue(
                    type="format-error", file=shown_name, message=str(error), expected="eine GeoJSON-FeatureCollection"
                )
            ],
        ) from error
    return write_features(dataset, ctx, document, source, shown_name)
