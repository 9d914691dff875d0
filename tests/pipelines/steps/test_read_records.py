"""Reading German-dialect exports: types, dropped fields, and reports without values."""

from __future__ import annotations

from datetime import date

from pipelines.steps.read_records import RecordReader
from tests.service_support import raw_path, read_raw

TYPES = {"datum": "date", "wartezeit_minuten": "number", "bearbeitungstage": "integer"}


def reader(path, **overrides):
    options = dict(keep=["datum", "leistung", "kanal", "wartezeit_minuten", "bearbeitungstage"], types=TYPES,
                   required=["datum", "leistung", "kanal"], encoding="cp1252")
    options.update(overrides)
    return RecordReader(path, **options)


def test_demo_export_reads_like_the_independent_parser():
    records = list(reader(raw_path("service-buergerbuero")))
    expected = read_raw("service-buergerbuero")
    assert len(records) == len(expected)
    for mine, theirs in zip(records[:500], expected[:500]):
        assert mine["datum"] == theirs["datum"]
        assert mine["wartezeit_minuten"] == theirs["wartezeit_minuten"]
        assert mine["bearbeitungstage"] == int(theirs["bearbeitungstage"])
        assert set(mine) == {"datum", "leistung", "kanal", "wartezeit_minuten", "bearbeitungstage"}


def test_bad_rows_are_reported_with_row_and_field_but_without_the_value(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        "datum;leistung;kanal;wartezeit_minuten;bearbeitungstage;email\r\n"
        "24.01.2026;Pass;Online;1.234,5;3;a@example.com\r\n"
        "31.02.2026;Pass;Online;;3;b@example.com\r\n"
        "25.01.2026;;Online;;3;c@example.com\r\n"
        "26.01.2026;Pass;Online;anna@example.com;3;d@example.com\r\n"
        "26.01.2026;Pass;Online\r\n"
        "\r\n".encode("cp1252")
    )
    records_reader = reader(path)
    records = list(records_reader)
    assert records == [{"datum": date(2026, 1, 24), "leistung": "Pass", "kanal": "Online",
                        "wartezeit_minuten": 1234.5, "bearbeitungstage": 3}]
    found = [(issue.row, issue.field, issue.type) for issue in records_reader.issues]
    assert found == [(3, "datum", "type-error"), (4, "leistung", "constraint-error"),
                     (5, "wartezeit_minuten", "type-error"), (6, None, "missing-cell")]
    assert "TT" not in records_reader.issues[0].expected and "24.01.2024" in records_reader.issues[0].expected
    assert not any("example.com" in issue.message + issue.expected for issue in records_reader.issues)
    assert records_reader.header[-1] == "email"


def test_missing_column_wrong_encoding_and_missing_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("datum;kanal\n24.01.2026;Online\n", encoding="cp1252")
    missing = reader(path)
    assert list(missing) == []
    assert {issue.field for issue in missing.issues} == {"leistung", "wartezeit_minuten", "bearbeitungstage"}

    utf8 = reader(raw_path("service-buergerbuero"), encoding="utf-8")
    list(utf8)
    assert utf8.issues[-1].type == "encoding-error"

    absent = reader(tmp_path / "nothing.csv")
    assert list(absent) == [] and absent.issues[0].type == "scheme-error"


def test_utf8_with_bom_is_read(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("datum;leistung;kanal;wartezeit_minuten;bearbeitungstage\n24.01.2026;Pass;Post;;1\n",
                    encoding="utf-8-sig")
    assert len(list(reader(path, encoding="utf-8"))) == 1
