"""The open KPI file format read as another town's file: what follows the format is read, and
hostile content (markup, huge or non-finite numbers, numbers as text, unsafe links, oversize,
not JSON) refuses the whole file with a German message that never quotes the content."""

from __future__ import annotations

import json

import jsonschema
import pytest

from contracts.kpi_file import (
    FORMAT,
    MAX_FILE_BYTES,
    KpiFileRefused,
    json_schema,
    kpi_file_csv,
    kpi_file_json,
    parse_kpi_file,
)

ENTRY = {
    "id": "reifegrad-3-anteil",
    "title": "Leistungen, die man online beantragen kann",
    "definition": "Anteil der Leistungen mit OZG-Reifegrad 3 oder 4.",
    "unit": "%",
    "period": "2026-11",
    "value": 41.5,
    "target": 60,
    "target_date": "2027-12-31",
    "higher_is_better": True,
    "source_query": "https://daten.kamen.de/daten/portal/reifegrad-3-anteil",
    "licence": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
}


def document(**entry_changes) -> dict:
    return {
        "format": FORMAT,
        "publisher": {"name": "Stadt Kamen", "municipality_key": "05978016"},
        "modified": "2026-12-01",
        "kpis": [{**ENTRY, **entry_changes}],
    }


def encoded(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


def test_a_file_in_the_format_is_read_and_written_back_unchanged():
    parsed = parse_kpi_file(encoded(document()))
    assert parsed.kpis[0].value == 41.5 and parsed.kpis[0].target_date.isoformat() == "2027-12-31"
    again = parse_kpi_file(kpi_file_json(parsed))
    assert again == parsed
    jsonschema.validate(json.loads(kpi_file_json(parsed)), json_schema())


def test_an_empty_value_is_no_value_and_unknown_keys_are_ignored():
    parsed = parse_kpi_file(encoded(document(value=None, period=None, kommentar="neu in Version 2")))
    assert parsed.kpis[0].value is None and parsed.kpis[0].period is None


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"title": "<script>alert(1)</script>"}, "kpis.0.title"),
        ({"unit": "<img src=x onerror=alert(1)>"}, "kpis.0.unit"),
        ({"definition": "Text <!-- versteckt -->"}, "kpis.0.definition"),
        ({"title": "Zeile\u2028Umbruch"}, "kpis.0.title"),
        ({"value": "41,5"}, "kpis.0.value"),
        ({"value": True}, "kpis.0.value"),
        ({"value": 1e300}, "kpis.0.value"),
        ({"value": -2e12}, "kpis.0.value"),
        ({"value": [1, 2]}, "kpis.0.value"),
        ({"target": {"a": 1}}, "kpis.0.target"),
        ({"higher_is_better": "ja"}, "kpis.0.higher_is_better"),
        ({"period": "letztes Jahr"}, "kpis.0.period"),
        ({"id": "Ä b"}, "kpis.0.id"),
        ({"title": "x" * 201}, "kpis.0.title"),
        ({"source_query": "javascript:alert(1)"}, "kpis.0.source_query"),
        ({"licence": "mailto:a@b.de"}, "kpis.0.licence"),
    ],
)
def test_hostile_content_refuses_the_file_naming_the_place_only(change, place):
    with pytest.raises(KpiFileRefused) as refused:
        parse_kpi_file(encoded(document(**change)))
    message = str(refused.value)
    assert place in message
    assert "<" not in message and "alert" not in message


def test_a_plain_less_than_sign_is_text_not_markup():
    assert parse_kpi_file(encoded(document(definition="Anteil der Fälle mit < 14 Tagen"))).kpis[0].definition


def test_nan_infinity_oversize_and_non_json_are_refused():
    nan_file = encoded(document()).replace(b"41.5", b"NaN")
    with pytest.raises(KpiFileRefused, match="kein gültiges JSON"):
        parse_kpi_file(nan_file)
    with pytest.raises(KpiFileRefused, match="größer als"):
        parse_kpi_file(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(KpiFileRefused, match="kein gültiges JSON"):
        parse_kpi_file(b"<html><body>Wartungsarbeiten</body></html>")
    with pytest.raises(KpiFileRefused, match="kein gültiges JSON"):
        parse_kpi_file("{}".encode("utf-16"))
    with pytest.raises(KpiFileRefused):
        parse_kpi_file(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(KpiFileRefused, match="publisher.municipality_key"):
        parse_kpi_file(encoded({**document(), "publisher": {"name": "Kamen", "municipality_key": 5978016}}))


def test_csv_cells_that_spreadsheets_would_run_are_neutralised():
    parsed = parse_kpi_file(encoded(document(title="=HYPERLINK(1)")))
    assert b"'=HYPERLINK(1)" in kpi_file_csv(parsed)
