"""What a source file really is, told from its first bytes: for reports that say in German
what was found instead of what the declaration promised ("Datei ist keine Tabelle, sondern
JSON"), and for choosing a kind.

Only the content counts, never the file name: a town's server names a GeoJSON `export.csv`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64 * 1024
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_XPLAN = re.compile(rb"xplanung\.de/xplangml/(\d+)/(\d+)")


@dataclass(frozen=True)
class FileFormat:
    kind: str | None  # the source kind that reads it, None when no kind does
    label: str  # German, after "Die Datei ist …": "XPlanGML 5.2", "eine HTML-Seite"


def _zip_format(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name.lower() for name in archive.namelist()]
            # OpenDocument names its type in a small first member (the spec stores it uncompressed)
            mimetype = archive.read("mimetype")[:100] if "mimetype" in archive.namelist() else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return FileFormat(None, "eine beschädigte ZIP-Datei")
    if any(name.endswith(".shp") for name in names):
        return FileFormat("shapefile", "ein ZIP-Archiv mit Shapefile")
    if "[content_types].xml" in names and any(name.startswith("xl/") for name in names):
        return FileFormat("xlsx", "eine Excel-Arbeitsmappe (XLSX)")
    if mimetype.strip() == _ODS_MIMETYPE and "content.xml" in names:
        return FileFormat("ods", "eine OpenDocument-Tabelle (ODS)")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return FileFormat(None, "ein OpenDocument-Dokument, aber keine Tabelle (z. B. ein Textdokument)")
    return FileFormat(None, "ein ZIP-Archiv ohne Shapefile oder Tabelle")


def sniff(path: Path) -> FileFormat:
    """The format of the file at `path` (a folder holding a shapefile counts as one)."""
    if path.is_dir():
        has_shp = any(child.suffix.lower() == ".shp" for child in path.rglob("*"))
        return FileFormat("shapefile" if has_shp else None, "ein Ordner mit Shapefile" if has_shp else "ein Ordner")
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(b"%PDF"):
        return FileFormat(None, "ein PDF-Dokument")
    if head[:4] == b"\x00\x00\x27\x0a":
        return FileFormat("shapefile", "die Geometriedatei eines Shapefiles (.shp)")
    if not head.strip():
        return FileFormat(None, "leer")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = text[:2048].lower()
    if text.startswith(b"<"):
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return FileFormat(None, "eine HTML-Seite (z. B. eine Fehler- oder Anmeldeseite)")
        match = _XPLAN.search(head)
        if match:
            return FileFormat("xplan", f"XPlanGML {int(match.group(1))}.{int(match.group(2))}")
        if b"opengis.net/gml" in head:
            return FileFormat(None, "GML (aber kein XPlanGML)")
        return FileFormat(None, "ein XML-Dokument")
    if text[:1] in (b"{", b"["):
        if re.search(rb'"type"\s*:\s*"(FeatureCollection|Feature)"', head):
            return FileFormat("geojson", "GeoJSON")
        return FileFormat("json", "JSON")
    if b"\x00" in head:
        return FileFormat(None, "eine Binärdatei")
    return FileFormat("csv", "Text (CSV)")


def describe_file(path: Path) -> str:
    """`sniff(path).label`, for messages."""
    return sniff(path).label


def refuse_other_format(path: Path, declared_kind: str, shown_name: str, encoding: str | None = None) -> None:
    """Raise DatasetFailed when the file is plainly something the declared kind does not read:
    "Datei ist keine Tabelle, sondern JSON", "Datei ist XPlanGML 5.2, deklariert ist geojson",
    with the kind to declare. XLSX keeps its own container check (ODS gets both); UTF-16/32 text is not sniffed."""
    from pipelines.errors import DatasetFailed, Issue

    if declared_kind not in _READS or (encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        return
    found = sniff(path)
    if found.kind in _READS[declared_kind] or (found.label == "leer" and declared_kind in _TABLES):
        return  # an empty table gets Frictionless's own report
    what = "keine Tabelle, sondern " if declared_kind in _TABLES else ""
    fix = (
        f"kind: {found.kind} deklarieren (oder die richtige Datei angeben)"
        if found.kind
        else "die richtige Datei angeben (diese enthält keine Daten in einem lesbaren Format)"
    )
    raise DatasetFailed(
        f"{shown_name} ist {found.label}, deklariert ist {declared_kind}",
        [
            Issue(
                type="format-error",
                file=shown_name,
                message=f"Datei ist {what}{found.label}, deklariert ist {declared_kind}",
                expected=fix,
            )
        ],
    )


_TABLES = ("csv", "service-records")
# declared kind -> the formats it reads
_READS = {
    "csv": ("csv",),
    "service-records": ("csv",),
    "ods": ("ods",),
    "json": ("json", "geojson"),
    "geojson": ("geojson",),
    "shapefile": ("shapefile",),
    "xplan": ("xplan",),
}
