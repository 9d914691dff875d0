"""The shapefile kind end to end, on shapefiles written here with GDAL (pyogrio): a cp1252
DBF told by its .cpg or only by its language-driver byte, a .prj with the zone number in
the false easting, a .zip and a folder; compared with an independent reading of the bytes."""

import io
import json
import sqlite3
import zipfile

import numpy
import pyproj
import pytest
import shapely
from pyogrio.raw import write

from kommune import portal
from tests.conftest import dataset_yaml

# UTM 32N with the zone number in front of the easting (32500000), as many German GIS write
# it; not an EPSG code, so only a reader that takes the .prj's parameters places it right.
ODD_PRJ = (
    'PROJCS["ETRS89_UTM_Zone_32N_mit_Zonenkennung",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",32500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
E, N = 32_405_500.0, 5_724_400.0
BOXES = [(E, N, E + 100, N + 100), (E + 200, N, E + 300, N + 150)]
NAMES = ["Südstraße „Mitte“", "Am Bürgerhaus – 5 €"]
PLANS = "{id_property: PLAN_ID, plans: {number: PLAN_NR, name: BEZEICHNUN, state: RECHTSSTAN}}"


def write_shapefile(folder, encoding="cp1252", keep_cpg=True, language_driver=None, prj=ODD_PRJ):
    folder.mkdir(parents=True, exist_ok=True)
    write(
        str(folder / "plaene.shp"),
        numpy.array([shapely.to_wkb(shapely.box(*box)) for box in BOXES], dtype=object),
        [
            numpy.array(["BP-1", "BP-2"], dtype=object),
            numpy.array(["12", "12a"], dtype=object),
            numpy.array(NAMES, dtype=object),
            numpy.array([4000, 2400]),
        ],
        ["PLAN_ID", "PLAN_NR", "BEZEICHNUN", "RECHTSSTAN"],
        geometry_type="Polygon",
        encoding=encoding,
        driver="ESRI Shapefile",
        crs="EPSG:25832",
    )
    if not keep_cpg:
        (folder / "plaene.cpg").unlink()
    if language_driver is not None:
        with open(folder / "plaene.dbf", "r+b") as handle:
            handle.seek(29)
            handle.write(bytes([language_driver]))
    if prj is not None:
        (folder / "plaene.prj").write_text(prj, encoding="ascii")
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"export/{name}", content)
    return buffer.getvalue()


def test_cp1252_zip_told_only_by_language_driver_with_odd_false_easting(portal_dir, tmp_path):
    files = write_shapefile(tmp_path / "shp", keep_cpg=False, language_driver=0x57)
    assert "Südstraße".encode("cp1252") in files["plaene.dbf"]  # really Windows-1252 bytes
    portal_dir.add(
        "plaene",
        dataset_yaml(f"{{kind: shapefile, path: sample/plaene.zip, {PLANS[1:-1]}}}"),
        files={"sample/plaene.zip": zipped(files)},
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    db = sqlite3.connect(portal_dir.out / "portal.db")
    rows = db.execute(
        "select id, nummer, name, verfahrensstand, bbox_west, bbox_sued, bbox_ost, bbox_nord from plaene order by id"
    ).fetchall()
    assert [row[:4] for row in rows] == [
        ("BP-1", "12", NAMES[0], "rechtskraeftig"),
        ("BP-2", "12a", NAMES[1], "offenlage"),
    ]
    # independent: plain UTM 32N after taking the zone number off the easting
    to_wgs84 = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    for (west, south, east, north), row in zip(BOXES, rows, strict=True):
        lons, lats = to_wgs84.transform([west - 32_000_000, east - 32_000_000] * 2, [south, south, north, north])
        assert row[4:] == pytest.approx((min(lons), min(lats), max(lons), max(lats)), abs=1e-6)
    assert 7.6 < rows[0][4] < 7.7 and 51.6 < rows[0][5] < 51.7  # Werne, not 400 km off


def test_folder_with_cpg_and_columns_mapped_from_ten_character_names(portal_dir, tmp_path):
    files = write_shapefile(tmp_path / "shp", encoding="utf-8")
    assert (tmp_path / "shp" / "plaene.cpg").read_text().strip().upper().replace("-", "") == "UTF8"
    portal_dir.add(
        "flaechen",
        dataset_yaml(
            "{kind: shapefile, path: sample/daten, id_property: PLAN_ID, "
            "columns: {bezeichnung: BEZEICHNUN, plannummer: PLAN_NR}}"
        ),
        files={f"sample/daten/{name}": content for name, content in files.items()},
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select bezeichnung, plannummer from flaechen order by id").fetchall() == [
        (NAMES[0], "12"),
        (NAMES[1], "12a"),
    ]
    geometry = json.loads(db.execute("select geometrie from flaechen where id = 'BP-1'").fetchone()[0])
    assert geometry["type"] == "Polygon"


def test_wrong_declared_encoding_fails_alone_in_german(portal_dir, tmp_path):
    files = write_shapefile(tmp_path / "shp")
    portal_dir.add(
        "plaene",
        dataset_yaml(f"{{kind: shapefile, path: sample/plaene.zip, encoding: utf-8, {PLANS[1:-1]}}}"),
        files={"sample/plaene.zip": zipped(files)},
    )
    portal_dir.add(
        "gut",
        dataset_yaml(f"{{kind: shapefile, path: sample/plaene.zip, {PLANS[1:-1]}}}"),
        files={"sample/plaene.zip": zipped(files)},
    )
    results = {d.id: d for d in portal.build(portal_dir.root, portal_dir.out).datasets}
    assert results["gut"].status == "ok"
    assert results["plaene"].status == "failed"
    (issue,) = results["plaene"].issues
    assert "utf-8" in issue.message and "source.encoding" in issue.expected
    report = (portal_dir.out / "datasets" / "plaene" / "report.json").read_text()
    page = (portal_dir.out / "site" / "bericht" / "index.html").read_text(encoding="utf-8")
    for public in (report, page):
        assert "UnicodeDecodeError" not in public and "codec" not in public and "declared" not in public
    assert "Texte sind nicht in utf-8 geschrieben" in page and "in dataset.yaml angegeben" in page


def test_missing_prj_and_misnamed_fields_are_named(portal_dir, tmp_path):
    files = write_shapefile(tmp_path / "shp", prj=None)
    del files["plaene.prj"]
    portal_dir.add(
        "ohne-prj",
        dataset_yaml(f"{{kind: shapefile, path: sample/plaene.zip, {PLANS[1:-1]}}}"),
        files={"sample/plaene.zip": zipped(files)},
    )
    files = write_shapefile(tmp_path / "shp2")
    portal_dir.add(
        "falsch",
        dataset_yaml(
            "{kind: shapefile, path: sample/plaene.zip, id_property: PLAN_ID, "
            "plans: {number: PLAN_NR, name: BEZEICHNUNG, state: RECHTSSTAN}}"
        ),
        files={"sample/plaene.zip": zipped(files)},
    )
    results = {d.id: d for d in portal.build(portal_dir.root, portal_dir.out).datasets}
    (issue,) = results["ohne-prj"].issues
    assert issue.field == "crs" and ".prj" in issue.message and "EPSG:25832" in issue.expected
    (issue,) = results["falsch"].issues
    assert "BEZEICHNUNG" in issue.message and "BEZEICHNUN" in issue.expected
