"""`kommune validate` reports every problem of every dataset in one run, with true counts,
says "geprüft" (nothing is published) and writes its own report file and names it."""

from __future__ import annotations

import json

from tests.conftest import dataset_yaml, run_kommune

SCHEMA = """\
fields:
  - {name: datum, label: Datum, type: date, format: "%d.%m.%Y", title: Datum, description: Tag.}
  - {name: betrag, label: Betrag, type: integer, title: Betrag, description: Euro.}
"""


def test_validate_counts_every_error_and_names_its_report(portal_dir):
    rows = "Datum;Betrag\n" + "".join(f"xx;{n}\n" for n in range(368))
    portal_dir.add(
        "viele",
        dataset_yaml('{kind: csv, path: sample/a.csv, delimiter: ";"}'),
        SCHEMA,
        {"sample/a.csv": rows.encode()},
    )
    # Schema missing, an upper-case name would have been the next round, and a missing file.
    portal_dir.add("kaputt", dataset_yaml("{kind: csv, path: sample/fehlt.csv}"), None)
    portal_dir.add(
        "namen",
        dataset_yaml('{kind: csv, path: sample/a.csv, delimiter: ";"}'),
        SCHEMA.replace("name: datum", "name: Datum").replace("title: Betrag, ", ""),
        {"sample/a.csv": b"Datum;Betrag\n01.01.2024;1\n"},
    )
    portal_dir.add(
        "gut",
        dataset_yaml('{kind: csv, path: sample/a.csv, delimiter: ";"}'),
        SCHEMA,
        {"sample/a.csv": b"Datum;Betrag\n01.01.2024;1\n"},
    )
    result = run_kommune("validate", "-C", str(portal_dir.root), "--quiet")
    assert result.returncode == 1
    assert "368 Fehler in sample/a.csv, die ersten 200 gezeigt" in result.stderr
    assert "schema.yaml: Datei fehlt" in result.stderr and "fehlt.csv gibt es nicht" in result.stderr
    assert "„fields.0.name“: „Datum“" in result.stderr and "„fields.1.title“" in result.stderr  # same run
    assert "veröffentlicht" not in result.stdout + result.stderr
    report_file = portal_dir.root / "validate-report.json"
    assert f"Bericht: {report_file}" in result.stderr
    report = {d["id"]: d for d in json.loads(report_file.read_text())["datasets"]}
    assert report["gut"]["summary"] == "geprüft"
    assert len(report["viele"]["issues"]) == 200
    assert not (portal_dir.root / "build").exists()
