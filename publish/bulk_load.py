"""Loading typed rows into one SQLite table fast: types from the Table Schema, one transaction.

sqlite-utils creates the table and its indexes (types, primary key and not-null from the
Table Schema); the rows go through the connection's ``executemany`` in one transaction,
which is several times faster than ``Table.insert_all`` with a dict per row (see
../shared/notes/measured-pitfalls.md). Indexes are built after the rows are in: one sort
per index instead of a B-tree update per row. Producing rows in a second thread
while SQLite writes was measured slower (the GIL changes hands for every row), so the
load stays in one thread.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Mapping, Optional, Sequence

import sqlite_utils

#: Frictionless field type → SQLite column type. Dates and times stay ISO text, which sorts
#: and compares correctly and is what Datasette shows; everything unknown is text.
SQLITE_TYPES: dict[str, type] = {
    "integer": int,
    "number": float,
    "boolean": int,
    "year": int,
}


class LoadError(Exception):
    """The rows could not be loaded; the table was left as it was before the load."""


def column_types(schema: Mapping[str, Any]) -> dict[str, type]:
    """Column name → Python type for sqlite-utils, in schema order (unknown types: ``str``)."""
    return {field["name"]: SQLITE_TYPES.get(field.get("type", "string"), str) for field in schema["fields"]}


def primary_key(schema: Mapping[str, Any]) -> Optional[Any]:
    """The schema's primary key as sqlite-utils wants it: None, a name, or a tuple of names."""
    key = schema.get("primaryKey")
    if not key:
        return None
    if isinstance(key, str):
        return key
    return key[0] if len(key) == 1 else tuple(key)


def load_rows(
    db: sqlite_utils.Database,
    table: str,
    schema: Mapping[str, Any],
    rows: Iterable[Sequence[Any]],
    *,
    indexes: Sequence[Sequence[str]] = (),
    replace: bool = True,
) -> int:
    """Replace ``table`` with ``rows`` (value sequences in schema field order); return the count.

    Everything happens in one transaction: if ``rows`` raises (for example the validating
    reader's ``InvalidTable`` after the last row) or SQLite refuses a row, the transaction
    is rolled back, the previous table stays as it was and ``LoadError`` (or the row
    source's own exception) is raised. Not-null columns come from ``required``
    constraints, the primary key from ``primaryKey``; ``indexes`` lists column groups.
    """
    columns = column_types(schema)
    not_null = {
        field["name"]
        for field in schema["fields"]
        if field.get("constraints", {}).get("required")
    }
    insert = "INSERT INTO [{}] ({}) VALUES ({})".format(
        table,
        ", ".join(f"[{name}]" for name in columns),
        ", ".join("?" for _ in columns),
    )
    try:
        # One transaction (sqlite-utils nests its own steps as savepoints inside it).
        with db.atomic():
            if replace and db[table].exists():
                db[table].drop()
            db.create_table(table, columns, pk=primary_key(schema), not_null=not_null)
            # executemany consumes the iterator row by row: memory stays flat.
            count = db.conn.executemany(insert, rows).rowcount
            for index_columns in indexes:
                db[table].create_index(list(index_columns), if_not_exists=True)
    except sqlite3.DatabaseError as error:
        raise LoadError(f"Tabelle {table}: {error}") from error
    return count

