"""Data-quality findings of a harvested council system: what the portal repaired or left out.

The repairs themselves happen where the data is read (swapped coordinates in
`model_base.lon_lat`, the municipality key in `model_base.municipality_key`, stray
whitespace by the models); this module counts them over the whole store, so the same data
gives the same findings whether a run harvested fully or only changes. Objects that break
the specification are counted from the harvest's issues of this run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipelines.oparl import models
from pipelines.oparl.store import ObjectStore

MAX_EXAMPLES = 5


def finding(kind: str, message: str, examples: list[str], count: int | None = None) -> dict[str, Any]:
    """One finding as published in report.json: type, German message, count, a few examples."""
    return {
        "type": kind,
        "message": message,
        "count": len(examples) if count is None else count,
        "examples": examples[:MAX_EXAMPLES],
    }


def quality_findings(store: ObjectStore, invalid_objects: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Findings with at least one case, in a fixed order; `invalid_objects` are the URLs of
    objects skipped because they break the specification (missing or wrong required fields)."""
    swapped = [place["id"] for place in store.of_type("Location") if models.coordinates_swapped(place.get("geojson"))]
    keys = [
        f"{body['id']} ({body['ags']} → {models.municipality_key(body['ags'])})"
        for body in store.of_type("Body")
        if body.get("ags") is not None and models.municipality_key(body["ags"]) != body["ags"]
    ]
    trimmed = [f"{object_id} ({name})" for object_id, names in store.with_field(models.TRIMMED) for name in names]
    invalid = sorted(set(invalid_objects))
    findings = [
        finding(
            "swapped-coordinates",
            "Koordinaten als [Breite, Länge] statt [Länge, Breite] geliefert; für die Karte getauscht",
            swapped,
        ),
        finding(
            "municipality-key",
            "Amtlicher Gemeindeschlüssel ohne führende Null geliefert; auf acht Stellen ergänzt",
            keys,
        ),
        finding("stray-whitespace", "Leerzeichen am Anfang oder Ende eines Feldes entfernt", trimmed),
        finding(
            "invalid-object", "Objekte ohne Pflichtfelder oder mit ungültigen Werten nicht veröffentlicht", invalid
        ),
    ]
    return [f for f in findings if f["count"]]
