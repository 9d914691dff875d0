"""The one way a file's content is hashed (sha256 as lower-case hex), and the one way a file
is taken over from an earlier release (a hard link, a copy where links are impossible).

The build records it in datapackage.json (`hash: "sha256:<hex>"`, Frictionless), the catalogue
and CKAN read it from there, and the rebuild reuse compares it; all must hash the same way.
"""

from __future__ import annotations

import hashlib
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
