"""check_csv and iter_valid_rows: fast where the data is valid, Frictionless's words where not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.reading.checked import InvalidTable, check_csv, frictionless_report, iter_valid_rows

BAD_INPUTS = Path(__file__).parent / "bad_inputs"
SERVICE_SCHEMA = BAD_INPUTS / "service-records.schema.json"


def test_valid_file_is_checked_by_the_fast_path():
    result = check_csv(BAD_INPUTS / "service-records-good.csv", SERVICE_SCHEMA)
    assert result.valid and result.method == "fast" and result.row_count == 5


def test_invalid_file_gets_frictionless_authoritative_report():
    path = BAD_INPUTS / "service-records-bad.csv"
    result = check_csv(path, SERVICE_SCHEMA)
    expected = frictionless_report(path, SERVICE_SCHEMA).tasks[0].errors
    assert not result.valid and result.method == "frictionless"
    assert [error.message for error in result.errors] == [error.message for error in expected]
    # Frictionless names the first row of a duplicate; the fast path alone does not.
    assert any("row at position 3" in error.message for error in result.errors)


def test_unsupported_header_falls_back_with_reason():
    result = check_csv(BAD_INPUTS / "service-records-renamed-header.csv", SERVICE_SCHEMA)
    assert result.method == "frictionless" and "header" in result.fallback_reason
    assert {error.type for error in result.errors} == {"incorrect-label"}


def test_encoding_failure_at_open_falls_back_to_frictionless(tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_bytes("id;name\n1;Bürgerbüro\n".encode("cp1252"))
    result = check_csv(
        path, {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}, encoding="utf-8"
    )
    assert not result.valid and [error.type for error in result.errors] == ["encoding-error"]


def test_iter_valid_rows_streams_then_raises_with_frictionless_errors():
    rows = []
    with pytest.raises(InvalidTable) as raised:
        # A loop, not list(): the rows read before the error are what this test looks at.
        for row in iter_valid_rows(BAD_INPUTS / "service-records-bad.csv", SERVICE_SCHEMA):
            rows.append(row)  # noqa: PERF402
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]  # every other row breaks a rule
    assert raised.value.errors[0].type == "type-error"
    assert raised.value.errors[0].row_number == 7


def test_iter_valid_rows_of_unsupported_file_streams_through_frictionless():
    rows = list(
        iter_valid_rows(
            BAD_INPUTS / "service-records-good.csv",
            SERVICE_SCHEMA,
            dialect={"commentChar": "#", "csv": {"delimiter": ";"}},
            converters={"number": float},
        )
    )
    assert len(rows) == 5 and rows[0][5] == 1.5
