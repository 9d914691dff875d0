"""Council tables carried over from the last good version when nothing they are made of changed.

A city's archive changes by a few papers a day; writing every table again (half a million
files with their texts) would cost the whole archive each build. Each table gets a key of what
it is made of (`table_keys`: the declaration, the table code, the store's revision of each
OParl type it reads and of the ids it checks, the document texts' revision); the dataset's
state folder records, per table, the key, the hash of the CSV that was published with it and
the warnings its rows raised (`TableRecord`). When the key is the same and the last good version still holds that CSV,
its files are linked instead of written, and its warnings are raised again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from contracts.build_folder import PACKAGE_FILE
from contracts.files import package_hash, read_json_object, replace_json
from pipelines import links, output
from pipelines.errors import Issue
from pipelines.oparl import documents, search, table_schemas
from pipelines.oparl import tables as tables_module
from pipelines.oparl.store import ObjectStore
from pipelines.oparl.tables import TABLE_INPUTS
from pipelines.output import ResourceOutput, carry_resource

TABLES_RECORD = "tables.json"  # in the dataset's state folder
# The code that decides how a table looks: a change to it builds every table again.
_TABLE_CODE = (tables_module, table_schemas, search, documents, links, output)


def ended_memberships(store: ObjectStore, today: dt.date) -> int:
    """How many memberships ended before `today`: all the clock decides in the tables."""
    return sum(1 for _, end in store.with_field("endDate") if isinstance(end, str) and end < today.isoformat())


def source_key(inputs_hash: str, store: ObjectStore, ended: int) -> str:
    """What the tables are built from, as the package's `content_hash`: the declaration and
    pipeline (`inputs_hash`), the harvested objects (the store's revision) and the one thing the
    clock decides in them, how many memberships have ended (`ended_memberships`: a faction)."""
    return hashlib.sha256(f"{inputs_hash}\0{store.revision}\0{ended}".encode()).hexdigest()


def table_keys(inputs_hash: str, store: ObjectStore, ended: int, texts_revision: str) -> dict[str, str]:
    """Per table, the key of what it is made of (tables.TABLE_INPUTS); for the persons also
    the ended memberships, for the files the revision of the document texts read."""
    code = hashlib.sha256(b"".join(Path(module.__file__ or "").read_bytes() for module in _TABLE_CODE)).hexdigest()
    keys = {}
    for name, (reads, checks) in TABLE_INPUTS.items():
        parts = [inputs_hash, code, name]
        parts += [f"content:{t}={store.type_revision('content', t)}" for t in sorted(reads)]
        parts += [f"ids:{t}={store.type_revision('ids', t)}" for t in sorted(checks)]
        if name == "oparl_person":
            parts.append(f"ended={ended}")
        if name == "oparl_file":
            parts.append(f"texts={texts_revision}")
        keys[name] = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return keys


class TableRecord:
    """What the state folder remembers of each table, and the last good version to take from."""

    def __init__(self, path: Path, previous_dir: Path | None):
        self.path = path
        self.previous_dir = previous_dir
        self.recorded: dict[str, dict] = read_json_object(path)
        self.fresh: dict[str, dict] = {}
        self.taken: list[str] = []
        self._previous_resources: dict[str, dict] | None = None

    def take(self, name: str, key: str | None, out_dir: Path, warnings: list[Issue]) -> ResourceOutput | None:
        """The last good version's table `name`, linked into `out_dir`, if its key is `key`;
        its warnings are added to `warnings`. None: the table must be written."""
        entry = self.recorded.get(name)
        if key is None or self.previous_dir is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        descriptor = self.previous_resources().get(name)
        if descriptor is None or descriptor.get("hash") != entry.get("hash"):
            return None
        resource = carry_resource(out_dir, self.previous_dir, descriptor)
        if resource is None:
            return None
        warnings.extend(Issue(**warning) for warning in entry.get("warnings", []))
        self.fresh[name] = entry
        self.taken.append(name)
        return resource

    def remember(self, name: str, key: str | None, resource: ResourceOutput, warnings: list[Issue]) -> None:
        if key is not None:
            self.fresh[name] = {
                "key": key,
                "hash": package_hash(resource.csv.sha256),
                "warnings": [warning.to_dict() for warning in warnings],
            }

    def save(self) -> None:
        """Keep what this build wrote or took (a table without key is forgotten)."""
        replace_json(self.path, self.fresh)

    def previous_resources(self) -> dict[str, dict]:
        if self._previous_resources is None:
            self._previous_resources = {}
            if self.previous_dir is not None:
                try:
                    package = json.loads((self.previous_dir / PACKAGE_FILE).read_text(encoding="utf-8"))
                    self._previous_resources = {r["name"]: r for r in package["resources"]}
                except (OSError, ValueError, KeyError, TypeError):
                    pass
        return self._previous_resources
