"""Ranks, median, spread and the sentence of the peer comparison, computed from the peers
tables in a real SQLite database: ties share a rank, a town without a value is "keine Angabe"
with its reason and never ranked, counted or shown as 0, and lower-is-better figures rank the
smallest first."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from contracts.kpi_file import FORMAT, KpiFile, PublishedKpi, Publisher
from contracts.peer_comparison import TOWNS_SCHEMA, TOWNS_TABLE, VALUES_SCHEMA, VALUES_TABLE
from publish.comparison import read_comparisons, sentence

TODAY = dt.date(2026, 12, 7)
LICENCE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


def town(ags, name, own=False, inhabitants=20_000, oparl=True, newest="2026-12-01", notes=None):
    return {
        "ags": ags,
        "name": name,
        "eigene": own,
        "einwohner": inhabitants,
        "einwohner_stand": "2023-12-31",
        "einwohner_quelle": "https://statistik.example/t.csv",
        "ckan_organisation": None,
        "formate": None,
        "oparl": oparl,
        "oparl_neuestes_objekt": newest if oparl else None,
        "oparl_quelle": "https://ris.example/system",
        "kennzahlen_datei": None,
        "hinweise": notes,
    }


def value(ags, figure, amount, per_capita=None, unit="Datensätze", note=None):
    return {
        "ags": ags,
        "kennzahl": figure,
        "titel": figure,
        "einheit": unit,
        "hoeher_ist_besser": True,
        "wert": amount,
        "je_10000": per_capita,
        "stand": "2026-11-26",
        "quelle": "https://ckan.example/organization/x",
        "hinweis": note,
    }


@pytest.fixture
def database():
    db = sqlite3.connect(":memory:")
    for table, schema in ((TOWNS_TABLE, TOWNS_SCHEMA), (VALUES_TABLE, VALUES_SCHEMA)):
        db.execute(f"create table {table} ({', '.join(f['name'] for f in schema['fields'])})")
    towns = [
        town("05978040", "Werne", own=True, newest="2026-11-25"),
        town("05978004", "Bergkamen", newest="2026-12-05"),
        town("05978020", "Kamen", newest="2026-11-25"),
        town(
            "05978008",
            "Bönen",
            oparl=False,
            notes="Offene Daten: nicht im Datenkatalog geführt; OParl: keine Schnittstelle bekannt",
        ),
        town("05978032", "Selm", oparl=None, notes="OParl: nicht abrufbar (Server antwortete mit HTTP 503)"),
    ]
    values = [
        value("05978040", "offene-datensaetze", 8, 4.0),
        value("05978004", "offene-datensaetze", 10, 5.0),
        value("05978020", "offene-datensaetze", 8, 4.0),
        value("05978008", "offene-datensaetze", None, None, note="Offene Daten: nicht im Datenkatalog geführt"),
        value("05978032", "offene-datensaetze", 0, 0.0),
        value("05978004", "reifegrad-3-anteil", 38.0, unit="%"),
        value("05978020", "reifegrad-3-anteil", 52.5, unit="%"),
        value("05978032", "reifegrad-3-anteil", 50.0, unit="Prozent"),  # another unit: not comparable
    ]
    for table, rows in ((TOWNS_TABLE, towns), (VALUES_TABLE, values)):
        for row in rows:
            db.execute(
                f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values())
            )
    yield db
    db.close()


def own_file(**values) -> KpiFile:
    kpis = [
        PublishedKpi(
            id=kpi_id,
            title=kpi_id,
            definition="d",
            unit="%",
            period="2026-11" if amount is not None else None,
            value=amount,
            higher_is_better=True,
            licence=LICENCE,
        )
        for kpi_id, amount in values.items()
    ]
    return KpiFile(
        format=FORMAT, publisher=Publisher(name="Stadt Werne", municipality_key="05978040"), modified=TODAY, kpis=kpis
    )


def by_id(comparisons):
    return {comparison.id: comparison for comparison in comparisons}


def test_ties_share_a_rank_and_a_true_zero_is_a_value(database):
    datasets = by_id(read_comparisons(database, None, "https://werne.example/kennzahlen.json", TODAY))[
        "offene-datensaetze"
    ]
    assert [(v.town, v.rank, v.value) for v in datasets.values] == [
        ("Bergkamen", 1, 5.0),
        ("Kamen", 2, 4.0),
        ("Werne", 2, 4.0),
        ("Selm", 4, 0.0),
        ("Bönen", None, None),
    ]
    assert datasets.median == 4.0 and datasets.spread == (0.0, 5.0)
    boenen = datasets.values[-1]
    assert boenen.shown == "keine Angabe" and boenen.reason == "nicht im Datenkatalog geführt"
    assert sentence(datasets, "Werne") == (
        "Werne liegt bei den offenen Datensätzen je 10.000 Einwohner auf Platz 2 von 4. "
        "Für 1 Kommune gibt es keine Angabe."
    )


def test_council_freshness_ranks_the_newest_first_and_says_why_values_are_missing(database):
    freshness = by_id(read_comparisons(database, None, "", TODAY))["ratsinformation-aktualitaet"]
    assert [(v.town, v.rank, v.value) for v in freshness.known] == [
        ("Bergkamen", 1, 2),
        ("Kamen", 2, 12),
        ("Werne", 2, 12),
    ]
    reasons = {v.town: v.reason for v in freshness.missing}
    assert reasons == {
        "Bönen": "keine Schnittstelle bekannt",
        "Selm": "nicht abrufbar (Server antwortete mit HTTP 503)",
    }
    assert "Platz 2 von 3. Für 2 Kommunen gibt es keine Angabe." in sentence(freshness, "Werne")


def test_kpi_file_figures_compare_by_id_and_unit_only(database):
    comparisons = by_id(
        read_comparisons(
            database,
            own_file(**{"reifegrad-3-anteil": 45.0, "nur-bei-uns": 3.0}),
            "https://werne.example/kennzahlen.json",
            TODAY,
        )
    )
    assert "nur-bei-uns" not in comparisons  # no peer publishes it
    online = comparisons["reifegrad-3-anteil"]
    assert [(v.town, v.rank) for v in online.known] == [("Kamen", 1), ("Werne", 2), ("Bergkamen", 3)]
    assert {v.town for v in online.missing} == {"Bönen", "Selm"}  # Selm's figure has another unit
    assert online.own.source == "https://werne.example/kennzahlen.json" and online.own.date == "November 2026"


def test_without_an_own_value_the_sentence_says_so(database):
    comparisons = by_id(read_comparisons(database, own_file(**{"reifegrad-3-anteil": None}), "", TODAY))
    assert "reifegrad-3-anteil" not in comparisons  # nothing of ours to compare
    database.execute(f"update {VALUES_TABLE} set wert = null, je_10000 = null where ags = '05978040'")
    datasets = by_id(read_comparisons(database, None, "", TODAY))["offene-datensaetze"]
    assert sentence(datasets, "Werne").startswith(
        "Für Werne gibt es bei den offenen Datensätzen je 10.000 Einwohner keine Angabe"
    )
