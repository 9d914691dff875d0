"""Find the parts of an ESRI shapefile and what its side files say: the `.shp` in a folder or a
ZIP, the text encoding of its `.dbf` (from the `.cpg`, else the DBF's language-driver byte)
and its coordinate reference system (the `.prj`, read by pyproj).

German municipal shapefiles are usually Windows-1252 with no `.cpg`; read as UTF-8 they fail
on the first umlaut, read as Latin-1 they turn „ and € into control characters. A `.prj` may
carry a non-standard false easting (UTM with the zone number in front, 32500000): pyproj
reads the parameters as written, so nothing is matched to a "nearest" EPSG code.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

# DBF byte 29, "language driver ID", as ArcGIS and GDAL write it (dBASE/ESRI table). Only
# the ids that occur in German data; 0 means "not set".
LANGUAGE_DRIVERS = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x57: "cp1252",
    0x58: "cp1252",
    0x59: "cp1252",
    0x64: "cp852",
    0x65: "cp866",
    0x7D: "cp1255",
    0x7E: "cp1256",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
}
SIDE_FILES = (".shx", ".dbf", ".prj", ".cpg")


class ShapefileProblem(ValueError):
    """Something a shapefile needs is missing or unreadable; the message is German."""


@dataclass
class Encoding:
    name: str
    origin: str  # German, where the name came from: "laut .cpg", …


def find_shp(location: Path, layer: str | None = None) -> Path:
    """The `.shp` at `location` (a `.shp` file or a folder). With several, `layer` (file name
    without `.shp`) chooses. Raises `ShapefileProblem` naming what is there instead."""
    if location.is_file():
        if location.suffix.lower() != ".shp":
            raise ShapefileProblem(f"{location.name} ist keine .shp-Datei")
        return location
    candidates = sorted(
        path
        for path in location.rglob("*")
        if path.suffix.lower() == ".shp"
        and not any(part.startswith(("__MACOSX", ".")) for part in path.relative_to(location).parts)
    )
    if layer:
        candidates = [path for path in candidates if path.stem == layer]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(path.stem for path in candidates) or "keine"
    raise ShapefileProblem(
        f"{'mehrere' if candidates else 'keine'} .shp-Dateien gefunden ({names})"
        + ("; source.layer wählt eine aus" if candidates else "")
    )


def unpack_zip(archive: Path, target: Path) -> Path:
    """Extract the shapefile parts of a ZIP into `target` (no other members, no paths that
    leave it) and return `target`. Raises `ShapefileProblem` for a broken ZIP."""
    try:
        with zipfile.ZipFile(archive) as opened:
            for member in opened.infolist():
                name = Path(member.filename)
                if member.is_dir() or name.is_absolute() or ".." in name.parts:
                    continue
                if name.suffix.lower() not in (".shp", *SIDE_FILES):
                    continue
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                with opened.open(member) as source, open(destination, "wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
    except (zipfile.BadZipFile, OSError) as error:
        raise ShapefileProblem(f"{archive.name} ist keine lesbare ZIP-Datei") from error
    return target


def _side_file(shp: Path, suffix: str) -> Path | None:
    for candidate in shp.parent.iterdir():
        if candidate.stem == shp.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _codec(label: str) -> str | None:
    """A Python codec for a `.cpg` text ("UTF-8", "1252", "ANSI 1252", "ISO 88591", "CP1252")."""
    text = label.strip().upper().replace("ANSI", "").replace(" ", "").replace("_", "-")
    if text.isdigit():
        text = ("cp" + text) if len(text) in (3, 4) else {"88591": "latin-1", "885915": "iso8859-15"}.get(text, text)
    if text.startswith("ISO") and "8859" in text:
        text = "iso8859-" + text.split("8859", 1)[1].lstrip("-")
    try:
        return codecs.lookup(text).name
    except LookupError:
        return None


def dbf_encoding(shp: Path, declared: str | None = None) -> Encoding:
    """How the shapefile's texts are encoded: declared, else `.cpg`, else the DBF's language
    driver, else Windows-1252 (what German desktop GIS writes when it says nothing).
    Raises `ShapefileProblem` for a `.cpg` that names no known encoding or a missing `.dbf`."""
    if declared:
        return Encoding(declared, "in dataset.yaml angegeben")
    cpg = _side_file(shp, ".cpg")
    if cpg is not None:
        label = cpg.read_text(encoding="ascii", errors="replace")
        codec = _codec(label)
        if codec is None:
            raise ShapefileProblem(
                f"{cpg.name} nennt die unbekannte Kodierung „{label.strip()}“; source.encoding angeben, z. B. cp1252"
            )
        return Encoding(codec, "laut .cpg")
    dbf = _side_file(shp, ".dbf")
    if dbf is None:
        raise ShapefileProblem(f"zu {shp.name} fehlt die Attributtabelle {shp.stem}.dbf")
    with open(dbf, "rb") as handle:
        header = handle.read(32)
    driver = header[29] if len(header) > 29 else 0
    if driver in LANGUAGE_DRIVERS:
        return Encoding(LANGUAGE_DRIVERS[driver], "laut DBF-Sprachtreiber")
    return Encoding("cp1252", "Voreinstellung, die Datei sagt nichts")


def prj_text(shp: Path) -> str | None:
    """The WKT in the shapefile's `.prj`, or None when there is none."""
    prj = _side_file(shp, ".prj")
    if prj is None:
        return None
    return prj.read_text(encoding="latin-1").strip() or None
