"""Read GeoJSON documents from a file or an HTTP URL.

HTTP goes through a `fetch(url, params) -> bytes` callable so that the portal's HTTP client
(timeouts, retries, cache) is used in builds and anything else in library use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

Fetch = Callable[[str, Mapping[str, str] | None], bytes]


class GeoJsonError(ValueError):
    """A document that is not a GeoJSON FeatureCollection (or Feature); message in German."""


def parse_feature_collection(data: bytes | str, source: str) -> dict:
    """Decode `data` (UTF-8, BOM allowed) as a GeoJSON FeatureCollection.

    A single Feature is wrapped into a collection. Raises `GeoJsonError` naming `source`
    when the text is not JSON or not GeoJSON features.
    """
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise GeoJsonError(f"{source}: kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno})") from error
    except UnicodeDecodeError as error:
        raise GeoJsonError(
            f"{source}: kein UTF-8-Text (Byte 0x{error.object[error.start]:02x} an Stelle {error.start})"
        ) from error
    if not isinstance(document, dict):
        raise GeoJsonError(f"{source}: erwartet wurde ein GeoJSON-Objekt, kein {type(document).__name__}")
    if document.get("type") == "Feature":
        return {"type": "FeatureCollection", "features": [document]}
    if document.get("type") != "FeatureCollection" or not isinstance(document.get("features"), list):
        raise GeoJsonError(f"{source}: erwartet wurde eine GeoJSON-FeatureCollection (type = {document.get('type')!r})")
    for position, feature in enumerate(document["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise GeoJsonError(f"{source}: Objekt {position} ist kein GeoJSON-Feature")
    return document


def read_geojson_file(path: Path) -> dict:
    """Read a FeatureCollection from `path`; raises `GeoJsonError` or `OSError`."""
    return parse_feature_collection(Path(path).read_bytes(), str(path))


def read_geojson_url(url: str, fetch: Fetch) -> dict:
    """Fetch `url` with `fetch` and parse it; raises `GeoJsonError` (and what `fetch` raises)."""
    return parse_feature_collection(fetch(url, None), url)
