"""Shapefiles (a `.shp`, a folder or a `.zip`) → the `shapefile` kind, and XPlanGML plans →
the `xplan` kind. Both are read here exactly as the build reads them (pipelines/geo/), so what
the draft promises — encoding, CRS, fields, plans — is what the build will find."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from pipelines.add.draft import Draft, DraftFailed, Probe
from pipelines.add.drafters.geojson import unique_id_property
from pipelines.add.names import column_names
from pipelines.geo.declarations import GEOMETRY_FIELDS
from pipelines.kinds.file_format import sniff

_AREA_TYPES = ("Polygon", "MultiPolygon")


class ShapefileDrafter:
    kind = "shapefile"

    def recognises(self, probe: Probe) -> int:
        if probe.path.is_dir() or probe.head.startswith(b"PK\x03\x04") or probe.suffix == ".shp":
            found = sniff(probe.path)
            return 3 if found.kind == "shapefile" else 0
        return 0

    def draft(self, probe: Probe) -> Draft:
        from pipelines.geo.crs import UnknownCrs, parse_crs
        from pipelines.geo.ogr import LayerUnreadable, read_layer
        from pipelines.geo.shapefile import ShapefileProblem, dbf_encoding, find_shp, prj_text, unpack_zip

        with tempfile.TemporaryDirectory(prefix="kommune-shp-") as scratch:
            try:
                location = unpack_zip(probe.path, Path(scratch)) if zipfile.is_zipfile(probe.path) else probe.path
                shp = find_shp(location)
                encoding = dbf_encoding(shp)
                prj = prj_text(shp)
                if prj is None:
                    raise DraftFailed(
                        f"zu {shp.name} fehlt die .prj-Datei mit dem Koordinatensystem; "
                        "die .prj mitliefern (oder nach dem Entwurf source.crs angeben)"
                    )
                crs = parse_crs(prj)
                layer = read_layer(shp, encoding=encoding.name)
            except ShapefileProblem as problem:
                raise DraftFailed(str(problem)) from problem
            except UnknownCrs as problem:
                raise DraftFailed(f"{shp.stem}.prj: {problem}") from problem
            except LayerUnreadable as problem:
                raise DraftFailed(
                    f"{problem} (Kodierung {encoding.name}, {encoding.origin}); "
                    "nach dem Entwurf source.encoding angeben"
                ) from problem
        features = layer.document["features"]
        types = {(feature["geometry"] or {}).get("type") for feature in features}
        if not features or not types <= set(_AREA_TYPES):
            raise DraftFailed(
                f"{shp.name} enthält {', '.join(sorted(map(str, types))) or 'keine Objekte'}; "
                "das Portal veröffentlicht Flächen (Polygone)"
            )
        _refuse_misplaced(layer.document, prj, shp.name)
        decided = [
            f"Shapefile {shp.name} mit {len(features)} Flächen und {len(layer.fields)} Feldern",
            f"Zeichenkodierung: {encoding.name} ({encoding.origin})",
            f"Koordinatensystem aus {shp.stem}.prj: {crs.name} (es gelten die Parameter der .prj"
            + (f"; am nächsten kommt EPSG:{crs.to_epsg()})" if crs.to_epsg() else "; kein EPSG-Code)"),
        ]
        undecided = []
        source: dict = {"kind": "shapefile"}
        if len({path.stem for path in location.rglob("*.shp")} if location.is_dir() else {shp.stem}) > 1:
            source["layer"] = shp.stem
        id_property = unique_id_property(features, layer.fields)
        if id_property:
            source["id_property"] = id_property
            decided.append(f"Kennung der Flächen: Feld „{id_property}“")
        else:
            undecided.append("kein Feld mit eindeutigen Werten: die Flächen werden nach ihrer Stellung gezählt")
        reserved = ["id", *(field["name"] for field in GEOMETRY_FIELDS)]
        names = column_names(reserved + layer.fields)[len(reserved) :]
        source["columns"] = dict(zip(names, layer.fields, strict=True))
        decided.append(
            "Feldnamen (in .dbf höchstens 10 Zeichen) auf Spaltennamen abgebildet: "
            + ", ".join(f"{field} → {name}" for name, field in source["columns"].items() if name != field)
        )
        undecided.append(
            "alle Felder als Text veröffentlicht; sind es Bebauungspläne, statt columns: plans: "
            "mit Nummer, Name und Rechtsstand angeben (siehe README, „Geodaten“)"
        )
        return Draft(
            source=source,
            decided=decided,
            undecided=undecided,
            steps=[{"type": "make-valid"}],
            family="bauen",
            themes=["REGI"],
        )


def _refuse_misplaced(document: dict, crs: str, shown_name: str) -> None:
    """The build's own geometry check (with make-valid, as drafted): a file whose coordinates
    do not fit its .prj is refused now, not promised and then failed by the build."""
    from pipelines.geo.features import prepare_features

    problems = prepare_features(document, crs, repair=True).problems
    if problems:
        first = problems[0]
        raise DraftFailed(
            f"{shown_name}: {len(problems)} Fläche(n) nicht veröffentlichbar, z. B. „{first.feature_id}“: "
            f"{first.message}"
        )


class XPlanDrafter:
    kind = "xplan"

    def recognises(self, probe: Probe) -> int:
        if not probe.head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
            return 0
        return 3 if sniff(probe.path).kind == "xplan" else 0

    def draft(self, probe: Probe) -> Draft:
        from pipelines.geo.ogr import LayerUnreadable
        from pipelines.geo.xplan import NotXPlan, read_plans

        with tempfile.TemporaryDirectory(prefix="kommune-xplan-") as scratch:
            try:
                document, crs, version = read_plans(probe.path, Path(scratch) / "work")
            except (NotXPlan, LayerUnreadable) as problem:
                raise DraftFailed(str(problem)) from problem
        plans = [feature["properties"] for feature in document["features"]]
        decided = [
            f"XPlanGML {version} mit {len(plans)} Plan/Plänen: "
            + ", ".join(f"{plan['planart']} {plan.get('plannummer') or ''}".strip() for plan in plans[:5]),
            "Nummer, Name, Rechtsstand, Daten, Gemeinde und Geltungsbereich nach dem XPlanung-Standard",
        ]
        undecided = []
        if crs:
            decided.append(f"Koordinatensystem aus srsName: {crs}")
        else:
            undecided.append("die Geometrien nennen kein einheitliches srsName: source.crs angeben")
        if any(not plan.get("nummer") for plan in plans):
            undecided.append("ohne xplan:nummer dient der Name als Plannummer")
        title = f"{plans[0]['planart']} {plans[0]['name']}" if len(plans) == 1 and plans[0].get("name") else None
        return Draft(
            source={"kind": "xplan", **({} if crs else {"crs": None})},
            decided=decided,
            undecided=undecided,
            family="bauen",
            themes=["REGI"],
            title=title,
        )


SHAPEFILE_DRAFTER = ShapefileDrafter()
XPLAN_DRAFTER = XPlanDrafter()
