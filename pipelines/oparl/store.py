"""The harvested objects, keyed by OParl id, with embedded objects flattened out.

Each entry remembers its OParl type and the parent it was embedded in, so that an updated
or deleted parent takes its vanished children with it. The store is an SQLite file in the
harvest state directory (in memory without one): a large city's archive (two million
objects) is read and written object by object, never held in memory as a whole, and a
harvest that changed nothing leaves the store's revision as it was.

A harvest runs in one transaction: `commit` makes it the saved state, a crash before that
leaves the previous state intact.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Keys the harvester adds from where an object was embedded; a copy of the object from a flat
# list cannot know them. Other "_" annotations (stray whitespace) belong to each version.
EMBEDDING_ANNOTATIONS = frozenset({"_role"})
# The page cache of one store connection: bounded, whatever the archive's size.
CACHE_KIB = 64 * 1024

_SCHEMA = """
create table if not exists object (
    id text primary key,
    type text not null,
    parent text,
    data text not null
) without rowid;
create index if not exists object_type on object (type, id);
create index if not exists object_parent on object (parent) where parent is not null;
create table if not exists meta (key text primary key, value text not null);
"""


@dataclass
class StoredObject:
    type: str
    data: dict[str, Any]
    parent: str | None = None


def _json_path(field: str) -> str:
    """The JSON path of one top-level field, for SQLite's JSON functions."""
    return '$."' + field.replace('"', "") + '"'


def _quoted_path(field: str) -> str:
    """The same path as an SQL string literal (ORDER BY terms cannot all be parameters here)."""
    return "'" + _json_path(field).replace("'", "''") + "'"


