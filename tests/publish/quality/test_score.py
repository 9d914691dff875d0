"""The quality score of every demo dataset with its reasons, as the build computes it (real
build of the repository's demo portal, SHACL against the official shapes where the reference
folder lies beside the repository; the link check is off in tests, see tests/conftest.py)."""

from __future__ import annotations

import pytest

from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site.catalogue import main_deductions
from tests.conftest import REFERENCE

RIGHTS = "0 von 5 Verteilungen mit Rechtehinweis (dct:rights)"
# dataset: (points, the deductions as "criterion (−points)")
EXPECTED = {
    "baugenehmigungen": (480, ["Rechtehinweis (−5)"]),
    "bebauungsplaene": (480, ["Rechtehinweis (−5)"]),
    "datenwuensche": (465, ["Spalten erklärt (−15)", "Rechtehinweis (−5)"]),
    "haushalt-ergebnisplan": (480, ["Rechtehinweis (−5)"]),
    "kita-plaetze": (460, ["Zeitraum (−20)", "Rechtehinweis (−5)"]),
    "leistungsverzeichnis": (460, ["Zeitraum (−20)", "Rechtehinweis (−5)"]),
    "nutzung-des-portals": (460, ["Zeitraum (−20)", "Rechtehinweis (−5)"]),
    "ratsinformation": (480, ["Rechtehinweis (−5)"]),
    "service-beschwerden": (480, ["Rechtehinweis (−5)"]),
    "service-buergerbuero": (480, ["Rechtehinweis (−5)"]),
    "service-sperrmuell": (480, ["Rechtehinweis (−5)"]),
    "stadtgebiet": (450, ["Zeitraum (−20)", "Spalten erklärt (−10)", "Rechtehinweis (−5)"]),
    "strassenverzeichnis": (451.7, ["Zeitraum (−20)", "Spalten erklärt (−8,3)", "Rechtehinweis (−5)"]),
    # the demo's peer answers include a refused KPI file and a service that is down: warnings
    "vergleichskommunen": (
        441.3,
        ["Zeitraum (−20)", "Daten gültig nach Schema (−10)", "Spalten erklärt (−8,7)", "Rechtehinweis (−5)"],
    ),
}


@pytest.fixture(scope="module")
def quality(demo_build) -> dict[str, dict]:
    return BuildFolder.open(demo_build).quality["datasets"]


def test_every_demo_dataset_has_its_score_and_main_deductions(quality):
    shacl = (REFERENCE / "dcat-ap-de").is_dir()
    assert set(quality) == set(EXPECTED)
    for dataset, (points, deductions) in EXPECTED.items():
        score = quality[dataset]
        # the link check is off: that criterion is left out of the maximum, and says why
        maximum = 505 - 20 - (0 if shacl else 30)
        assert (score["points"], score["max_points"]) == (points - (0 if shacl else 30), maximum), dataset
        assert score["percent"] == round(100 * score["points"] / maximum)
        assert score["rating"] == "sehr gut"
        assert main_deductions(score, count=5) == deductions, dataset
        assert sum(c["points"] for c in score["criteria"] if c["assessed"]) == pytest.approx(score["points"])
        links = next(c for c in score["criteria"] if c["name"] == "Links in den Metadaten erreichbar")
        assert not links["assessed"] and links["reason"] == "nicht geprüft (Linkprüfung ausgeschaltet)"


def test_the_reasons_are_plain_german_and_name_what_was_found(quality):
    def reason(dataset: str, criterion: str) -> str:
        return next(c["reason"] for c in quality[dataset]["criteria"] if c["name"] == criterion)

    assert reason("kita-plaetze", "Zeitraum") == "kein Zeitraum (temporal in dataset.yaml) angegeben"
    assert reason("stadtgebiet", "Spalten erklärt").endswith("Spalten mit Titel und Beschreibung")
    assert reason("haushalt-ergebnisplan", "Rechtehinweis") == RIGHTS
    assert reason("haushalt-ergebnisplan", "Downloads erreichbar") == (
        "4 von 4 Downloads vollständig da (Größe und Prüfsumme wie angegeben)"
    )
    assert reason("haushalt-ergebnisplan", "Zugangsadressen erreichbar") == "5 von 5 Zugangsadressen erreichbar"
    assert reason("leistungsverzeichnis", "Pünktlich erneuert") == "kein fester Rhythmus versprochen"
    assert reason("service-sperrmuell", "Pünktlich erneuert") == "im versprochenen Rhythmus"
    assert reason("haushalt-ergebnisplan", "Daten gültig nach Schema") == "gültig, ohne Hinweise"
    shacl = reason("haushalt-ergebnisplan", "DCAT-AP.de-konform (SHACL)")
    if (REFERENCE / "dcat-ap-de").is_dir():
        assert shacl == "keine Verstöße gegen die DCAT-AP.de-Shapes"
    else:
        assert shacl.startswith("nicht geprüft: die DCAT-AP.de-Shapes liegen nicht vor")


def test_scores_and_reasons_are_in_portal_db_and_on_the_pages(demo_build, quality):
    db = open_readonly(demo_build / "portal.db")
    rows = {
        row["id"]: (row["quality_points"], row["quality_percent"], row["quality_rating"])
        for row in db.execute("select * from portal_datasets")
    }
    for dataset, score in quality.items():
        assert rows[dataset] == (score["points"], score["percent"], score["rating"])
        summed = db.execute(
            "select sum(points) from portal_quality where dataset = ? and assessed", (dataset,)
        ).fetchone()[0]
        assert summed == pytest.approx(score["points"])
    (reason,) = db.execute(
        "select reason from portal_quality where dataset = 'kita-plaetze' and criterion = 'Zeitraum'"
    ).fetchone()
    assert reason == "kein Zeitraum (temporal in dataset.yaml) angegeben"
    db.close()

    site = demo_build / "site"
    page = (site / "datensaetze" / "stadtgebiet" / "index.html").read_text(encoding="utf-8")
    percent = quality["stadtgebiet"]["percent"]
    assert f"Qualitätsbewertung: {percent} % – sehr gut" in page
    assert "kein Zeitraum (temporal in dataset.yaml) angegeben" in page and "nicht bewertet" in page
    catalogue = (site / "katalog" / "index.html").read_text(encoding="utf-8")
    row = catalogue.split('<tr id="stadtgebiet">')[1].split("</tr>")[0]
    assert f"Qualität {percent} % – sehr gut" in row
    assert "Abzüge: Zeitraum (−20); Spalten erklärt (−10); Rechtehinweis (−5)" in row
    report = (site / "bericht" / "index.html").read_text(encoding="utf-8")
    assert f"Qualität {percent} % – sehr gut" in report and "Kein Datensatz ist überfällig" in report
