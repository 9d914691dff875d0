"""PII scan: e-mail addresses, phone numbers, street addresses and learned names."""

from __future__ import annotations

import pytest

from pipelines.statistics.pii import (
    ADDRESS_KIND,
    EMAIL_KIND,
    IBAN_KIND,
    NAME_KIND,
    PHONE_KIND,
    PiiScanner,
    first_names,
    scan_published,
)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("anna.mueller45@example.com", EMAIL_KIND),
        ("Rückruf unter 02389 292390", PHONE_KIND),
        ("mobil 0151 40547485", PHONE_KIND),
        ("+49 2389 123456", PHONE_KIND),
        ("Bonenstraße 12", ADDRESS_KIND),
        ("Kamener Straße 88b", ADDRESS_KIND),
        ("Am Hagen 3", ADDRESS_KIND),
        ("Konrad-Adenauer-Str. 7", ADDRESS_KIND),
        ("Frau Schneider hat angerufen", NAME_KIND),
    ],
)
def test_shapes_of_personal_data_are_found(text, kind):
    assert kind in PiiScanner().kinds_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Personalausweis beantragen",
        "Vor Ort mit Termin",
        "2026-10",
        "Straßen und Wege",
        "Online-Formular",
        "Insgesamt",
        "Abfall und Sauberkeit",
        "Elektrogroßgeräte-Abholung",
    ],
)
def test_ordinary_labels_are_not_flagged(text):
    assert PiiScanner().kinds_in(text) == []


def test_learned_names_are_found_in_either_order():
    scanner = PiiScanner()
    scanner.learn_names(["Hannah", None], ["Becker", "Ohnevorname"])
    assert scanner.kinds_in("Beschwerde von Hannah Becker") == [NAME_KIND]
    assert scanner.kinds_in("Becker, Hannah") == [NAME_KIND]
    assert scanner.kinds_in("Becker") == []  # a lone surname is an ordinary word too often


def test_scan_rows_reports_column_row_and_kind_but_not_the_value():
    rows = [{"kategorie": "Lärm", "anzahl": 5}, {"kategorie": "Anruf von 0151 2345678", "anzahl": 7}]
    findings = PiiScanner().scan_rows(rows, ["kategorie", "anzahl"])
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.column, finding.row, finding.kind) == ("kategorie", 2, PHONE_KIND)
    assert "2345678" not in repr(finding)


def test_numbers_and_flags_are_not_scanned_as_text():
    rows = [{"anzahl": 3, "mittel": 12.5, "gesperrt": False, "leer": None}]
    assert PiiScanner().scan_rows(rows, ["anzahl", "mittel", "gesperrt", "leer"]) == []


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Überweisung auf DE89 3704 0044 0532 0130 00", IBAN_KIND),
        ("IBAN DE89370400440532013000", IBAN_KIND),
        ("Gemeldet von Sabine Brinkmann", NAME_KIND),
        ("Mehmet Yılmaz", NAME_KIND),
    ],
)
def test_ibans_and_names_from_the_first_name_list_are_found(text, kind):
    assert kind in PiiScanner().kinds_in(text)


def test_first_name_list_holds_common_names_but_not_ordinary_labels():
    names = first_names()
    assert {"Sabine", "Mehmet", "Elif", "Katharina", "Thomas"} <= names
    assert not {"Online", "Post", "Insgesamt", "Lärm", "Straße"} & names


def test_scan_published_counts_rows_per_column_and_kind_and_honours_the_allow_list():
    rows = [
        {"titel": "Spielplatz", "kontakt": "rathaus@werne.de"},
        {"titel": "Anna Schulte fragt nach", "kontakt": "anna.schulte@example.org"},
        {"titel": "Thomas Berg fragt nach", "kontakt": "rathaus@werne.de"},
    ]
    findings = {(f.column, f.kind): (f.rows, f.first_row) for f in scan_published(rows)}
    assert findings == {("titel", NAME_KIND): (2, 2), ("kontakt", EMAIL_KIND): (3, 1)}
    allowed = scan_published(rows, allowed_values=["rathaus@werne.de"], allowed_kinds={"titel": [NAME_KIND]})
    assert [(f.column, f.kind, f.rows, f.first_row) for f in allowed] == [("kontakt", EMAIL_KIND, 1, 2)]
