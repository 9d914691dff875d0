"""The fast CSV reader reports exactly what Frictionless reports, and reads the same values."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from frictionless import Schema

from pipelines.reading.checked import frictionless_report
from pipelines.reading.fastcsv import FastCsvReader
from pipelines.reading.source import FastPathUnsupported, as_resource

BAD_INPUTS = Path(__file__).parent / "bad_inputs"
SERVICE_SCHEMA = BAD_INPUTS / "service-records.schema.json"


def error_keys(errors) -> list[tuple]:
    return [(error.type, getattr(error, "row_number", None), getattr(error, "field_number", None)) for error in errors]


def frictionless_keys(path, schema=None, **options) -> list[tuple]:
    report = frictionless_report(path, schema, **options)
    return error_keys(report.tasks[0].errors)


def fast_keys(path, schema=None, **options) -> list[tuple]:
    reader = FastCsvReader(path, schema, **options)
    for _ in reader:
        pass
    return error_keys(reader.errors)


# Every CSV of the Frictionless fixtures, validated as `frictionless validate FILE` does
# (schema inferred), plus the two that come with a schema.
REFERENCE_CASES = [
    ("ascii-notvalid.csv", None),
    ("blank-headers.csv", None),
    ("blank-rows.csv", None),
    ("bom.csv", None),
    ("capital-invalid.csv", None),
    ("defective-rows.csv", None),
    ("duplicate-headers.csv", None),
    ("duplicate-rows.csv", None),
    ("invalid.csv", None),
    ("issue-1009-semicolon.csv", None),
    ("latin1.csv", None),
    ("schema-errors.csv", None),
    ("schema-errors.csv", "schema-valid.json"),
    ("structure-errors.csv", None),
    ("unique-field.csv", None),
    ("unique-field.csv", "unique-field.json"),
]


@pytest.mark.parametrize("name,schema_name", REFERENCE_CASES)
def test_reference_fixture_errors_match_frictionless(reference_dir, name, schema_name):
    folder = reference_dir / "frictionless"
    path = folder / name
    schema = folder / schema_name if schema_name else None
    expected = frictionless_keys(path, schema)
    assert fast_keys(path, schema) == expected


def test_reference_fixtures_are_all_covered(reference_dir):
    folder = reference_dir / "frictionless"
    assert {path.name for path in folder.glob("*.csv")} == {name for name, _ in REFERENCE_CASES}


def test_schema_errors_fixture_finds_the_documented_errors(reference_dir):
    folder = reference_dir / "frictionless"
    keys = fast_keys(folder / "schema-errors.csv", folder / "schema-valid.json")
    assert ("type-error", 4, 1) in keys
    assert keys.count(("primary-key", 4, None)) == 1
    assert [key for key in keys if key[0] == "extra-cell"] == [
        ("extra-cell", 5, 4),
        ("extra-cell", 5, 5),
        ("extra-cell", 5, 6),
    ]


BAD_INPUT_CASES = [
    ("service-records-bad.csv", SERVICE_SCHEMA, {}),
    ("service-records-bad.csv", SERVICE_SCHEMA, {"encoding": "cp1252", "dialect": {"csv": {"delimiter": ";"}}}),
    ("service-records-good.csv", SERVICE_SCHEMA, {}),
    ("monthly-bad.csv", BAD_INPUTS / "monthly.schema.json", {}),
    ("late-cp1252-declared-utf8.csv", SERVICE_SCHEMA, {"encoding": "utf-8"}),
    ("late-cp1252-declared-utf8.csv", SERVICE_SCHEMA, {}),
]


@pytest.mark.parametrize("name,schema,options", BAD_INPUT_CASES)
def test_bad_input_corpus_errors_match_frictionless(name, schema, options):
    path = BAD_INPUTS / name
    assert fast_keys(path, schema, **options) == frictionless_keys(path, schema, **options)


def test_bad_input_corpus_covers_every_row_error_type():
    keys = fast_keys(BAD_INPUTS / "service-records-bad.csv", SERVICE_SCHEMA)
    found = {key[0] for key in keys}
    assert found == {
        "type-error",
        "constraint-error",
        "unique-error",
        "primary-key",
        "missing-cell",
        "extra-cell",
        "blank-row",
    }


def test_encoding_error_is_reported_not_raised():
    reader = FastCsvReader(BAD_INPUTS / "late-cp1252-declared-utf8.csv", SERVICE_SCHEMA, encoding="utf-8")
    rows = list(reader)
    assert len(rows) < 1499  # the rows after the undecodable chunk are never reached
    assert [error.type for error in reader.errors] == ["encoding-error"]


@pytest.mark.parametrize(
    "name,schema",
    [
        ("service-records-good.csv", SERVICE_SCHEMA),
        ("service-records-bad.csv", SERVICE_SCHEMA),
        ("monthly-bad.csv", BAD_INPUTS / "monthly.schema.json"),
    ],
)
def test_valid_rows_have_the_values_frictionless_reads(name, schema):
    path = BAD_INPUTS / name
    with as_resource(path, schema) as resource:
        expected = [row.to_list() for row in resource.row_stream if row.valid]
    assert list(FastCsvReader(path, schema)) == expected


def test_german_dialect_values_are_typed():
    rows = list(FastCsvReader(BAD_INPUTS / "service-records-good.csv", SERVICE_SCHEMA))
    assert rows[0] == [1, date(2020, 1, 24), "Sperrmüll-Anmeldung", "online", "59368", Decimal("1.5"), 12, True]
    assert rows[2][2] == "Führungszeugnis; Behörde"
    assert rows[2][5] == Decimal("1234.56")
    assert rows[3][4:] == [None, None, None, None]  # "k.A." and "" are missing values
    assert rows[4][2] == "Gewerbe-\nanmeldung"


def test_converters_shape_values_for_the_consumer():
    reader = FastCsvReader(
        BAD_INPUTS / "service-records-good.csv",
        SERVICE_SCHEMA,
        converters={"date": date.isoformat, "number": float},
    )
    first = next(iter(reader))
    assert first[1] == "2020-01-24"
    assert first[5] == 1.5 and isinstance(first[5], float)


def test_schema_can_be_a_descriptor_or_a_schema_object():
    descriptor = json.loads(SERVICE_SCHEMA.read_text(encoding="utf-8"))
    from_dict = list(FastCsvReader(BAD_INPUTS / "service-records-good.csv", descriptor))
    from_object = list(FastCsvReader(BAD_INPUTS / "service-records-good.csv", Schema.from_descriptor(descriptor)))
    assert from_dict == from_object and len(from_dict) == 5


def test_header_that_differs_from_the_schema_is_handed_to_frictionless():
    with pytest.raises(FastPathUnsupported, match="header differs"):
        FastCsvReader(BAD_INPUTS / "service-records-renamed-header.csv", SERVICE_SCHEMA)


def test_comment_rows_are_handed_to_frictionless():
    with pytest.raises(FastPathUnsupported, match="comment"):
        FastCsvReader(
            BAD_INPUTS / "service-records-good.csv",
            SERVICE_SCHEMA,
            dialect={"commentChar": "#", "csv": {"delimiter": ";"}},
        )


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        FastCsvReader(tmp_path / "fehlt.csv", SERVICE_SCHEMA)


def test_error_limit_stops_reading(tmp_path):
    path = tmp_path / "viele-fehler.csv"
    lines = ["id,wert"] + [f"{number},kein-integer" for number in range(1, 51)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "wert", "type": "integer"}]}
    reader = FastCsvReader(path, schema, error_limit=10)
    assert list(reader) == []
    assert len(reader.errors) == 10
    assert reader.row_count == 10


def test_a_resource_set_up_by_the_caller_is_read_as_set_up():
    resource = as_resource(
        BAD_INPUTS / "service-records-good.csv",
        SERVICE_SCHEMA,
        encoding="cp1252",
        dialect={"csv": {"delimiter": ";"}},
    )
    assert list(FastCsvReader(resource)) == list(FastCsvReader(BAD_INPUTS / "service-records-good.csv", SERVICE_SCHEMA))
    with pytest.raises(ValueError):
        FastCsvReader(resource, SERVICE_SCHEMA)


def test_xlsx_is_handed_to_frictionless(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "name"])
    workbook.active.append([1, "Werne"])
    workbook.save(tmp_path / "tabelle.xlsx")
    with pytest.raises(FastPathUnsupported, match="format"):
        FastCsvReader(tmp_path / "tabelle.xlsx")