def _encode(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class ObjectStore:
    """`path` of None keeps the store in memory (a recording, read in full every time)."""

    def __init__(self, path: Path | None = None):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # Transactions by hand: the first write opens one, `commit` ends it; reads between
        # harvests hold no lock (another harvest of the same system may commit meanwhile).
        self.db = sqlite3.connect(":memory:" if path is None else path, isolation_level=None)
        self.db.execute(f"pragma cache_size = -{CACHE_KIB}")
        self.db.execute("pragma journal_mode = wal")
        self.db.execute("pragma synchronous = normal")
        # An object that privacy rules now withhold, or that was deleted, leaves no trace in
        # the file: its pages are overwritten, and the log is emptied at each commit.
        self.db.execute("pragma secure_delete = on")
        self.db.executescript(_SCHEMA)
        # ids stored, replaced with other data or removed since the last commit
        self.changed: set[str] = set()
        # what changed since the last commit, per OParl type: "content" (an object stored,
        # replaced or removed) and "ids" (an object added or removed)
        self._changed_types: set[tuple[str, str]] = set()

    @property
    def revision(self) -> str:
        """Names the saved content: the same until a commit that changed something."""
        row = self.db.execute("select value from meta where key = 'revision'").fetchone()
        return row[0] if row else ""

    def commit(self) -> None:
        """Make everything since the last commit the saved state; a new revision if it changed."""
        if self.changed or not self.revision:
            self._writing()
            self.db.execute("insert or replace into meta values ('revision', ?)", (uuid.uuid4().hex,))
            self.db.executemany(
                "insert or replace into meta values (?, ?)",
                [(f"{aspect}:{type_name}", uuid.uuid4().hex) for aspect, type_name in sorted(self._changed_types)],
            )
        if self.db.in_transaction:
            self.db.execute("commit")
            self.db.execute("pragma wal_checkpoint(truncate)")
        self.changed.clear()
        self._changed_types.clear()

    def type_revision(self, aspect: str, type_name: str) -> str:
        """Names the saved state of one type's objects (`aspect` "content") or of which of them
        exist ("ids"): the same until a commit that changed it."""
        return self.read_meta(f"{aspect}:{type_name}") or ""

    def _writing(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("begin immediate")

    def read_meta(self, key: str) -> str | None:
        """A value saved with the objects (the harvest's list timestamps), committed with them."""
        row = self.db.execute("select value from meta where key = ?", (key,)).fetchone()
        return row[0] if row else None

    def write_meta(self, key: str, value: str) -> None:
        if key == "revision" or ":" in key:
            raise ValueError("revisions are the store's own")
        self._writing()
        self.db.execute("insert or replace into meta values (?, ?)", (key, value))

    def close(self) -> None:
        """Close without saving what was not committed."""
        self.db.close()

    def __len__(self) -> int:
        return self.db.execute("select count(*) from object").fetchone()[0]

    def __contains__(self, object_id: str) -> bool:
        return self.db.execute("select 1 from object where id = ?", (object_id,)).fetchone() is not None

    def get(self, object_id: str) -> StoredObject | None:
        row = self.db.execute("select type, data, parent from object where id = ?", (object_id,)).fetchone()
        return StoredObject(row[0], json.loads(row[1]), row[2]) if row else None

    def of_type(self, type_name: str, order_by: Sequence[tuple[str, Any]] = ()) -> Iterator[dict[str, Any]]:
        """The data of every object of one OParl type (`Paper`), in id order, or first by the
        fields `order_by` names, each (field, value when it is missing or empty). SQLite sorts,
        so that a city's papers are sorted without holding them in memory."""
        keys = [f"coalesce(nullif(json_extract(data, {_quoted_path(name)}), ''), ?)" for name, _ in order_by]
        sql = "select data from object where type = ? order by " + ", ".join([*keys, "id"])
        for (data,) in self.db.execute(sql, (type_name, *(default for _, default in order_by))):
            yield json.loads(data)

    def items(self) -> Iterator[tuple[str, StoredObject]]:
        """Every object, in id order."""
        for object_id, type_name, data, parent in self.db.execute(
            "select id, type, data, parent from object order by id"
        ):
            yield object_id, StoredObject(type_name, json.loads(data), parent)

    def ids(self, type_name: str | None = None, top_level: bool = False) -> list[str]:
        """The ids of all objects (of one type; only those not embedded in another), in order."""
        where = " and ".join(
            condition
            for condition, wanted in (("type = :type", type_name is not None), ("parent is null", top_level))
            if wanted
        )
        sql = "select id from object" + (f" where {where}" if where else "") + " order by id"
        return [row[0] for row in self.db.execute(sql, {"type": type_name})]

    def type_counts(self) -> dict[str, int]:
        """How many objects of each OParl type the store holds."""
        return dict(self.db.execute("select type, count(*) from object group by type order by type").fetchall())

    def with_field(self, field: str) -> Iterator[tuple[str, Any]]:
        """(id, value) of every object whose data has `field` set, in id order (read by SQLite,
        so that a scan of the whole archive decodes only the objects that have it)."""
        path = _json_path(field)
        for object_id, value in self.db.execute(
            "select id, json_quote(json_extract(data, :path)) as value from object "
            "where json_type(data, :path) not in ('null') order by id",
            {"path": path},
        ):
            yield object_id, json.loads(value)

    def dangling_references(self, type_name: str, field: str, prefix: str) -> Iterator[tuple[str, str]]:
        """(id, target) for every object of `type_name` whose `field` (one id or a list of them)
        names an object of this system (`prefix`) that the store does not hold, in id order."""
        path = _json_path(field)
        yield from self.db.execute(
            "select o.id, ref.value from object o, json_each(o.data, :path) ref "
            "where o.type = :type and ref.type = 'text' and substr(ref.value, 1, length(:prefix)) = :prefix "
            "and not exists (select 1 from object t where t.id = ref.value) order by o.id, ref.key",
            {"path": path, "type": type_name, "prefix": prefix},
        )

    def children_of(self, parent_id: str) -> list[str]:
        return [row[0] for row in self.db.execute("select id from object where parent = ? order by id", (parent_id,))]

    def put(self, type_name: str, data: dict[str, Any], parent: str | None) -> None:
        """Store or replace one object; an existing parent link is kept when none is given.

        Annotations the harvester derived from an embedding (EMBEDDING_ANNOTATIONS: a file's role)
        survive when the same object arrives again from a flat list, and a file's back-references
        to papers, meetings and agenda items are merged.
        """
        row = self.db.execute("select type, data, parent from object where id = ?", (data["id"],)).fetchone()
        if row is not None:
            previous = json.loads(row[1])
            if parent is None:
                parent = row[2]
            for key, value in previous.items():
                if key in EMBEDDING_ANNOTATIONS and key not in data:
                    data[key] = value
            if type_name == "File":
                for key in ("paper", "meeting", "agendaItem"):
                    merged = sorted(set(previous.get(key, [])) | set(data.get(key, [])))
                    if merged:
                        data[key] = merged
        encoded = _encode(data)
        if row is not None and (row[0], row[1], row[2]) == (type_name, encoded, parent):
            return
        self._writing()
        self.db.execute("insert or replace into object values (?, ?, ?, ?)", (data["id"], type_name, parent, encoded))
        self.changed.add(data["id"])
        self._changed_types.add(("content", type_name))
        if row is None or row[0] != type_name:
            self._changed_types.add(("ids", type_name))
            if row is not None:
                self._changed_types |= {("content", row[0]), ("ids", row[0])}

    def remove(self, object_id: str) -> list[tuple[str, str]]:
        """Remove an object and, recursively, everything embedded in it; return the removed
        objects as (type, id), the object itself first."""
        row = self.db.execute("select type from object where id = ?", (object_id,)).fetchone()
        if row is None:
            return []
        children = self.children_of(object_id)
        self._writing()
        self.db.execute("delete from object where id = ?", (object_id,))
        self.changed.add(object_id)
        self._changed_types |= {("content", row[0]), ("ids", row[0])}
        removed = [(row[0], object_id)]
        for child in children:
            removed += self.remove(child)
        return removed
