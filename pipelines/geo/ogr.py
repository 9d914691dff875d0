"""Read one layer of a GIS file (shapefile, GML) with GDAL/OGR through pyogrio, as the
GeoJSON-shaped document the rest of `pipelines.geo` checks and transforms.

Why pyogrio and not fiona, pyshp or an own parser: docs/decisions/geodata-readers.md.
Attribute values become plain Python values (numbers, text, ISO dates); geometries stay in
the source CRS, which the caller decides (the `.prj`, the `srsName`, or a declaration).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy
import shapely


class LayerUnreadable(ValueError):
    """GDAL could not read the layer; the message is German and names what to check."""


@dataclass
class Layer:
    document: dict  # a GeoJSON FeatureCollection, coordinates in the source CRS
    crs: str | None  # what GDAL found (e.g. "EPSG:25832" from a GML srsName), None if nothing
    fields: list[str]


def _plain_column(column) -> list:
    """A column as plain Python values: numbers, text, ISO dates (read as text), None for
    gaps (NaN in float columns)."""
    values = column.tolist() if isinstance(column, numpy.ndarray) else list(column)
    if values and any(isinstance(value, bytes) for value in values):
        raise LayerUnreadable("ein Feld enthält Binärdaten")
    return [None if isinstance(value, float) and math.isnan(value) else value for value in values]


def read_layer(path: Path, layer: str | None = None, encoding: str | None = None, **open_options) -> Layer:
    """Every feature of `layer` (None: the only or first layer) of the file at `path`.

    `encoding` decodes text attributes (GDAL's own guess is switched off then). Raises
    `LayerUnreadable` when GDAL cannot open or read it, or text does not decode.
    """
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
    from pyogrio.raw import read

    try:
        meta, _, geometries, values = read(
            str(path), layer=layer, encoding=encoding, datetime_as_string=True, **open_options
        )
    except UnicodeDecodeError as error:
        raise LayerUnreadable(
            f"Texte sind nicht in {encoding or 'der angenommenen Kodierung'} geschrieben "
            f"(Byte 0x{error.object[error.start]:02x})"
        ) from error
    except (DataSourceError, DataLayerError, FieldError, GeometryError) as error:
        raise LayerUnreadable(f"GDAL kann {path.name} nicht lesen (beschädigt oder unvollständig?)") from error
    names = [str(name) for name in meta["fields"]]
    columns = [_plain_column(column) for column in values]
    try:
        # vectorised: one GeoJSON text per feature from GEOS, parsed by the C json module
        # (twice as fast as shapely.geometry.mapping per feature; measured in the decision)
        texts = shapely.to_geojson(shapely.from_wkb(geometries)) if geometries is not None else []
    except shapely.errors.GEOSException as error:
        raise LayerUnreadable("eine Geometrie ist nicht lesbar (Kreisbögen oder beschädigte Daten?)") from error
    features = [
        {
            "type": "Feature",
            "properties": {name: column[index] for name, column in zip(names, columns, strict=True)},
            "geometry": json.loads(text) if text is not None else None,
        }
        for index, text in enumerate(texts)
    ]
    return Layer({"type": "FeatureCollection", "features": features}, meta.get("crs"), names)
