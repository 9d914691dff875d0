"""The one way a file's content is hashed (sha256 as lower-case hex), the one way a file
is taken over from an earlier release (a hard link, a copy where links are impossible), and
the one way a JSON record of the state or the build is read and replaced.

The build records it in datapackage.json (`hash: "sha256:<hex>"`, Frictionless), the catalogue
and CKAN read it from there, and the rebuild reuse compares it; all must hash the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path


def file_sha256(path: Path) -> str:
    """sha256 of the file at `path` as hex, read in blocks (hashlib.file_digest: no whole-file
    copy in memory). Raises OSError (FileNotFoundError) like `open`."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


#: How datapackage.json names the algorithm before the hex digest (Frictionless `hash`).
HASH_PREFIX = "sha256:"


def package_hash(hex_digest: str) -> str:
    """The `hash` value of a file in datapackage.json: `sha256:<hex>`."""
    return HASH_PREFIX + hex_digest


def hex_of_package_hash(value: str) -> str | None:
    """The hex digest in a datapackage.json `hash` value; None if it is not sha256."""
    return value.removeprefix(HASH_PREFIX) if value.startswith(HASH_PREFIX) else None


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link `source` to `target`, or copy it (with its metadata) where links are impossible
    (another file system). Raises OSError if `source` is missing or `target` exists."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def read_json_object(path: Path) -> dict:
    """A JSON object from `path`; empty when the file is missing, unreadable or not an object
    (a record that cannot be read is as good as none: what it remembered is made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def replace_json(path: Path, data: dict, *, indent: int | None = None) -> None:
    """Write `data` to `path` through a new file: the old one may be a hard link shared with an
    earlier release, and a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=indent, default=str), encoding="utf-8")
    os.replace(temporary, path)
