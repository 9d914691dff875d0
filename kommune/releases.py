"""Releases: a build writes a complete new folder, then swaps one symlink.

`build/` is a symlink to `.build-releases/<release>/`. Replacing a symlink with
`os.replace` is atomic, so a reader (the server, a publisher) always sees either the
old or the new portal, never a half-written one, even if the build is killed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from contracts.serve_state import build_state_dir

KEEP_RELEASES = 3


class BuildLocked(Exception):
    """Another build of the same output folder is running."""


class OutOfSpace(Exception):
    """The disk filled up while a release was written; the previous release still serves."""


@dataclass
class Stage:
    dir: Path
    previous: Path | None
    state_dir: Path


def releases_dir(out: Path) -> Path:
    return out.parent / f".{out.name}-releases"


def state_dir(out: Path) -> Path:
    return build_state_dir(out)


def current_release(out: Path) -> Path | None:
    """The release `out` points at, or None before the first build."""
    if out.is_symlink():
        target = out.resolve()
        return target if target.is_dir() else None
    return out if out.is_dir() else None


@contextmanager
def staged_release(out: Path) -> Iterator[Stage]:
    """Yield a fresh release folder; swap it in when the block finishes without error.

    On any error (or a kill) the new folder is left as `*.tmp` and removed by the next build;
    `out` keeps pointing at the previous release. Raises BuildLocked if a build is running.
    """
    out = Path(out).absolute()
    releases = releases_dir(out)
    releases.mkdir(parents=True, exist_ok=True)
    state = state_dir(out)
    state.mkdir(parents=True, exist_ok=True)
    with open(releases / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"Ein anderer Build schreibt gerade nach {out}") from None
        for leftover in releases.glob("*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
        # A build killed between creating its new link and swapping it in leaves the link behind.
        for leftover in out.parent.glob(f".{out.name}.link-*"):
            leftover.unlink(missing_ok=True)
        if out.exists() and not out.is_symlink():
            # An output folder from before releases existed: adopt it as the previous release.
            adopted = releases / f"adopted-{_stamp()}"
            os.replace(out, adopted)
            _point(out, adopted)
        previous = current_release(out)
        name = f"{_stamp()}-{os.getpid()}"
        staging = releases / f"{name}.tmp"
        staging.mkdir()
        try:
            yield Stage(dir=staging, previous=previous, state_dir=state)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        final = releases / name
        os.replace(staging, final)
        _point(out, final)
        _prune(releases, keep={final, previous})


def _point(out: Path, target: Path) -> None:
    # The swap is atomic against kills and failures (rename of a symlink). Files are not
    # fsynced one by one: that cost ~1 s per build here and guards only against power loss.
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, out.parent), link)
    os.replace(link, out)
    _fsync_dir(out.parent)


def _prune(releases: Path, keep: set) -> None:
    """Keep the newest few releases: a server may still read the previous one."""
    finished = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.endswith(".tmp")), key=lambda p: p.stat().st_mtime
    )
    for old in finished[:-KEEP_RELEASES]:
        if old not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
