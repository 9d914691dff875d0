"""Development plans from XPlanGML 4.x–6.x: the BP_Plan and FP_Plan objects of a file, with
number, name, legal state, dates, municipality and the plan area (`raeumlicherGeltungsbereich`).

GDAL's GML driver reads the file (through pyogrio); it takes the CRS from the geometries'
`srsName` and flattens `XP_Gemeinde` into `gemeindeName`. It writes a schema cache (`.gfs`)
beside the file it reads, so it always reads a copy in a work folder — never the source.
Which element holds which column is fixed by the XPlanung standard, so the mapping lives
here (`XPLAN_ATTRIBUTES`), not in each dataset's declaration.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

from pipelines.geo.plans import PlanAttributes

PLAN_LAYERS = {"BP_Plan": "Bebauungsplan", "FP_Plan": "Flächennutzungsplan"}
_NAMESPACE = re.compile(r"^https?://www\.xplanung\.de/xplangml/(\d+)/(\d+)")
SUPPORTED_MAJOR_VERSIONS = (4, 5, 6)

# Derived properties (lower case) are filled by `_derived`; the others are XPlanGML elements.
XPLAN_ATTRIBUTES = PlanAttributes(
    id="gml_id",
    number="plannummer",
    name="name",
    plan_type="planart",
    state="rechtsstand",
    municipality="gemeindeName",
    decision_date="aufstellungsbeschlussDatum",
    display_start_date="auslegungsStartDatum",
    display_end_date="auslegungsEndDatum",
    adoption_date="beschluss",
    in_force_date="inkrafttreten",
    repeal_date="untergangsDatum",
)


class NotXPlan(ValueError):
    """The file is no XPlanGML of a supported version, or holds no BP_Plan/FP_Plan."""


def xplan_version(path: Path) -> str | None:
    """The XPlanGML version ("5.2") from the namespaces the file declares, or None when the
    file is no XML or declares no XPlanGML namespace. Reads only up to the first element."""
    try:
        for _, (_, uri) in ElementTree.iterparse(path, events=("start-ns",)):
            match = _NAMESPACE.match(uri)
            if match:
                return f"{match.group(1)}.{match.group(2)}"
    except ElementTree.ParseError:
        return None
    return None


def _first(value):
    # GDAL reads an element that occurs more than once (auslegungsStartDatum) as a list.
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0):
        return value[0] if len(value) else None
    return value


def _derived(properties: dict, plan_type: str) -> dict:
    """The plan's properties with the columns XPlanung spreads over several elements."""
    plain = {key: _first(value) for key, value in properties.items()}
    plain["plannummer"] = plain.get("nummer") or plain.get("name")  # Hamburg names its plans by number
    plain["planart"] = plan_type
    # Satzung (BP), Rechtsverordnung (Hamburg, Berlin) or Planbeschluss (FP)
    plain["beschluss"] = (
        plain.get("satzungsbeschlussDatum") or plain.get("rechtsverordnungsDatum") or plain.get("planbeschlussDatum")
    )
    plain["inkrafttreten"] = plain.get("inkrafttretensDatum") or plain.get("wirksamkeitsDatum")
    return plain


def read_plans(path: Path, work_dir: Path) -> tuple[dict, str | None, str]:
    """(FeatureCollection of all BP_Plan and FP_Plan objects, CRS from srsName, version).

    Raises `NotXPlan` for another file or one without plans, `LayerUnreadable` when GDAL
    cannot read it.
    """
    from pyogrio import list_layers

    from pipelines.geo.ogr import LayerUnreadable, read_layer  # GDAL and shapely: only when a plan is read

    version = xplan_version(path)
    if version is None:
        raise NotXPlan("die Datei deklariert keinen XPlanGML-Namensraum (http://www.xplanung.de/xplangml/…)")
    if int(version.split(".")[0]) not in SUPPORTED_MAJOR_VERSIONS:
        raise NotXPlan(f"XPlanGML {version} wird nicht unterstützt (unterstützt: 4.x, 5.x, 6.x)")
    work_dir.mkdir(parents=True, exist_ok=True)
    copy = work_dir / "plan.gml"
    try:
        shutil.copyfile(path, copy)
        try:
            layers = {str(name) for name, _ in list_layers(str(copy))}
        except Exception as error:  # pyogrio raises its own DataSourceError; say it in German
            raise LayerUnreadable("GDAL kann die Datei nicht als GML lesen") from error
        features, crs_names = [], set()
        for layer_name, plan_type in PLAN_LAYERS.items():
            if layer_name not in layers:
                continue
            layer = read_layer(copy, layer_name, WRITE_GFS="NO")
            crs_names.add(layer.crs)
            for feature in layer.document["features"]:
                feature["properties"] = _derived(feature["properties"], plan_type)
                features.append(feature)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if not features:
        found = ", ".join(sorted(layers)[:8]) or "keine Objekte"
        raise NotXPlan(f"die Datei enthält keinen BP_Plan und keinen FP_Plan (gefunden: {found})")
    crs_names.discard(None)
    return (
        {"type": "FeatureCollection", "features": features},
        (crs_names.pop() if len(crs_names) == 1 else None),
        version,
    )
