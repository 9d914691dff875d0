"""The version log of a dataset: what pipelines/history writes into a release and publish/ reads.

    datasets/<id>/versions.json                       VERSIONS_FILE: {"dataset", "keep", "versions": [Version]}
    datasets/<id>/versionen/<n>/aenderungen.jsonl.gz  CHANGES_FILE: one Change per line (JSON), gzip
    datasets/<id>/versionen/<n>/<resource>.csv.gz     version n of a table, for the last `keep` versions

A Version (dict, oldest first): `version` (1, 2, …), `date` (ISO, when the build recorded it),
`content_hash` (sha256 over the tables' CSV hashes and schemas), `rows` (per table), `schema`
(per table: [[field, type], …]), `reasons` (REASONS keys), `counts` (COUNT_KEYS, from the
listed changes), `examples` (up to EXAMPLES changed values: table, key, key_fields, column,
old, new), `changes` (the change file's path in the dataset folder, None for version 1),
`tables` ({resource: path of its `.csv.gz`} while the version is kept, else {}), and for the
builder `hashes` and `keys` (per table: CSV sha256, primary key), `delta` and `change_file`
(the names of its files in the history store).

A Change: `table`, `kind` (CHANGE_KINDS), `key` (the row's key as text: the declared primary
key's values joined by KEY_SEPARATOR, or `#` and a hash of the row where a table declares
none), `column` (None for whole rows), `old`, `new` (text as in the published CSV; a whole row
as a JSON object; a column's type for schema changes).

Changes a disclosure control hides (a cell empty in either version of a table with a
disclosure audit) are never in a change list, a count or an example.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

CHANGES_FILE = "aenderungen.jsonl.gz"
KEY_SEPARATOR = " · "
HASH_KEY_PREFIX = "#"
EXAMPLES = 5

ROW_ADDED = "row-added"
ROW_REMOVED = "row-removed"
VALUE_CHANGED = "value-changed"
COLUMN_ADDED = "column-added"
COLUMN_REMOVED = "column-removed"
COLUMN_RETYPED = "column-retyped"
CHANGE_KINDS = (ROW_ADDED, ROW_REMOVED, VALUE_CHANGED, COLUMN_ADDED, COLUMN_REMOVED, COLUMN_RETYPED)

# counts of a version: rows added, rows removed, rows with corrected values, values corrected,
# schema changes
COUNT_KEYS = ("rows_added", "rows_removed", "rows_changed", "values_changed", "schema_changes")

FIRST = "first"
ROWS_ADDED = "rows-added"
ROWS_REMOVED = "rows-removed"
VALUES_CORRECTED = "values-corrected"
SCHEMA_CHANGED = "schema-changed"
REWRITTEN = "rewritten"  # the tables' bytes changed, but no listable row or value did
NOT_COMPARED = "not-compared"  # the version before is no longer stored
REASONS = {
    FIRST: "erste Version",
    ROWS_ADDED: "neue Zeilen",
    ROWS_REMOVED: "Zeilen entfernt",
    VALUES_CORRECTED: "Werte korrigiert",
    SCHEMA_CHANGED: "Spalten geändert",
    REWRITTEN: "neu geschrieben, ohne sichtbare Änderung",
    NOT_COMPARED: "nicht mit der vorigen Version verglichen",
}

DEFAULT_KEEP = 5  # earlier versions kept as full downloads (dataset.yaml `history.keep`)


def read_changes(path: Path) -> Iterator[dict]:
    """The changes in a change file (CHANGES_FILE), in order."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
