"""write_resource: the published CSV and JSON, whatever form the typed values come in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pipelines.output import PUBLISHED_FORM, write_resource

SCHEMA = {
    "fields": [
        {"name": "tag", "type": "date"},
        {"name": "betrag", "type": "number"},
        {"name": "erledigt", "type": "boolean"},
        {"name": "zeitpunkt", "type": "datetime"},
        {"name": "daten", "type": "object"},
        {"name": "anzahl", "type": "integer"},
        {"name": "text", "type": "string"},
    ]
}
ROWS = [
    [dt.date(2024, 1, 24), Decimal("1.50"), True, dt.datetime(2024, 1, 24, 10, 5), {"a": 1}, 7, 'Süd, "Mitte"'],
    [None, Decimal("12"), False, None, None, None, None],
]


def test_typed_rows_are_written_as_published_text(tmp_path):
    output = write_resource(tmp_path, "t", SCHEMA, ROWS, title="T")
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == '2024-01-24,1.50,true,2024-01-24T10:05:00,"{""a"":1}",7,"Süd, ""Mitte"""'
    assert lines[2] == ",12,false,,,,"
    records = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert records[0] == {
        "tag": "2024-01-24",
        "betrag": 1.5,
        "erledigt": True,
        "zeitpunkt": "2024-01-24T10:05:00",
        "daten": {"a": 1},
        "anzahl": 7,
        "text": 'Süd, "Mitte"',
    }
    assert records[1]["betrag"] == 12 and records[1]["tag"] is None
    assert output.row_count == 2


def test_rows_in_published_form_and_dict_rows_give_the_same_files(tmp_path):
    write_resource(tmp_path / "typed", "t", SCHEMA, ROWS, title="T")
    converted = [
        [
            PUBLISHED_FORM.get(field["type"], lambda v: v)(value) if value is not None else None
            for field, value in zip(SCHEMA["fields"], row, strict=True)
        ]
        for row in ROWS
    ]
    write_resource(tmp_path / "converted", "t", SCHEMA, converted, title="T")
    names = [field["name"] for field in SCHEMA["fields"]]
    write_resource(tmp_path / "dicts", "t", SCHEMA, [dict(zip(names, row, strict=True)) for row in ROWS], title="T")
    for name in ("t.csv", "t.json"):
        expected = (tmp_path / "typed" / name).read_bytes()
        assert (tmp_path / "converted" / name).read_bytes() == expected
        assert (tmp_path / "dicts" / name).read_bytes() == expected


def test_parts_joined_in_order_are_the_bytes_of_one_piece(tmp_path):
    """Parts of a file read by several processes (pipelines/reading/parallel.py), empty ones
    included, join into exactly the files one process writes."""
    from pipelines.output import join_resource_parts, write_resource_part

    rows = ROWS * 3
    (tmp_path / "parts").mkdir()
    for split in ([], [rows], [rows[:1], [], rows[1:4], rows[4:]], [[], []]):
        whole = [row for part in split for row in part]
        one = write_resource(tmp_path / "one", "t", SCHEMA, whole, title="T", facets=["text"])
        parts = [write_resource_part(tmp_path / "parts", SCHEMA, part) for part in split]
        joined = join_resource_parts(tmp_path, "t", SCHEMA, parts, title="T", facets=["text"])
        assert (tmp_path / "t.csv").read_bytes() == (tmp_path / "one" / "t.csv").read_bytes()
        assert (tmp_path / "t.json").read_bytes() == (tmp_path / "one" / "t.json").read_bytes()
        assert joined == one
        assert list((tmp_path / "parts").iterdir()) == []  # part files are removed once joined
        assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == json.loads(
            (tmp_path / "one" / "t.json").read_text(encoding="utf-8")
        )


def test_declared_date_fields_give_the_earliest_and_latest_value_also_over_parts(tmp_path):
    from pipelines.output import join_resource_parts, write_resource_part

    rows = [
        [dt.date(2024, 1, 24), None, None, dt.datetime(2019, 5, 1, 8), None, 1, "x"],
        [None, None, None, "2026-02-03T09:00:00+01:00", None, 2, "y"],
        [dt.date(2023, 12, 31), None, None, None, None, 3, "z"],
    ]
    assert write_resource(tmp_path, "t", SCHEMA, rows, title="T").dates is None  # nothing declared
    assert write_resource(tmp_path, "t", SCHEMA, rows, title="T", date_fields=["tag"]).dates == (
        "2023-12-31",
        "2024-01-24",
    )
    assert write_resource(tmp_path, "t", SCHEMA, rows, title="T", date_fields=["tag", "zeitpunkt"]).dates == (
        "2019-05-01",
        "2026-02-03",
    )
    (tmp_path / "parts").mkdir()
    parts = [
        write_resource_part(tmp_path / "parts", SCHEMA, part, date_fields=["anzahl"])
        for part in (rows[:1], [], rows[1:])
    ]
    assert join_resource_parts(tmp_path, "t", SCHEMA, parts, title="T").dates == ("1", "3")


def test_coverage_counts_whole_months_and_years_and_falls_back_to_the_declaration():
    from pipelines.config.dataset import Temporal
    from pipelines.package import temporal_coverage

    class Declared:
        temporal = Temporal(start=dt.date(2025, 1, 1), fields=["monat"])

    class Resource:
        def __init__(self, dates):
            self.dates = dates

    assert temporal_coverage(Declared, [Resource(("2023-11", "2024-02")), Resource(None)]) == {
        "start": "2023-11-01",
        "end": "2024-02-29",
        "source": "data",
    }
    assert temporal_coverage(Declared, [Resource(("2021", "2025"))]) == {
        "start": "2021-01-01",
        "end": "2025-12-31",
        "source": "data",
    }
    assert temporal_coverage(Declared, [Resource(("2024-12", "2024-12"))])["end"] == "2024-12-31"
    # service statistics coarsened to quarters: 2025-Q4 runs from 1 October to 31 December
    assert temporal_coverage(Declared, [Resource(("2024-Q1", "2025-Q4"))]) == {
        "start": "2024-01-01",
        "end": "2025-12-31",
        "source": "data",
    }
    assert temporal_coverage(Declared, [Resource(None)]) == {
        "start": "2025-01-01",
        "end": None,
        "source": "dataset.yaml",
    }


def test_infinite_numbers_do_not_break_the_json_file(tmp_path):
    """Frictionless reads `inf` in a number column as Decimal('Infinity'), whose exponent is the
    letter "F": comparing it with 0 raised TypeError and failed the dataset as an internal error."""
    schema = {"fields": [{"name": "x", "type": "number"}]}
    write_resource(tmp_path, "t", schema, [[Decimal("Infinity")], [Decimal("1500")], [Decimal("1.5")]], title="T")
    values = [row["x"] for row in json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))]
    assert values[0] == float("inf") and values[1:] == [1500, 1.5]
    assert isinstance(values[1], int)
