"""Rules across datasets (pipelines.portal_rules) through the real CLI: `kommune validate`
names the dataset and key with exit code 2 like every declaration mistake, and `kommune build`
fails the offending dataset alone instead of ending in a traceback."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import dataset_yaml, run_kommune

SCHEMA = "fields:\n  - {name: ort, type: string, title: Ort, description: Ortsteil.}\n"
CSV = {"sample/a.csv": b"ort\nStockum\n"}
CSV_SOURCE = '{kind: csv, path: sample/a.csv, delimiter: ","}'
GEOJSON = {
    "sample/a.geojson": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": "f1",
                    "properties": {"name": "Mitte"},
                    "geometry": {"type": "Point", "coordinates": [7.63, 51.66]},
                }
            ],
        }
    ).encode()
}


def validate(portal_dir) -> tuple[int, str]:
    result = run_kommune("validate", "--no-sources", "-C", str(portal_dir.root))
    return result.returncode, result.stdout + result.stderr


def kpis(portal_dir, *entries: str) -> None:
    (portal_dir.root / "metadata" / "kpis.yaml").write_text("".join(entries), encoding="utf-8")


def kpi(kpi_id: str, sql: str, datasets: str = "[orte]") -> str:
    return (
        f'- id: {kpi_id}\n  title: Probe\n  sentence: "{{value}} {{unit}}"\n  unit: Orte\n'
        f'  datasets: {datasets}\n  sql: "{sql}"\n'
    )


def test_a_table_another_dataset_publishes_fails_the_newcomer_alone(portal_dir):
    portal_dir.add_demo("ratsinformation")
    portal_dir.add("oparl-meeting", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    portal_dir.add("stadtgrenze", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)  # the map reads geometrie, name
    portal_dir.add("orte", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    kpis(portal_dir, kpi("kaputt", "select 1 as period, count(*) as value from gibt_es_nicht"))

    code, output = validate(portal_dir)
    assert code == 2
    assert (
        "datasets/oparl-meeting/dataset.yaml: Ordnername: Tabelle „oparl_meeting“ veröffentlicht auch "
        "datasets/ratsinformation"
    ) in output
    assert "datasets/ratsinformation/dataset.yaml" not in output  # its names are fixed by its kind
    assert "datasets/stadtgrenze/dataset.yaml: Ordnername: die Website liest die Tabelle „stadtgrenze“" in output
    assert "es fehlen geometrie, name" in output
    assert "metadata/kpis.yaml: 0.sql: Kennzahl „kaputt“: Tabelle „gibt_es_nicht“" in output

    # The build leaves out the two datasets, publishes the others, and a KPI that no longer
    # fits stays the dashboard's business (shown as unavailable), not a reason to stop.
    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "SchemaConflict" not in result.stderr
    report = {d["id"]: d for d in json.loads((portal_dir.out / "build-report.json").read_text())["datasets"]}
    assert report["ratsinformation"]["status"] == "ok" and report["orte"]["status"] == "ok"
    assert report["oparl-meeting"]["status"] == report["stadtgrenze"]["status"] == "failed"
    with sqlite3.connect(portal_dir.out / "portal.db") as db:
        assert db.execute("select count(*) from oparl_meeting").fetchone()[0] > 0  # the council's meetings
        assert db.execute("select count(*) from orte").fetchone()[0] == 1


def test_reserved_and_derived_table_names_are_refused(portal_dir):
    portal_dir.add("portal-datasets", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    portal_dir.add("orte-fts", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    code, output = validate(portal_dir)
    assert code == 2
    assert (
        "datasets/portal-datasets/dataset.yaml: Ordnername: Tabellenname „portal_datasets“ ist dem Portal vorbehalten"
    ) in output
    assert "datasets/orte-fts/dataset.yaml: Ordnername: Tabellenname „orte_fts“ ist dem Portal vorbehalten" in output


def test_a_clash_is_told_to_the_dataset_that_chose_its_table_name(portal_dir):
    portal_dir.add("orte", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    portal_dir.add(
        "flaechen",
        dataset_yaml(
            "{kind: geojson, path: sample/a.geojson, resource: orte, columns: {name: name}}", extra="family: bauen\n"
        ),
        None,
        GEOJSON,
    )
    code, output = validate(portal_dir)
    assert code == 2
    assert (
        "datasets/flaechen/dataset.yaml: source.resource: Tabelle „orte“ veröffentlicht auch datasets/orte; "
        "Tabellennamen gelten im ganzen Portal (bitte einen anderen Namen unter source.resource wählen)"
    ) in output
    assert "datasets/orte/dataset.yaml" not in output


def test_kpi_queries_name_tables_and_columns_that_exist_and_return_what_the_dashboard_reads(portal_dir):
    portal_dir.add("orte", dataset_yaml(CSV_SOURCE), SCHEMA, CSV)
    kpis(
        portal_dir,
        kpi("gut", "select '2024' as period, count(*) as value from orte where ort <> :ort"),
        kpi("spalte", "select '2024' as period, count(einwohner) as value from orte"),
        kpi("ergebnis", "select '2024' as zeitraum, count(*) as value from orte"),
        kpi("portal", "select '2024' as period, count(*) as value from portal_datasets", datasets="[]"),
        kpi("syntax", "select period value from", datasets="[]"),
        kpi("gut", "select '2024' as period, 1 as value", datasets="[]"),
    )
    code, output = validate(portal_dir)
    assert code == 2
    assert "0.sql" not in output and "Kennzahl „portal“" not in output  # publish/'s own table is fine
    assert (
        "metadata/kpis.yaml: 1.sql: Kennzahl „spalte“: Spalte „einwohner“ gibt es in den gelesenen Tabellen nicht"
    ) in output
    assert (
        "2.sql: Kennzahl „ergebnis“: die Abfrage liefert die Spalten zeitraum, value, erwartet: period, value"
    ) in output
    assert "4.sql: Kennzahl „syntax“: SQL-Fehler" in output
    assert "metadata/kpis.yaml: 5.id: Kennzahl „gut“ gibt es schon" in output

    kpis(portal_dir, kpi("gut", "select '2024' as period, count(*) as value from orte"))
    assert validate(portal_dir)[0] == 0


def test_a_foreign_key_points_at_a_published_table_and_column(portal_dir):
    portal_dir.add("orte", dataset_yaml(CSV_SOURCE), SCHEMA + "primaryKey: [ort]\n", CSV)
    keyed = SCHEMA + "foreignKeys:\n  - {fields: [ort], reference: {resource: %s, fields: [%s]}}\n"
    portal_dir.add("besuche", dataset_yaml(CSV_SOURCE), keyed % ("orte", "ort"), CSV)
    assert validate(portal_dir)[0] == 0
    (portal_dir.root / "datasets" / "besuche" / "schema.yaml").write_text(keyed % ("stadtteile", "ort"))
    code, output = validate(portal_dir)
    assert (
        code == 2
        and (
            "datasets/besuche/schema.yaml: foreignKeys.0.reference.resource: Tabelle „stadtteile“ "
            "veröffentlicht kein Datensatz des Portals"
        )
        in output
    )
    (portal_dir.root / "datasets" / "besuche" / "schema.yaml").write_text(keyed % ("orte", "name"))
    code, output = validate(portal_dir)
    assert code == 2 and "foreignKeys.0.reference.fields: Spalte name fehlt in Tabelle „orte“" in output
