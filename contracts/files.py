"""The one way a file's content is hashed: sha256 as lower-case hex.

The build records it in datapackage.json (`hash: "sha256:<hex>"`, Frictionless), the catalogue
and CKAN read it from there, and the rebuild reuse compares it; all must hash the same way.
"""
from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """sha256 of the file at `path` as hex, read in blocks (hashlib.file_digest: no whole-file
    copy in memory). Raises OSError (FileNotFoundError) like `open`."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
