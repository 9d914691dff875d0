"""GeoJSON feature collections → the `geojson` kind, every property published as text."""

from __future__ import annotations

import json

from pipelines.add.draft import Draft, DraftFailed, Probe
from pipelines.add.names import column_names
from pipelines.geo.declarations import GEOMETRY_FIELDS


class GeoJsonDrafter:
    kind = "geojson"

    def recognises(self, probe: Probe) -> int:
        score = 1 if probe.suffix in (".geojson", ".json") else 0
        head = probe.head.lstrip(b"\xef\xbb\xbf \r\n\t")
        if head.startswith(b"{") and b'"FeatureCollection"' in probe.head or b'"Feature"' in probe.head[:4096]:
            score += 2
        return score if score != 1 or probe.suffix == ".geojson" else 0

    def draft(self, probe: Probe) -> Draft:
        try:
            document = json.loads(probe.path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DraftFailed(f"kein gültiges GeoJSON (JSON-Fehler: {error})") from error
        features = document.get("features") if isinstance(document, dict) else None
        if isinstance(document, dict) and document.get("type") == "Feature":
            features = [document]
        if not isinstance(features, list) or not features:
            raise DraftFailed("kein GeoJSON mit Objekten (FeatureCollection mit features) gefunden")
        properties: list[str] = []
        for feature in features:
            for key in (feature.get("properties") or {}) if isinstance(feature, dict) else {}:
                if key not in properties:
                    properties.append(key)
        decided = [f"GeoJSON mit {len(features)} Objekten und {len(properties)} Eigenschaften"]
        undecided = []
        crs = ((document.get("crs") or {}).get("properties") or {}).get("name")
        decided.append(
            f"Koordinatensystem aus der Datei: {crs}" if crs else "kein crs-Eintrag: WGS84 (RFC 7946) angenommen"
        )
        reserved = ["id", *(f["name"] for f in GEOMETRY_FIELDS)]
        names = column_names(reserved + properties)[len(reserved) :]
        source: dict = {"kind": "geojson", "crs": None}
        id_property = unique_id_property(features, properties)
        if id_property:
            source["id_property"] = id_property
            decided.append(f"Kennung der Objekte: Eigenschaft „{id_property}“")
        else:
            undecided.append(
                "keine Eigenschaft mit eindeutigen Werten: Kennung ist die id des Objekts oder seine Stellung"
            )
        source["columns"] = dict(zip(names, properties, strict=True))
        decided.append("alle Eigenschaften als Text veröffentlicht; Geometrie in WGS84 umgerechnet")
        decided.append("ungültige Geometrien werden repariert (Schritt make-valid), jede Reparatur steht im Bericht")
        return Draft(
            source=source,
            schema=None,
            decided=decided,
            undecided=undecided,
            steps=[{"type": "make-valid"}],
            family="bauen",
            themes=["REGI"],
        )


def unique_id_property(features: list, properties: list[str]) -> str | None:
    """A property named like an id whose values are present and distinct in every feature."""
    candidates = [p for p in properties if p.lower() == "id" or p.lower().endswith("id")]
    candidates.sort(key=lambda p: (p.lower() == "id", p))  # planid before a bare database id
    for name in candidates:
        values = [(f.get("properties") or {}).get(name) for f in features]
        if all(v not in (None, "") for v in values) and len({str(v) for v in values}) == len(values):
            return name
    return None


DRAFTER = GeoJsonDrafter()
