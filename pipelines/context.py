"""What a source kind gets to work with while it runs one dataset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import PortalConfig
from pipelines.errors import Issue
from pipelines.http import HttpClient


@dataclass
class RunContext:
    """`out_dir` is the release's datasets/<id>/; `state_dir` survives builds (caches, harvest state)."""

    out_dir: Path
    state_dir: Path
    portal: PortalConfig
    http: HttpClient
    progress: Callable[[str], None] = field(default=lambda message: None)
    # Problems that did not stop the dataset (e.g. one invalid object in a harvest): they
    # are published with it in report.json and the build report, as warnings.
    warnings: list[Issue] = field(default_factory=list)
    # Findings about the published data beyond warnings, by section (`quality`): written into
    # report.json and the build report (JSON values; the same data must give the same values).
    details: dict = field(default_factory=dict)
    # What this run did (`deletions`, `harvest`): only in the build report, so that an
    # unchanged source leaves report.json byte for byte as it was.
    run_facts: dict = field(default_factory=dict)
    # A kind whose source is remote may name what it built from (`content_hash`, over
    # `inputs_hash`: the declaration and the pipeline's version). When that equals the key of
    # the last good version (`previous_content_hash`, None if there is none to carry over) it
    # raises SourceUnchanged and that version is carried over.
    inputs_hash: str = ""
    previous_content_hash: str | None = None
    content_hash: str | None = None
    # The previous release's folder of the dataset (None without one), from which a kind may
    # carry tables that have not changed (pipelines.output.carry_resource checks each file).
    previous_dir: Path | None = None
