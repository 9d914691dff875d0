"""Freshness promises: the declared frequency becomes a due date, and a dataset whose source was
fetched fine but has not changed for longer than its frequency allows is overdue — on its page,
in /katalog/, on /bericht/, in portal.db and in the KPI that counts overdue datasets."""

from __future__ import annotations

import datetime as dt
import json

import yaml

from kommune import portal
from publish import publish_build
from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.freshness import health
from publish.kpis import evaluate_all
from tests.conftest import GERMAN_SCHEMA, REPO, dataset_yaml

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
CSV = "Datum;Betrag;Ort\n24.01.2020;1.234,56;Nord\n25.01.2020;-2,50;Süd\n".encode()


def test_the_frequency_becomes_a_due_date_and_each_broken_promise_says_why():
    fetched_today = {"last_success": (NOW - dt.timedelta(hours=3)).isoformat()}
    changed = (NOW - dt.timedelta(days=10)).isoformat()

    on_time = health(fetched_today, "MONTHLY", NOW, changed)
    assert not on_time["overdue"] and on_time["reason"] is None
    assert on_time["due"].date() == dt.date(2026, 12, 23)  # changed 21.11. + 32 days

    # fetched fine this morning, but the data have not changed for 40 days: overdue, not fine
    unchanged = health(fetched_today, "MONTHLY", NOW, (NOW - dt.timedelta(days=40)).isoformat())
    assert unchanged["overdue"]
    assert unchanged["reason"] == (
        "Die Quelle liefert seit 22.10.2026 unveränderte Daten; versprochen ist monatlich, "
        "fällig war eine neue Lieferung am 23.11.2026."
    )

    not_fetched = health({"last_success": (NOW - dt.timedelta(days=3)).isoformat()}, "DAILY", NOW, changed)
    assert not_fetched["overdue"] and not_fetched["reason"].startswith("Seit 28.11.2026 nicht mehr erfolgreich")
    assert health(None, "WEEKLY", NOW)["reason"] == "Noch nie erfolgreich abgerufen; versprochen ist wöchentlich."

    # irregular datasets promise nothing
    irregular = health(fetched_today, "IRREG", NOW, (NOW - dt.timedelta(days=4000)).isoformat())
    assert not irregular["overdue"] and irregular["due"] is None


def _kpis(root) -> None:
    definitions = yaml.safe_load((REPO / "metadata" / "kpis.yaml").read_text(encoding="utf-8"))
    chosen = [d for d in definitions if d["id"] in ("datensaetze-ueberfaellig", "datensaetze-aktuell")]
    (root / "metadata" / "kpis.yaml").write_text(yaml.safe_dump(chosen, allow_unicode=True), encoding="utf-8")


def _page(out, path: str) -> str:
    return (out / "site" / path / "index.html").read_text(encoding="utf-8")


def _kpi_values(build: BuildFolder, today: dt.date) -> dict[str, float]:
    results = evaluate_all(
        build.portal["kpis"], build.database, {p["name"]: p["kommune"] for p in build.packages}, today
    )
    return {r.definition.id: r.current.value for r in results if r.current}


def test_an_unchanged_source_past_its_due_date_is_overdue_everywhere(portal_dir):
    _kpis(portal_dir.root)
    folder = portal_dir.add(
        "kassenbuch", dataset_yaml("{kind: csv, path: sample/daten.csv}"), GERMAN_SCHEMA, {"sample/daten.csv": CSV}
    )
    portal.build(portal_dir.root, portal_dir.out)
    package_file = portal_dir.out / "datasets" / "kassenbuch" / "datapackage.json"
    first_change = json.loads(package_file.read_text())["kommune"]["modified"]

    # the source is read again (the folder changed) and gives the same data: the last change stays
    (folder / "README.md").write_text("Neue Beschreibung in einfacher Sprache.\n", encoding="utf-8")
    portal.build(portal_dir.root, portal_dir.out)  # status ok: its README.md is new
    assert json.loads(package_file.read_text())["kommune"]["modified"] == first_change

    build = BuildFolder.open(portal_dir.out)
    today = dt.datetime.now(dt.UTC)
    assert _kpi_values(build, today.date()) == {"datensaetze-ueberfaellig": 0.0, "datensaetze-aktuell": 100.0}
    assert "überfällig" not in _page(portal_dir.out, "datensaetze/kassenbuch")

    # 40 days on, fetched fine yesterday, still the same data: the monthly promise is broken
    later = today + dt.timedelta(days=40)
    report_file = build.root / "build-report.json"
    report = json.loads(report_file.read_text())
    report["datasets"][0]["last_success"] = (later - dt.timedelta(days=1)).isoformat()
    report_file.unlink()  # the release's file may be shared with others by hard link
    report_file.write_text(json.dumps(report))
    build = publish_build(build.root, now=later)

    dataset_page = _page(portal_dir.out, "datensaetze/kassenbuch")
    assert '<span class="badge badge-warn">überfällig</span>' in dataset_page
    assert "Die Quelle liefert seit" in dataset_page and "versprochen ist monatlich" in dataset_page
    catalogue = _page(portal_dir.out, "katalog")
    row = catalogue.split('<tr id="kassenbuch">')[1].split("</tr>")[0]
    assert '<span class="badge badge-warn">überfällig</span>' in row
    bericht = _page(portal_dir.out, "bericht")
    assert "1 Datensatz ist überfällig" in bericht and "Die Quelle liefert seit" in bericht

    db = open_readonly(build.database)
    overdue, reason, due = db.execute(
        "select overdue, overdue_reason, due from portal_datasets where id = 'kassenbuch'"
    ).fetchone()
    assert overdue == 1 and reason.startswith("Die Quelle liefert seit") and due < later.isoformat()
    assert tuple(db.execute("select points from portal_quality where criterion = 'Pünktlich erneuert'").fetchone()) == (
        0.0,
    )
    db.close()
    assert _kpi_values(build, later.date()) == {"datensaetze-ueberfaellig": 1.0, "datensaetze-aktuell": 0.0}
