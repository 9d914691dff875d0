"""Features from an OGC Web Feature Service (GetFeature with GeoJSON output, paged).

```yaml
source:
  kind: wfs
  url: https://geodienste.example/wfs    # the service endpoint, without query
  type_name: bplan:BP_Plan
  version: "2.0.0"                       # or "1.1.0"
  output_format: application/json        # how this server names GeoJSON
  srs_name: null                         # ask for a CRS; default: the layer's own
  page_size: 1000
  paging: auto                           # auto (from GetCapabilities) | on | off
  params: {}                             # vendor parameters, e.g. CQL_FILTER
  id_property: …, plans: {…} or columns: {…}, crs: …   # as for kind geojson
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.geo.resource import FeatureSettings
from pipelines.geo.source_kind import check_steps, write_features
from pipelines.geo.wfs import WfsError, WfsSettings, read_wfs
from pipelines.http import FetchError
from pipelines.kinds.contract import geodata_table, no_inputs
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs


def local(dataset: DatasetConfig) -> bool:
    return False  # a web service: asked every build


tables = geodata_table


class Source(FeatureSettings, WfsSettings):
    kind: Literal["wfs"]


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    return check_steps(dataset)


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    shown_name = f"{source.url} ({source.type_name})"

    def fetch(url: str, params: Mapping[str, str] | None) -> bytes:
        try:
            return ctx.http.get(url, params=dict(params) if params else None).content
        except FetchError as error:
            if error.status == 400 and error.body:
                return error.body  # an OWS exception report says what was wrong
            raise

    ctx.progress(f"lade {shown_name}")
    try:
        document = read_wfs(source, fetch)
    except FetchError as error:
        raise DatasetFailed(
            "WFS nicht abrufbar", [Issue(type="source-error", file=shown_name, message=error.reason)]
        ) from error
    except WfsError as error:
        raise DatasetFailed(
            "WFS-Antwort unbrauchbar",
            [
                Issue(
                    type="source-error", file=shown_name, message=str(error), expected="GeoJSON-Antwort auf GetFeature"
                )
            ],
        ) from error
    return write_features(dataset, ctx, document, source, shown_name)
