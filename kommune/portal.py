"""The portal's commands as Python functions: each works without the CLI.

This is the one module that calls both the pipelines and the publishers.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from pipelines.build import BuildReport, build_datasets
from pipelines.config import PortalConfig, load_portal
from kommune.releases import staged_release
from publish import publish_build

DEFAULT_OUT = Path("build")


def build(
    portal_dir: Path | str = ".",
    out: Path | str = DEFAULT_OUT,
    *,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the portal into a new release and swap it in atomically.

    Reads and validates all declarations first (raises pipelines.errors.ConfigError with every
    problem); a failing dataset does not stop the build, it is reported in the returned report and
    its last good version stays published. Raises kommune.releases.BuildLocked when another build
    of the same output runs.
    """
    portal = load_portal(portal_dir)
    out = Path(out)
    with staged_release(out) as stage:
        report = build_datasets(portal, stage.dir, stage.previous, stage.state_dir, only=only, progress=progress)
        publish_build(stage.dir)
    return report


def validate(portal_dir: Path | str = ".", *, sources: bool = True, only: list[str] | None = None,
             progress: Callable[[str], None] | None = None) -> tuple[PortalConfig, BuildReport | None]:
    """Check every declaration (raises ConfigError with all problems), then, if `sources`,
    read and validate every source into a throwaway folder: nothing is published."""
    portal = load_portal(portal_dir, only=only)
    if not sources:
        return portal, None
    with tempfile.TemporaryDirectory(prefix="kommune-validate-") as scratch:
        scratch = Path(scratch)
        report = build_datasets(portal, scratch / "release", None, scratch / "state", progress=progress)
    return portal, report


def serve(out: Path | str = DEFAULT_OUT, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the site and Datasette on one port. Raises publish.build_folder.BuildMissing."""
    # Imported here: Datasette takes a good part of a second to import, which every
    # `kommune build` would otherwise pay (the demo's unchanged rebuild is ~2 s in all).
    from publish.serve import serve as serve_build

    serve_build(Path(out), host=host, port=port)
