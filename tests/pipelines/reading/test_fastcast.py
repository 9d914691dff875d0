"""FieldCaster gives Frictionless's verdicts and remembers repeated cells, within bounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from frictionless import Schema

from pipelines.reading.fastcast import MISS, FieldCaster


def caster_for(field: dict, **options) -> FieldCaster:
    schema = Schema.from_descriptor({"fields": [field], "missingValues": ["", "-"]})
    return FieldCaster(schema.fields[0], 1, **options)


def test_german_date_is_cast_and_remembered():
    caster = caster_for({"name": "datum", "type": "date", "format": "%d.%m.%Y"})
    assert caster.lookup("24.01.2020", MISS) is MISS
    assert caster.resolve("24.01.2020") == (date(2020, 1, 24), None)
    assert caster.lookup("24.01.2020", MISS) == date(2020, 1, 24)


def test_invalid_cell_gives_frictionless_notes_and_is_not_remembered():
    caster = caster_for({"name": "datum", "type": "date", "format": "%d.%m.%Y"})
    value, notes = caster.resolve("31.02.2024")
    assert value is None and "type" in notes
    assert caster.lookup("31.02.2024", MISS) is MISS


def test_constraint_notes_name_the_constraint():
    caster = caster_for({"name": "n", "type": "integer", "constraints": {"maximum": 10}})
    assert caster.resolve("11")[1] == {"maximum": 'constraint "maximum" is "10"'}


def test_decimal_comma_with_group_char_and_converter():
    caster = caster_for({"name": "betrag", "type": "number", "decimalChar": ",", "groupChar": "."}, convert=float)
    assert caster.resolve("1.234,56") == (1234.56, None)
    assert caster.lookup("1.234,56", MISS) == 1234.56


def test_number_without_converter_is_a_decimal_like_frictionless():
    caster = caster_for({"name": "betrag", "type": "number", "decimalChar": ","})
    assert caster.resolve("18,2") == (Decimal("18.2"), None)


def test_bare_integer_skips_the_cache_but_not_missing_values():
    caster = caster_for({"name": "id", "type": "integer"})
    assert caster.lookup(" 42 ", MISS) == 42
    assert caster.lookup("-", MISS) is MISS  # a missing value: Frictionless decides
    assert caster.resolve("-") == (None, None)
    assert not caster.cache or caster.cache == {"-": None}


def test_required_plain_string_hands_missing_values_to_resolve():
    caster = caster_for({"name": "name", "type": "string", "constraints": {"required": True}})
    assert caster.lookup("Werne", MISS) == "Werne"
    assert caster.lookup("", MISS) is MISS
    assert "required" in caster.resolve("")[1]


def test_optional_plain_string_maps_missing_values_to_none():
    caster = caster_for({"name": "name", "type": "string"})
    assert caster.lookup("-", MISS) is None
    assert caster.lookup("Stockum", MISS) == "Stockum"


def test_cache_is_bounded():
    caster = caster_for({"name": "datum", "type": "date", "format": "%d.%m.%Y"}, cache_limit=3)
    for day in range(1, 10):
        caster.resolve(f"{day:02d}.01.2020")
    assert len(caster.cache) == 3


def test_trimming_text_stays_inline_and_equals_the_cell_by_cell_path():
    """Trimmed text fields are cast inline (no per-cell Frictionless), with the same values
    the cell-by-cell path gives."""
    from frictionless import Schema

    from pipelines.checks.hygiene import trim_text
    from pipelines.reading.fastcast import FieldCaster, compile_row_caster

    schema = Schema.from_descriptor(
        {
            "fields": [
                {"name": "a", "type": "string"},
                {"name": "b", "type": "string", "constraints": {"required": True}},
                {"name": "c", "type": "string", "missingValues": ["", "-"]},
            ]
        }
    )
    casters = [FieldCaster(field, number, convert=trim_text) for number, field in enumerate(schema.fields)]
    assert [c.inline_kind for c in casters] == ["string"] * 3
    cast_row = compile_row_caster(casters)
    for row in ([" x\t", "y ", "-"], ["", " z", " w "], ["  ", "a", "\tb"]):
        assert cast_row(row) == [caster.lookup(cell, None) for caster, cell in zip(casters, row, strict=True)]
    assert cast_row([" x\t", "y ", "-"]) == ["x", "y", None]
    assert cast_row(["a", "", "b"]) is None  # a required field left empty goes to Frictionless
