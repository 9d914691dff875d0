"""Row-level changes between two versions of one published table (the CSV as written).

Rows are matched by the declared primary key, or, where a table declares none, by a hash of
the values of the columns both versions have (a corrected row is then one row removed and one
added). Both files are read once, side by side: tables keep their row order from build to
build, so a row's partner is nearly always at the same place or a few rows away, and only rows
out of step wait in memory (a 1M-row table with 1 % changed needs no more than those).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from contracts.history import (
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RETYPED,
    HASH_KEY_PREFIX,
    KEY_SEPARATOR,
    ROW_ADDED,
    ROW_REMOVED,
    VALUE_CHANGED,
)

csv.field_size_limit(sys.maxsize)


@dataclass
class TableVersion:
    """One table of one version: its fields ([name, type]) and its CSV lines (header first)."""

    fields: list[tuple[str, str]]
    primary_key: list[str]
    lines: Iterable[str]


@dataclass
class TableDiff:
    """The changes of one table, in the order found; `schema_changed` when columns differ."""

    table: str
    changes: list[dict] = field(default_factory=list)
    schema_changed: bool = False
    key_fields: list[str] = field(default_factory=list)


def diff_table(table: str, old: TableVersion, new: TableVersion) -> TableDiff:
    """Every change from `old` to `new`: schema changes first, then rows added, removed and
    values changed (one change per cell), each a dict of contracts.history's Change."""
    result = TableDiff(table)
    old_types = dict(old.fields)
    new_types = dict(new.fields)
    for name, kind in new.fields:
        if name not in old_types:
            result.changes.append(_change(table, COLUMN_ADDED, None, name, None, kind))
        elif old_types[name] != kind:
            result.changes.append(_change(table, COLUMN_RETYPED, None, name, old_types[name], kind))
    for name, kind in old.fields:
        if name not in new_types:
            result.changes.append(_change(table, COLUMN_REMOVED, None, name, kind, None))
    result.schema_changed = bool(result.changes)
    common = [name for name, _ in new.fields if name in old_types]
    key = new.primary_key if new.primary_key and all(name in old_types for name in new.primary_key) else []
    result.key_fields = key
    old_names = [name for name, _ in old.fields]
    new_names = [name for name, _ in new.fields]
    pairs = [(old_names.index(name), new_names.index(name), name) for name in common]
    same_columns = old_names == new_names

    def compare(row_key: str, old_values: list[str], new_values: list[str]) -> None:
        if same_columns and old_values == new_values:
            return  # nearly every row: one list comparison, nothing else
        for old_index, new_index, name in pairs:
            before, after = _cell(old_values, old_index), _cell(new_values, new_index)
            if before != after:
                result.changes.append(_change(table, VALUE_CHANGED, row_key, name, before, after))

    old_rows = keyed_rows(old.lines, old_names, common, key)
    new_rows = keyed_rows(new.lines, new_names, common, key)
    waiting_old: dict[str, list[str]] = {}
    waiting_new: dict[str, list[str]] = {}
    for old_row, new_row in _side_by_side(old_rows, new_rows):
        if old_row is not None and new_row is not None and old_row[0] == new_row[0]:
            compare(old_row[0], old_row[1], new_row[1])
            continue
        if old_row is not None:
            partner = waiting_new.pop(old_row[0], None)
            if partner is None:
                waiting_old[old_row[0]] = old_row[1]
            else:
                compare(old_row[0], old_row[1], partner)
        if new_row is not None:
            partner = waiting_old.pop(new_row[0], None)
            if partner is None:
                waiting_new[new_row[0]] = new_row[1]
            else:
                compare(new_row[0], partner, new_row[1])
    for row_key, values in waiting_old.items():
        result.changes.append(_change(table, ROW_REMOVED, row_key, None, _row_json(old_names, values), None))
    for row_key, values in waiting_new.items():
        result.changes.append(_change(table, ROW_ADDED, row_key, None, None, _row_json(new_names, values)))
    return result


def _cell(values: list[str], index: int) -> str:
    return values[index] if index < len(values) else ""


def _row_json(names: list[str], values: list[str]) -> str:
    return json.dumps(dict(zip(names, values, strict=False)), ensure_ascii=False)


def _side_by_side(old: Iterator, new: Iterator) -> Iterator[tuple]:
    while True:
        old_row = next(old, None)
        new_row = next(new, None)
        if old_row is None and new_row is None:
            return
        yield old_row, new_row


def keyed_rows(lines: Iterable[str], names: list[str], common: list[str], key: list[str]) -> Iterator[tuple]:
    """(key, values) per row. A hash key counts repeats, so identical rows stay distinct."""
    reader = csv.reader(lines)
    next(reader, None)
    positions = {name: index for index, name in enumerate(names)}
    key_positions = [positions[name] for name in key]
    common_positions = [positions[name] for name in common]
    seen: dict[str, int] = {}
    for values in reader:
        if key_positions:
            row_key = KEY_SEPARATOR.join(values[index] for index in key_positions)
        else:
            digest = hashlib.blake2b("\x1f".join(values[i] for i in common_positions).encode(), digest_size=8)
            row_key = HASH_KEY_PREFIX + digest.hexdigest()
            seen[row_key] = seen.get(row_key, 0) + 1
            if seen[row_key] > 1:
                row_key += f"~{seen[row_key]}"
        yield row_key, values


def _change(table: str, kind: str, key: str | None, column: str | None, old, new) -> dict:
    return {"table": table, "kind": kind, "key": key, "column": column, "old": old, "new": new}


def hides_nothing(change: dict, hidden_possible: bool) -> bool:
    """Whether a change may be listed: in a disclosure-controlled table an empty cell is a
    hidden one (or one that may be), so a value that becomes or was empty is never shown —
    listing it would name what one version hides."""
    if not hidden_possible or change["kind"] != VALUE_CHANGED:
        return True
    return change["old"] != "" and change["new"] != ""
