"""Read features from an OGC Web Feature Service (WFS 2.0.0 or 1.1.0) as GeoJSON.

German geodata portals (GeoServer, deegree, MapServer, ArcGIS Server) answer
`GetFeature` with GeoJSON when asked for it by `outputFormat`; they name that format
differently, so it is a setting. Large layers are read page by page (`startIndex` +
`count`) when the service says it implements result paging (`ImplementsResultPaging` in
its capabilities) or when paging is switched on explicitly.
"""

from __future__ import annotations

import json
from typing import Literal
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, Field

from pipelines.geo.reading import Fetch, GeoJsonError, parse_feature_collection

# A guard against services that ignore paging parameters and never stop answering.
MAX_PAGES = 10_000


class WfsError(RuntimeError):
    """The service answered with an exception report, or in a way that cannot be paged."""


class WfsSettings(BaseModel):
    """Where and how to ask the service; keys of a `wfs` source in `dataset.yaml`."""

    model_config = ConfigDict(extra="forbid")
    url: str
    type_name: str
    version: Literal["2.0.0", "1.1.0"] = "2.0.0"
    output_format: str = "application/json"
    srs_name: str | None = None  # ask the service to reproject; None: its default CRS
    page_size: int = Field(1000, ge=1)
    paging: Literal["auto", "on", "off"] = "auto"
    params: dict[str, str] = {}  # extra vendor parameters, e.g. a CQL filter


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def exception_text(body: bytes) -> str | None:
    """The message of an OWS ExceptionReport (or WMS-style ServiceExceptionReport) in `body`,
    or None when `body` is not one."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if "ExceptionReport" not in _local(root.tag):
        return None
    texts = [
        " ".join(element.itertext()).strip()
        for element in root.iter()
        if _local(element.tag) in ("ExceptionText", "ServiceException")
    ]
    return "; ".join(text for text in texts if text) or "ExceptionReport ohne Text"


def supports_paging(capabilities: bytes) -> bool:
    """Whether a GetCapabilities document declares `ImplementsResultPaging` TRUE.

    Raises `WfsError` when `capabilities` is not XML or is an exception report.
    """
    problem = exception_text(capabilities)
    if problem:
        raise WfsError(f"GetCapabilities: {problem}")
    try:
        root = ElementTree.fromstring(capabilities)
    except ElementTree.ParseError as error:
        raise WfsError(
            f"GetCapabilities ist kein XML (Zeile {error.position[0]}, Spalte {error.position[1]})"
        ) from error
    for element in root.iter():
        if _local(element.tag) == "Constraint" and element.get("name") == "ImplementsResultPaging":
            values = [child.text or "" for child in element.iter() if _local(child.tag) == "DefaultValue"]
            return any(value.strip().upper() == "TRUE" for value in values)
    return False


def get_feature_params(settings: WfsSettings, start_index: int | None) -> dict[str, str]:
    """The query parameters of one GetFeature request (a page when `start_index` is set)."""
    params = {
        "service": "WFS",
        "version": settings.version,
        "request": "GetFeature",
        "outputFormat": settings.output_format,
    }
    if settings.version == "2.0.0":
        params["typeNames"] = settings.type_name
    else:
        params["typeName"] = settings.type_name
    if settings.srs_name:
        params["srsName"] = settings.srs_name
    if start_index is not None:
        params["startIndex"] = str(start_index)
        params["count" if settings.version == "2.0.0" else "maxFeatures"] = str(settings.page_size)
    params.update(settings.params)
    return params


def _page(settings: WfsSettings, fetch: Fetch, start_index: int | None) -> dict:
    body = fetch(settings.url, get_feature_params(settings, start_index))
    problem = exception_text(body) if body.lstrip()[:1] == b"<" else None
    if problem:
        raise WfsError(f"GetFeature {settings.type_name}: {problem}")
    try:
        return parse_feature_collection(body, f"{settings.url} ({settings.type_name})")
    except GeoJsonError as error:
        raise WfsError(f"{error} — ist outputFormat {settings.output_format!r} richtig?") from error


def _feature_key(feature: dict) -> str:
    return str(feature.get("id")) if feature.get("id") is not None else json.dumps(feature, sort_keys=True)


def read_wfs(settings: WfsSettings, fetch: Fetch) -> dict:
    """All features of the layer as one GeoJSON FeatureCollection.

    The collection keeps the first page's `crs` member so the CRS is known downstream.
    Raises `WfsError` for exception reports, non-GeoJSON answers, and services that
    ignore `startIndex` (the same feature arriving twice); `fetch` raises its own errors.
    """
    paging = settings.paging == "on"
    if settings.paging == "auto":
        capabilities = fetch(
            settings.url, {"service": "WFS", "version": settings.version, "request": "GetCapabilities"}
        )
        paging = supports_paging(capabilities)
    if not paging:
        return _page(settings, fetch, None)
    features: list[dict] = []
    seen: set[str] = set()
    first: dict | None = None
    for page_number in range(MAX_PAGES):
        page = _page(settings, fetch, len(features))
        first = first or page
        for feature in page["features"]:
            key = _feature_key(feature)
            if key in seen:
                raise WfsError(
                    f"Der Dienst liefert Objekt {key} doppelt (Seite {page_number + 1}); "
                    "er ignoriert offenbar startIndex. paging: off setzen."
                )
            seen.add(key)
        features.extend(page["features"])
        matched = page.get("numberMatched", page.get("totalFeatures"))
        if len(page["features"]) < settings.page_size or (isinstance(matched, int) and len(features) >= matched):
            break
    else:
        raise WfsError(f"Mehr als {MAX_PAGES} Seiten: Abbruch.")
    collection = {"type": "FeatureCollection", "features": features}
    if first and first.get("crs"):
        collection["crs"] = first["crs"]
    return collection
