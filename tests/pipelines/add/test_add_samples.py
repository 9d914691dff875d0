"""Every real file in ../shared/reference/samples that `kommune add` handles goes through
`kommune add` and `kommune build` with no edit; the published values are compared with an
independent parse of the file (layout written down here by reading each file, not detected)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from frictionless import Package

from tests.conftest import PortalDir, run_kommune

# file: (encoding, delimiter, first data record, number of data records, a text with umlauts
# that must arrive intact). Record numbers as csv.reader counts them, 1-based.
SAMPLES = {
    "koeln_haushalt_gesamtergebnisplan.csv": ("utf-8", ";", 2, 26, "01 - Steuern und ähnliche Abgaben"),
    "koeln_itnrw-genesis_33111-02ir_flaechennutzung.csv": ("iso-8859-1", ";", 10, 19, None),
    "muenster_awm_altkleider_container.csv": ("utf-8", ",", 2, 23, "48163 Münster - Albachten"),
    "muenster_klimadashboard_pv_anlagen.csv": ("utf-8", ";", 2, 22, "Stadt Münster"),
    "muenster_ladesaeulen.csv": ("utf-8", ";", 2, 166, "Stadtwerke Münster GmbH"),
    "muenster_mobilitaetsdaten_stadtteile.csv": ("utf-8", ";", 2, 54, "Amelsbüren"),
    "muenster_owi_ruhender_verkehr.csv": ("utf-8-sig", ";", 2, 4, None),
    "wesel_haushalt_kontenrahmen.csv": ("iso-8859-1", ";", 2, 40, "Steuern und ähnliche Abgaben"),
}
GEOJSON = "nrw_bebauungsplaene_15_rows_epsg25832.geojson"


def _id(name: str) -> str:
    return name.split(".")[0].replace("_", "-").lower()


@pytest.fixture(scope="module")
def built(reference_dir, tmp_path_factory):
    portal = PortalDir(tmp_path_factory.mktemp("samples") / "portal")
    outputs = {}
    for name in [*SAMPLES, GEOJSON]:
        result = run_kommune("add", str(reference_dir / "samples" / name), "--id", _id(name), "-C", str(portal.root))
        assert result.returncode == 0, result.stderr
        outputs[name] = result.stdout
    build = run_kommune("build", "-C", str(portal.root), "-o", str(portal.out), "--quiet", timeout=600)
    return portal, outputs, build


def test_every_sample_builds_without_an_edit(built):
    portal, outputs, build = built
    assert build.returncode == 0, build.stderr
    report = json.loads((portal.out / "build-report.json").read_text())
    assert {d["id"]: d["status"] for d in report["datasets"]} == {_id(n): "ok" for n in [*SAMPLES, GEOJSON]}
    # What the town must still write is a warning until it is written.
    assert all(any("Entwurf" in w for w in d["warnings"]) for d in report["datasets"])


def test_add_prints_decided_undecided_and_what_to_write(built):
    _, outputs, _ = built
    out = outputs["wesel_haushalt_kontenrahmen.csv"]
    assert "Windows-1252" in out and "Semikolon" in out
    assert "Nicht entschieden" in out and "comment_rows" in out  # the footer lines are skipped by number
    assert "description" in out and "licence" in out


def _number(text: str, delimiter: str) -> Decimal:
    """Independent of the pipeline, for these files: a comma is the decimal mark; dots are
    thousands separators in `;` files (Köln: `1.596.852.249`) and decimal marks in the
    one `,` file (coordinates `51.923733`)."""
    text = text.strip()
    if "," in text or delimiter == ";":
        return Decimal(text.replace(".", "").replace(",", "."))
    return Decimal(text)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_published_values_equal_an_independent_parse(built, reference_dir, name):
    portal, _, build = built
    encoding, delimiter, first, count, umlaut_text = SAMPLES[name]
    raw = (reference_dir / "samples" / name).read_bytes().decode(encoding)
    records = list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter))
    data = records[first - 1 : first - 1 + count]
    dataset = portal.out / "datasets" / _id(name)
    package = json.loads((dataset / "datapackage.json").read_text())
    resource = package["resources"][0]
    with open(dataset / resource["path"], encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))
    assert len(published) == count == resource["kommune"]["rows"]
    fields = resource["schema"]["fields"]
    for position, field in enumerate(fields):
        column = [row[field["name"]] for row in published]
        if field["type"] in ("integer", "number"):
            # The published CSV has plain numbers: `.` decimals, no thousands separators.
            expected = sum(
                (_number(r[position], delimiter) for r in data if r[position].strip() not in ("", "-", ".", "x")),
                Decimal(0),
            )
            assert sum((Decimal(v) for v in column if v), Decimal(0)) == expected, field["name"]
        if field["type"] == "string":
            assert all(v == v.strip(" \t") for v in column), field["name"]
    if umlaut_text:
        assert any(umlaut_text in row.values() for row in published)
    # The data package describes its own CSV (`.` decimals, ISO dates): Frictionless agrees.
    report = Package("datapackage.json", basepath=str(dataset)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_geojson_sample_publishes_every_feature(built, reference_dir):
    portal, _, _ = built
    source = json.loads((reference_dir / "samples" / GEOJSON).read_text(encoding="utf-8"))
    dataset = portal.out / "datasets" / _id(GEOJSON)
    package = json.loads((dataset / "datapackage.json").read_text())
    with open(dataset / package["resources"][0]["path"], encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))
    assert len(published) == len(source["features"])
    assert {r["name"] for r in published} == {f["properties"]["name"] for f in source["features"]}
    assert all(-180 <= float(r["bbox_west"]) <= 180 and 47 <= float(r["bbox_sued"]) <= 56 for r in published)
