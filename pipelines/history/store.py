"""Where a dataset's history lives between builds: `.build-state/history/<id>/`.

Releases are swapped and pruned (kommune/releases.py keeps three), so the history cannot live
in them alone; the state folder survives every swap. Everything in it is named by its content
(a table's sha256, a version's content hash), so a build killed before its swap leaves only
files the next build either reuses or deletes; the release's `versions.json` stays the
authority on which versions exist (docs/decisions/dataset-history.md).

    snapshots/<sha256>.csv.gz      a table of one version, gzip of the published CSV's bytes
    deltas/<n>-<hash>.jsonl.gz     every change of version n against n-1 (the way back)
    changes/<n>-<hash>.jsonl.gz    the listable changes of version n (a link to the delta when
                                   disclosure control hides nothing)
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

# gzip's default level; other levels were not compared (docs/decisions/dataset-history.md)
COMPRESSION_LEVEL = 6
SNAPSHOTS = "snapshots"
DELTAS = "deltas"
CHANGES = "changes"


class HistoryStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def snapshot(self, sha256: str) -> Path:
        return self.root / SNAPSHOTS / f"{sha256}.csv.gz"

    def delta(self, version: int, content_hash: str) -> Path:
        return self.root / DELTAS / f"{version}-{content_hash[:16]}.jsonl.gz"

    def changes(self, version: int, content_hash: str) -> Path:
        return self.root / CHANGES / f"{version}-{content_hash[:16]}.jsonl.gz"

    def keep_snapshot(self, csv_path: Path, sha256: str) -> Path:
        """A compressed copy of the table, written once per content."""
        target = self.snapshot(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            with open(csv_path, "rb") as source, gzip.open(temporary, "wb", compresslevel=COMPRESSION_LEVEL) as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            os.replace(temporary, target)
        return target

    def snapshot_lines(self, sha256: str) -> Iterator[str] | None:
        path = self.snapshot(sha256)
        if not path.exists():
            return None
        return _lines(path)

    def prune(self, keep: set[Path]) -> None:
        """Delete what neither the new nor the previous version log refers to."""
        for folder in (SNAPSHOTS, DELTAS, CHANGES):
            for path in (self.root / folder).glob("*"):
                if path not in keep:
                    path.unlink(missing_ok=True)


def _lines(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from handle


def write_changes(path: Path, changes: Iterable[dict]) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=COMPRESSION_LEVEL) as sink:
            for change in changes:
                sink.write(json.dumps(change, ensure_ascii=False) + "\n")
        os.replace(temporary, path)
    return path


def link(source: Path, target: Path) -> None:
    """Hard-link a stored file into the release (copy where the file system refuses)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if os.path.samefile(source, target):
            return
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
