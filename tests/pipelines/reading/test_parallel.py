"""Reading one file in parts on several processes gives what one process gives, errors included."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from benchmarks.generate import SCHEMA_PATH, generate
from pipelines.errors import SettingInvalid
from pipelines.reading import parallel
from pipelines.reading.checked import InvalidTable, consume_valid_rows, frictionless_report, iter_valid_rows
from pipelines.reading.file_parts import split_into_parts
from pipelines.reading.parallel import workers_wanted

DIALECT = {"csv": {"delimiter": ";"}}
ROWS = 3_000


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """Generated service records: `;`, Windows-1252, CRLF, decimal commas, dd.mm.yyyy."""
    return generate(tmp_path_factory.mktemp("parallel") / "records.csv", ROWS, seed=7)


@pytest.fixture
def three_workers(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "3")


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def all_rows(rows) -> list:
    return list(rows)


def test_rows_read_in_parts_are_the_rows_read_in_one_piece(records, three_workers):
    parts = consume_valid_rows(records, schema(), all_rows, encoding="cp1252", dialect=DIALECT, min_part_bytes=1)
    assert len(parts) == 3 and all(parts)
    assert [row for part in parts for row in part] == list(
        iter_valid_rows(records, schema(), encoding="cp1252", dialect=DIALECT)
    )


def _replace_line(source: Path, target: Path, line_number: int, change) -> Path:
    lines = source.read_bytes().split(b"\r\n")
    lines[line_number - 1] = change(lines[line_number - 1])
    target.write_bytes(b"\r\n".join(lines))
    return target


def test_an_error_in_a_later_part_is_reported_with_its_row_in_the_file(records, tmp_path, three_workers):
    broken = _replace_line(
        records,
        tmp_path / "broken.csv",
        2_500,
        lambda line: (
            line.replace(b";Post;", b";Fax;")
            .replace(b";online;", b";Fax;")
            .replace(b";vor Ort;", b";Fax;")
            .replace(b";Telefon;", b";Fax;")
        ),
    )
    with pytest.raises(InvalidTable) as raised:
        consume_valid_rows(broken, schema(), all_rows, encoding="cp1252", dialect=DIALECT, min_part_bytes=1)
    expected = frictionless_report(broken, schema(), encoding="cp1252", dialect=DIALECT).tasks[0].errors
    assert [(error.type, error.row_number, error.field_name) for error in raised.value.errors] == [
        (error.type, error.row_number, error.field_name) for error in expected
    ]
    assert [(error.type, error.row_number) for error in expected] == [("constraint-error", 2_500)]


def test_a_key_repeated_in_two_parts_is_found(records, tmp_path, three_workers):
    repeated = _replace_line(records, tmp_path / "repeated.csv", 2_900, lambda line: b"5" + line[line.index(b";") :])
    assert len(split_into_parts(repeated, "cp1252", '"', 3, min_part_bytes=1)) == 3
    with pytest.raises(InvalidTable) as raised:
        consume_valid_rows(repeated, schema(), all_rows, encoding="cp1252", dialect=DIALECT, min_part_bytes=1)
    assert [(error.type, error.row_number) for error in raised.value.errors] == [("primary-key", 2_900)]


def _fail_on_record(record_id: int, rows):
    for index, row in enumerate(rows, start=1):
        if row[0] == record_id:
            raise ValueError(f"Vorgang {record_id} ist Datensatz {index}")
    return "fertig"


def test_an_exception_in_a_part_is_raised_as_the_one_piece_reading_raises_it(records, three_workers):
    """Positions in a part are the part's own (record 2000 is about the 1000th of the second
    part): the whole file is read again, so the error names the record's place in the file."""
    with pytest.raises(ValueError, match="Vorgang 2000 ist Datensatz 2000$"):
        consume_valid_rows(
            records, schema(), partial(_fail_on_record, 2_000), encoding="cp1252", dialect=DIALECT, min_part_bytes=1
        )


def test_workers_setting(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    assert workers_wanted() == 1
    for wrong in ("0", "zwei", "-3"):
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, wrong)
        with pytest.raises(SettingInvalid, match="KOMMUNE_WORKERS"):
            workers_wanted()
