"""load_rows: types and keys from the Table Schema, one transaction, the old table kept on failure."""

from __future__ import annotations

import pytest
import sqlite_utils

from publish.bulk_load import LoadError, column_types, load_rows, primary_key

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "plz", "type": "string"},
        {"name": "betrag", "type": "number"},
        {"name": "datum", "type": "date"},
        {"name": "aktiv", "type": "boolean"},
    ],
    "primaryKey": ["id"],
}


def test_column_types_follow_the_schema():
    assert column_types(SCHEMA) == {"id": int, "plz": str, "betrag": float, "datum": str, "aktiv": int}
    assert primary_key(SCHEMA) == "id"
    assert primary_key({"fields": [], "primaryKey": ["a", "b"]}) == ("a", "b")
    assert primary_key({"fields": []}) is None


def test_rows_are_loaded_with_types_keys_and_indexes(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    rows = [[1, "01067", 12.5, "2024-01-24", True], [2, None, None, "2024-01-25", False]]
    assert load_rows(db, "zahlungen", SCHEMA, iter(rows), indexes=[["datum"], ["plz", "datum"]]) == 2
    table = db["zahlungen"]
    assert table.pks == ["id"]
    assert {column.name: column.type for column in table.columns} == {
        "id": "INTEGER", "plz": "TEXT", "betrag": "REAL", "datum": "TEXT", "aktiv": "INTEGER",
    }
    assert [column.notnull for column in table.columns][0]
    assert {tuple(index.columns) for index in table.indexes} == {("datum",), ("plz", "datum")}
    assert db.execute("select plz, typeof(betrag), aktiv from zahlungen order by id").fetchall() == [
        ("01067", "real", 1), (None, "null", 0),
    ]


def test_failing_row_source_rolls_back_to_the_previous_table(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    load_rows(db, "zahlungen", SCHEMA, [[1, "59368", 1.0, "2024-01-01", True]])

    def broken_rows():
        yield [7, "59368", 2.0, "2024-01-02", True]
        raise ValueError("row 3 failed validation")

    with pytest.raises(ValueError, match="row 3"):
        load_rows(db, "zahlungen", SCHEMA, broken_rows())
    assert [row["id"] for row in db["zahlungen"].rows] == [1]


def test_duplicate_primary_key_raises_load_error_and_keeps_the_old_table(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    load_rows(db, "zahlungen", SCHEMA, [[1, "59368", 1.0, "2024-01-01", True]])
    rows = [[5, None, None, "2024-01-01", True], [5, None, None, "2024-01-02", True]]
    with pytest.raises(LoadError, match="zahlungen"):
        load_rows(db, "zahlungen", SCHEMA, rows)
    assert db["zahlungen"].count == 1
