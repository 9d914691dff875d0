"""OParl sources: harvest a council information system into the `oparl_*` tables.

`dataset.yaml`:

    source:
      kind: oparl
      url: https://ris.example.de/oparl/v1.1/system   # the system URL is all a town configures
      recording: sample        # optional: answer from a recorded system in the dataset folder
      requests_per_second: 2   # politeness towards the town's server
      timeout_seconds: 30
      retries: 4

With `recording` the harvest runs offline from the bundled demo; the same declaration without
that line harvests the real endpoint. A real endpoint is harvested incrementally between
builds (state in `RunContext.state_dir`); a recording is read in full each time. Problems that do not stop the harvest (one invalid object, one
unreachable page) are published as warnings naming the URL; an unreachable system fails the
dataset and its last good version stays online.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.http import HttpClient, HttpSettings
from pipelines.oparl.client import HttpJsonFetcher
from pipelines.oparl.harvester import Harvester, HarvestFailed
from pipelines.oparl.recording import Recording, RecordingError, RecordingFetcher
from pipelines.oparl.search import FTS_TOKENIZER
from pipelines.oparl.tables import build_tables
from pipelines.output import ResourceOutput, write_resource

NEEDS_SCHEMA = False  # the kind brings its own Table Schemas (pipelines/oparl/tables.py)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["oparl"]
    url: HttpUrl
    recording: str | None = None
    requests_per_second: float = Field(default=2.0, gt=0, le=50)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    retries: int = Field(default=4, ge=0, le=10)

    @field_validator("recording")
    @classmethod
    def _inside_dataset_folder(cls, value: str | None) -> str | None:
        if value is not None and (PurePosixPath(value).is_absolute() or ".." in PurePosixPath(value).parts):
            raise ValueError("recording muss ein Ordner im Datensatzordner sein (kein / am Anfang, kein ..)")
        return value


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    """The recording folder, if declared, must exist and hold a system."""
    source: Source = dataset.source_config
    if source.recording and not (dataset.folder / source.recording / "system.json").is_file():
        return [ConfigProblem(f"datasets/{dataset.id}/dataset.yaml", "source.recording",
                              f"im Ordner {source.recording} fehlt system.json (eine aufgezeichnete OParl-Schnittstelle)")]
    return []


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    """Harvest (incrementally), apply the privacy rules, write one resource per OParl table.

    Raises DatasetFailed when the system cannot be read at all or the recording is broken.
    """
    source: Source = dataset.source_config
    system_url = str(source.url)
    try:
        if source.recording:
            # A recording is read in full every time: it is small, and a regenerated recording
            # must not be hidden behind the state of an earlier one.
            fetcher = RecordingFetcher(Recording.load(dataset.folder / source.recording))
            result = Harvester(fetcher, system_url, state_dir=None).run()
        else:
            # the portal's limits (KOMMUNE_HTTP_* variables), with this source's politeness on top
            settings = dataclasses.replace(HttpSettings.from_environment(), timeout=source.timeout_seconds,
                                           retries=source.retries, min_interval=1.0 / source.requests_per_second)
            with HttpClient(ctx.state_dir / "http-cache", settings) as http:
                result = Harvester(HttpJsonFetcher(http), system_url, state_dir=ctx.state_dir).run()
    except RecordingError as error:
        raise DatasetFailed("Die aufgezeichnete OParl-Schnittstelle ist unvollständig",
                            [Issue(str(error), type="source-error", file=source.recording)]) from None
    except HarvestFailed as error:
        raise DatasetFailed("Das Ratsinformationssystem ist nicht abrufbar",
                            [Issue(error.message, type="source-error", file=error.url,
                                   expected="eine erreichbare OParl-Schnittstelle (System und Liste der Körperschaften)")]) from None

    for issue in result.issues:
        expected = {"object": "ein Objekt nach OParl 1.0/1.1", "page": "eine lesbare Listenseite",
                    "loop": "eine Seitenfolge ohne Wiederholung"}[issue.kind]
        ctx.warnings.append(Issue(issue.message, type=f"oparl-{issue.kind}", file=issue.url, expected=expected))
    ctx.progress(f"{result.objects_received} Objekte in {result.pages} Abrufen "
                 f"({'Änderungen' if result.incremental else 'vollständig'}), {len(result.store)} gespeichert")
    if not any(stored.type == "Body" for stored in result.store.objects.values()):
        raise DatasetFailed("Die OParl-Schnittstelle liefert keine Körperschaft",
                            [Issue("keine Körperschaft (Body) gefunden", type="source-error", file=system_url)])
    return [
        write_resource(ctx.out_dir, table.name, table.schema, table.rows, title=table.title,
                       description=table.description, fts=table.fts, indexes=table.indexes, facets=table.facets,
                       fts_tokenizer=FTS_TOKENIZER if table.fts else None)
        for table in build_tables(result.store, today=dt.date.today(), warnings=ctx.warnings)
    ]

