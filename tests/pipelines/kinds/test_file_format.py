"""What a file really is: sniffed from its bytes, and said in German when it is not what the
declaration promised (the cases of issue 16: JSON as csv or service-records)."""

import io
import zipfile
from pathlib import Path

import pytest

from kommune import portal
from pipelines.kinds.file_format import sniff
from tests.conftest import dataset_yaml

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "samples"
HEILBRONN = SAMPLES / "heilbronn_kfz-zulassung_wartezeiten_2016-07.json"


def _zip(names, contents=None):
    """A ZIP with a fixed member date: its bytes are part of the test ids, and pytest-xdist
    refuses to run when two workers collect different ids (the clock's second differed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), (contents or {}).get(name, b"x"))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, kind, label",
    [
        (b'\xef\xbb\xbf[{"a": 1}]', "json", "JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "geojson", "GeoJSON"),
        (
            b"<!DOCTYPE html><html><body>Anmeldung</body></html>",
            None,
            "eine HTML-Seite (z. B. eine Fehler- oder Anmeldeseite)",
        ),
        (b'<x xmlns:xplan="http://www.xplanung.de/xplangml/6/0"/>', "xplan", "XPlanGML 6.0"),
        (b"%PDF-1.7", None, "ein PDF-Dokument"),
        (_zip(["a/plaene.shp", "a/plaene.dbf"]), "shapefile", "ein ZIP-Archiv mit Shapefile"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx", "eine Excel-Arbeitsmappe (XLSX)"),
        (
            _zip(["mimetype", "content.xml"], {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "ods",
            "eine OpenDocument-Tabelle (ODS)",
        ),
        (
            _zip(["mimetype", "content.xml"], {"mimetype": b"application/vnd.oasis.opendocument.text"}),
            None,
            "ein OpenDocument-Dokument, aber keine Tabelle (z. B. ein Textdokument)",
        ),
        ("Datum;Betrag\n24.01.2020;1.234,56\n".encode("cp1252"), "csv", "Text (CSV)"),
    ],
)
def test_sniff(tmp_path, content, kind, label):
    (tmp_path / "f").write_bytes(content)
    found = sniff(tmp_path / "f")
    assert (found.kind, found.label) == (kind, label)


SCHEMA = "fields:\n" + "".join(
    f"  - {{name: {name}, type: {kind}, title: {name}, description: {name}}}\n"
    for name, kind in (("monat", "date"), ("amt", "string"), ("kanal", "string"), ("kennung", "string"))
)


@pytest.mark.parametrize(
    "source",
    [
        "{kind: csv, path: sample/d.csv}",
        "{kind: service-records, path: sample/d.csv, month: monat, rows: amt, columns: kanal, "
        "personal: {identifiers: [kennung]}}",
    ],
)
def test_json_declared_as_a_table_says_so_in_german(portal_dir, source):
    portal_dir.add("falsch", dataset_yaml(source), SCHEMA, files={"sample/d.csv": HEILBRONN.read_bytes()})
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "failed"
    issue = result.issues[0]
    kind = source.split(",")[0].split()[-1]
    assert issue.message == f"Datei ist keine Tabelle, sondern JSON, deklariert ist {kind}", result.issues
    assert "kind: json" in issue.expected
