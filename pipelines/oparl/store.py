"""The harvested objects, keyed by OParl id, with embedded objects flattened out.

Each entry remembers its OParl type and the parent it was embedded in, so that an updated
or deleted parent takes its vanished children with it. The store is saved as one JSON
file in the harvest state directory between builds.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Keys the harvester adds from where an object was embedded; a copy of the object from a flat
# list cannot know them. Other "_" annotations (stray whitespace) belong to each version.
EMBEDDING_ANNOTATIONS = frozenset({"_role"})


@dataclass
class StoredObject:
    type: str
    data: dict[str, Any]
    parent: str | None = None


@dataclass
class ObjectStore:
    objects: dict[str, StoredObject] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # parent id -> ids embedded in it, so that cascades do not scan the whole store
        self._children: dict[str, set[str]] = {}
        for object_id, stored in self.objects.items():
            if stored.parent:
                self._children.setdefault(stored.parent, set()).add(object_id)

    def __len__(self) -> int:
        return len(self.objects)

    def __contains__(self, object_id: str) -> bool:
        return object_id in self.objects

    def get(self, object_id: str) -> StoredObject | None:
        return self.objects.get(object_id)

    def of_type(self, type_name: str) -> Iterator[dict[str, Any]]:
        """The data of every object of one OParl type (`Paper`), in id order."""
        for object_id in sorted(self.objects):
            stored = self.objects[object_id]
            if stored.type == type_name:
                yield stored.data

    def children_of(self, parent_id: str) -> list[str]:
        return sorted(self._children.get(parent_id, ()))

    def put(self, type_name: str, data: dict[str, Any], parent: str | None) -> None:
        """Store or replace one object; an existing parent link is kept when none is given.

        Annotations the harvester derived from an embedding (EMBEDDING_ANNOTATIONS: a file's role)
        survive when the same object arrives again from a flat list, and a file's back-references
        to papers, meetings and agenda items are merged.
        """
        previous = self.objects.get(data["id"])
        if previous is not None:
            if parent is None:
                parent = previous.parent
            for key, value in previous.data.items():
                if key in EMBEDDING_ANNOTATIONS and key not in data:
                    data[key] = value
            if type_name == "File":
                for key in ("paper", "meeting", "agendaItem"):
                    merged = sorted(set(previous.data.get(key, [])) | set(data.get(key, [])))
                    if merged:
                        data[key] = merged
        if previous is not None and previous.parent and previous.parent != parent:
            self._children.get(previous.parent, set()).discard(data["id"])
        self.objects[data["id"]] = StoredObject(type_name, data, parent)
        if parent:
            self._children.setdefault(parent, set()).add(data["id"])

    def remove(self, object_id: str) -> list[tuple[str, str]]:
        """Remove an object and, recursively, everything embedded in it; return the removed
        objects as (type, id), the object itself first."""
        if object_id not in self.objects:
            return []
        stored = self.objects.pop(object_id)
        if stored.parent:
            self._children.get(stored.parent, set()).discard(object_id)
        children = self._children.pop(object_id, set())
        removed = [(stored.type, object_id)]
        for child in sorted(children):
            removed += self.remove(child)
        return removed

    def save(self, path: Path) -> None:
        """Write the store atomically (a crash leaves the previous file intact)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {oid: {"type": s.type, "parent": s.parent, "data": s.data} for oid, s in self.objects.items()}
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # dumps, not dump: json.dump streams through the pure-Python encoder, five times slower
            out.write(json.dumps(payload, ensure_ascii=False))
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> ObjectStore:
        """Read a saved store; a missing file is an empty store."""
        if not path.exists():
            return cls()
        payload = json.loads(path.read_text(encoding="utf-8"))
        return cls({oid: StoredObject(e["type"], e["data"], e.get("parent")) for oid, e in payload.items()})
