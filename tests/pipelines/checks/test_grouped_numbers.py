"""Grouped numbers: German `1.234,56` passes, an English or misgrouped number is a type error."""

from __future__ import annotations

from frictionless import Checklist, Resource, Schema
from hypothesis import given
from hypothesis import strategies as st

from pipelines.checks.grouped_numbers import grouped_number_pattern, grouped_numbers

SCHEMA = {
    "fields": [
        {"name": "betrag", "type": "number", "decimalChar": ",", "groupChar": "."},
        {"name": "anzahl", "type": "integer"},
    ]
}


def german(value: int, cents: int) -> str:
    return f"{value:,}".replace(",", ".") + f",{cents:02d}"


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=99))
def test_every_correctly_grouped_german_number_passes(value, cents):
    assert grouped_number_pattern(",", ".").match(german(value, cents))


def test_misgrouped_numbers_do_not_match():
    pattern = grouped_number_pattern(",", ".")
    for text in ("1,234.56", "2.5", "12.34", "1.2345,6", "1.234.56", ",5", "1..234"):
        assert not pattern.match(text), text


def validate(csv_text: str):
    resource = Resource(csv_text.encode(), format="csv", schema=Schema.from_descriptor(SCHEMA))
    return resource.validate(Checklist(checks=[grouped_numbers()]))


def test_the_check_reports_values_frictionless_would_misread():
    report = validate('betrag,anzahl\n"1.234,56",1\n"1,234.56",7\n2.5,-3\n"3,5",1\n"-1.234.567",2\n')
    errors = [(e.row_number, e.field_name, e.cell) for e in report.tasks[0].errors]
    assert errors == [(3, "betrag", "1,234.56"), (4, "betrag", "2.5")]
    assert {e.type for e in report.tasks[0].errors} == {"type-error"}


def test_an_uncastable_cell_is_reported_once():
    report = validate("betrag,anzahl\nabc,1\n")
    assert [(e.row_number, e.field_name) for e in report.tasks[0].errors] == [(2, "betrag")]
