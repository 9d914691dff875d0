"""Grouped numbers: German `1.234,56` passes, an English or misgrouped number is a type error,
in Frictionless's own report and on the fast path alike."""
from __future__ import annotations

from frictionless import Resource, Schema
from hypothesis import given, strategies as st

import pipelines.kinds  # noqa: F401  registers the plugin, as every build does
from pipelines.grouped_numbers import GroupedNumberField, grouped_number_pattern
from pipelines.tabular.checked import InvalidTable, iter_valid_rows

SCHEMA = {"fields": [{"name": "betrag", "type": "number", "decimalChar": ",", "groupChar": "."},
                     {"name": "anzahl", "type": "integer"}]}
DATA = "betrag,anzahl\n\"1.234,56\",1\n\"1,234.56\",7\n2.5,-3\n\"3,5\",1\n\"-1.234.567\",2\n"


def german(value: int, cents: int) -> str:
    return f"{value:,}".replace(",", ".") + f",{cents:02d}"


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_every_correctly_grouped_german_number_passes(value, cents):
    assert grouped_number_pattern(",", ".").match(german(value, cents))


def test_misgrouped_numbers_do_not_match():
    pattern = grouped_number_pattern(",", ".")
    for text in ("1,234.56", "2.5", "12.34", "1.2345,6", "1.234.56", ",5", "1..234"):
        assert not pattern.match(text), text


def test_schemas_use_the_grouped_number_field():
    assert isinstance(Schema.from_descriptor(SCHEMA).fields[0], GroupedNumberField)


def test_frictionless_reports_values_it_would_otherwise_misread():
    report = Resource(DATA.encode(), format="csv", schema=Schema.from_descriptor(SCHEMA)).validate()
    assert [(e.type, e.row_number, e.field_name, e.cell) for e in report.tasks[0].errors] == [
        ("type-error", 3, "betrag", "1,234.56"), ("type-error", 4, "betrag", "2.5")]


def test_the_fast_path_agrees(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(DATA)
    rows = []
    try:
        for row in iter_valid_rows(Resource("d.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(SCHEMA))):
            rows.append(row)
    except InvalidTable as invalid:
        assert [(e.row_number, e.cell) for e in invalid.errors] == [(3, "1,234.56"), (4, "2.5")]
    else:
        raise AssertionError(f"fast path accepted misgrouped numbers: {rows}")
