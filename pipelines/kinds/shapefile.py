"""Areas from an ESRI shapefile (`kind: shapefile`): a `.shp`, a folder or a `.zip`.

```yaml
source:
  kind: shapefile
  path: sample/bplaene.zip        # or a folder / a .shp in the dataset folder, or url: https://….zip
  layer: null                     # which .shp, when the folder or ZIP holds several
  encoding: null                  # overrides the .cpg and the DBF language driver
  crs: null                       # overrides the .prj
  id_property: PLAN_ID            # DBF field names have at most 10 characters: map them here
  plans: {number: PLAN_NR, name: BEZEICHNUN, state: RECHTSST}   # or columns: {published: DBF_FIELD}
```
"""

from __future__ import annotations

import shutil
import zipfile
from typing import Literal

from pydantic import model_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue
from pipelines.geo.resource import FeatureSettings
from pipelines.geo.source_kind import check_file_source, write_features
from pipelines.kinds import tabular
from pipelines.kinds.contract import geodata_table, local_unless_url, no_inputs
from pipelines.kinds.source_files import check_encoding_name, check_zip_container
from pipelines.output import ResourceOutput

NEEDS_SCHEMA = False
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs
local = local_unless_url
tables = geodata_table


class Source(FileSource, FeatureSettings):
    kind: Literal["shapefile"]
    layer: str | None = None
    encoding: str | None = None

    @model_validator(mode="after")
    def _valid(self) -> Source:
        check_encoding_name(self.encoding)
        return self


check = check_file_source


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    # Imported here: GDAL, pyproj and shapely are loaded only when a geodata source is read.
    from pipelines.geo.crs import UnknownCrs, parse_crs
    from pipelines.geo.ogr import LayerUnreadable, read_layer
    from pipelines.geo.shapefile import ShapefileProblem, dbf_encoding, find_shp, prj_text, unpack_zip

    source: Source = dataset.source_config
    path, shown_name = tabular.fetch_source(dataset, source, ctx)
    unpacked = ctx.out_dir / ".shapefile"

    def failed(summary: str, message: str, expected: str, field: str | None = None) -> DatasetFailed:
        return DatasetFailed(
            f"{shown_name}: {summary}",
            [Issue(type="format-error", file=shown_name, field=field, message=message, expected=expected)],
        )

    try:
        if path.is_file() and zipfile.is_zipfile(path):
            check_zip_container(path, shown_name, "Shapefile-ZIP", "eine ZIP-Datei mit .shp, .shx, .dbf und .prj")
            location = unpack_zip(path, unpacked)
        else:
            location = path
        shp = find_shp(location, source.layer)
        encoding = dbf_encoding(shp, source.encoding)
        crs_text = source.crs or prj_text(shp)
        if crs_text is None:
            raise failed(
                "Koordinatensystem unbekannt",
                f"zu {shp.name} gibt es keine .prj-Datei",
                "die .prj-Datei mitliefern oder source.crs angeben, z. B. EPSG:25832",
                "crs",
            )
        try:
            crs_label = parse_crs(crs_text).name
        except UnknownCrs:
            raise failed(
                "Koordinatensystem unbekannt",
                f"pyproj kann {'source.crs' if source.crs else shp.stem + '.prj'} nicht lesen",
                "eine gültige .prj-Datei oder source.crs, z. B. EPSG:25832",
                "crs",
            ) from None
        ctx.progress(
            f"{dataset.id}: {shp.name}, Kodierung {encoding.name} ({encoding.origin}), Koordinatensystem {crs_label}"
        )
        layer = read_layer(shp, encoding=encoding.name)
    except ShapefileProblem as problem:
        raise failed(
            "Shapefile unvollständig", str(problem), "ein Shapefile mit .shp, .shx, .dbf und .prj"
        ) from problem
    except LayerUnreadable as problem:
        raise failed(
            "Shapefile nicht lesbar",
            f"{problem} (Kodierung {encoding.name}, {encoding.origin})",
            "die richtige Kodierung als source.encoding angeben, z. B. cp1252 oder utf-8",
        ) from problem
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    missing = sorted(_declared_properties(source) - set(layer.fields))
    if missing:
        raise failed(
            "Felder fehlen",
            f"diese deklarierten Felder gibt es in {shp.name} nicht: {', '.join(missing)}",
            f"Feldnamen aus der .dbf (höchstens 10 Zeichen): {', '.join(layer.fields)}",
            "columns",
        )
    return write_features(dataset, ctx, layer.document, source.model_copy(update={"crs": crs_text}), shown_name)


def _declared_properties(source: Source) -> set[str]:
    """The DBF fields the declaration reads (plan attributes, columns, the id)."""
    names = set(source.columns.values()) | ({source.id_property} if source.id_property else set())
    if source.plans:
        names |= {
            value
            for key, value in source.plans.model_dump().items()
            if isinstance(value, str) and key not in ("plan_type_default",)
        }
        names |= {link.property for link in source.plans.documents}
    return names
