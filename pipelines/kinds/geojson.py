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

from pydantic import HttpUrl, model_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue
from pipelines.geo.reading import GeoJsonError, parse_feature_collection
from pipelines.geo.resource import FeatureSettings
from pipelines.geo.source_kind import check_file_source, write_features
from pipelines.http import FetchError
from pipelines.kinds.file_format import refuse_other_format
from pipelines.kinds.source_files import check_location
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False  # the kind brings its own schema (plan table or declared columns)


class Source(FeatureSettings):
    kind: Literal["geojson"]
    path: str | None = None
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _one_location(self) -> Source:
        check_location(self.path, self.url)
        return self


check = check_file_source


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    if source.path is not None:
        shown_name = source.path
        local = dataset.folder / source.path
        try:
            data = local.read_bytes()
        except OSError:
            raise DatasetFailed("Quelldatei nicht lesbar", [Issue(type="scheme-error", file=shown_name,
                                                                  message="die Datei kann nicht gelesen werden (Zugriffsrechte?)")]) from None
    else:
        shown_name = str(source.url)
        try:
            ctx.progress(f"lade {shown_name}")
            local = ctx.http.download(shown_name)
            data = local.read_bytes()
        except FetchError as error:
            raise DatasetFailed("Quelle nicht abrufbar", [Issue(type="source-error", message=error.reason, file=shown_name)]) from error
    try:
        document = parse_feature_collection(data, shown_name)
    except GeoJsonError as error:
        refuse_other_format(local, "geojson", shown_name)  # "Datei ist XPlanGML 5.2, deklariert ist geojson"
        raise DatasetFailed("Quelle ist kein GeoJSON", [Issue(type="format-error", file=shown_name, message=str(error),
                                                               expected="eine GeoJSON-FeatureCollection")]) from error
    return write_features(dataset, ctx, document, source, shown_name)
