"""OParl sources: harvest a council information system into the `oparl_*` tables.

`dataset.yaml`:

    source:
      kind: oparl
      url: https://ris.example.de/oparl/v1.1/system   # the system URL is all a town configures
      recording: sample        # optional: answer from a recorded system in the dataset folder
      requests_per_second: 2   # politeness towards the town's server
      timeout_seconds: 30      # optional: else KOMMUNE_HTTP_TIMEOUT, like every source
      retries: 4               # optional: else KOMMUNE_HTTP_RETRIES
      documents:               # optional: reading the text of the documents (pipelines/oparl/documents.py)
        max_file_bytes: 30000000
        max_downloads_per_run: 2000
        ocr: false             # true: recognise scans without text layer (needs tesseract)

With `recording` the harvest runs offline from the bundled demo; the same declaration without
that line harvests the real endpoint. A real endpoint is harvested incrementally between
builds (state in `RunContext.state_dir`); a recording is read in full each time.

Complete or not at all: a list not read to its end (a page failing after retries, invalid
JSON, a `next` loop, fewer objects than `pagination.totalElements`) or an unreachable system
fails the dataset, naming the URL and page, and its last good version stays online; the
harvest state is kept so the next run resumes. An invalid object is a warning naming its URL.

Document texts (`File.text`, else the PDF's text layer) are read after the harvest, only for
the public files it kept, at the same polite rate. A recording may bundle the documents
(`dokumente/` beside its JSON): they are read from there, copied into the release's
`dokumente/` and their links point to the portal's copy, so the demo's links work offline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from contracts.build_folder import DOCUMENTS_DIR
from pipelines.config.dataset import DatasetConfig
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue, SourceUnchanged
from pipelines.http import HttpClient, HttpSettings
from pipelines.kinds.contract import DeclaredTable, no_inputs, schema_columns
from pipelines.oparl.carry import TABLES_RECORD, TableRecord, ended_memberships, source_key, table_keys
from pipelines.oparl.client import HttpJsonFetcher
from pipelines.oparl.documents import (
    DocumentFetcher,
    DocumentOptions,
    DocumentResult,
    DocumentText,
    HttpDocumentFetcher,
    read_texts,
)
from pipelines.oparl.harvester import Harvester, HarvestFailed, HarvestResult
from pipelines.oparl.quality import quality_findings
from pipelines.oparl.recording import Recording, RecordingError, RecordingFetcher
from pipelines.oparl.search import FTS_TOKENIZER
from pipelines.oparl.store import ObjectStore
from pipelines.oparl.table_schemas import SCHEMAS
from pipelines.oparl.tables import build_tables
from pipelines.output import ResourceOutput, write_resource

NEEDS_SCHEMA = False  # the kind brings its own Table Schemas (pipelines/oparl/tables.py)
# What the personal-data scan finds in council information is public by law and office: the
# names of council members and of places, street addresses of meeting rooms and those named in
# papers, and the regional key (12 digits, which look like a phone number). Private details never
# get this far (pipelines/oparl/privacy.py). A dataset's own `privacy.allow_kinds` adds to this.
PUBLIC_DATA = {
    "name": ["Name", "Straßenadresse"],  # "Sanierung des Gehwegs Stockumer Str. 40–44"
    "street_address": ["Straßenadresse"],
    "description": ["Straßenadresse"],
    "search_text": ["Straßenadresse"],
    "resolution_text": ["Straßenadresse"],
    "text": ["Straßenadresse"],  # the text of public documents
    "rgs": ["Telefonnummer"],
}
inputs = no_inputs


def local(dataset: DatasetConfig) -> bool:
    return dataset.source_config.recording is not None  # answered from the dataset folder


EXPECTED = {
    "object": "ein Objekt nach OParl 1.0/1.1",
    "page": "eine lesbare Listenseite",
    "loop": "eine Seitenfolge ohne Wiederholung",
    "count": "so viele Objekte, wie pagination.totalElements ankündigt",
    "reference": "ein abrufbares Objekt hinter jedem Verweis",
}


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["oparl"]
    url: HttpUrl
    recording: str | None = None
    requests_per_second: float = Field(default=2.0, gt=0, le=50)
    # None: the portal's KOMMUNE_HTTP_TIMEOUT / KOMMUNE_HTTP_RETRIES, as for every other source
    timeout_seconds: float | None = Field(default=None, gt=0, le=600)
    retries: int | None = Field(default=None, ge=0, le=10)
    documents: DocumentOptions = DocumentOptions()

    def http_settings(self, portal_settings: HttpSettings) -> HttpSettings:
        """The portal's HTTP limits with what this declaration sets on top; the request rate is
        the slower of the two."""
        return dataclasses.replace(
            portal_settings,
            timeout=portal_settings.timeout if self.timeout_seconds is None else self.timeout_seconds,
            retries=portal_settings.retries if self.retries is None else self.retries,
            min_interval=max(portal_settings.min_interval, 1.0 / self.requests_per_second),
        )

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
        return [
            ConfigProblem(
                f"datasets/{dataset.id}/dataset.yaml",
                "source.recording",
                f"im Ordner {source.recording} fehlt system.json (eine aufgezeichnete OParl-Schnittstelle)",
            )
        ]
    return []


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    """Every OParl table, whatever the system holds (pipelines/oparl/table_schemas.py)."""
    return [DeclaredTable(name, "source.kind", schema_columns(schema)) for name, (_, _, schema) in SCHEMAS.items()]


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    """Harvest (incrementally), apply the privacy rules, write one resource per OParl table.

    Raises DatasetFailed when the system cannot be read at all or the recording is broken.
    """
    source: Source = dataset.source_config
    system_url = str(source.url)
    recording: Recording | None = None
    try:
        if source.recording:
            # A recording is read in full every time: it is small, and a regenerated recording
            # must not be hidden behind the state of an earlier one.
            recording = Recording.load(dataset.folder / source.recording)
            fetcher = RecordingFetcher(recording)
            result = Harvester(fetcher, system_url, state_dir=None).run()
        else:
            with HttpClient(ctx.state_dir / "http-cache", source.http_settings(ctx.http.settings)) as http:
                result = Harvester(HttpJsonFetcher(http), system_url, state_dir=ctx.state_dir).run()
    except RecordingError as error:
        raise DatasetFailed(
            "Die aufgezeichnete OParl-Schnittstelle ist unvollständig",
            [Issue(str(error), type="source-error", file=source.recording)],
        ) from None
    except HarvestFailed as error:
        raise DatasetFailed(
            "Das Ratsinformationssystem ist nicht abrufbar",
            [
                Issue(
                    error.message,
                    type="source-error",
                    file=error.url,
                    expected="eine erreichbare OParl-Schnittstelle (System und Liste der Körperschaften)",
                )
            ],
        ) from None
    try:
        return _publish(dataset, ctx, result, recording)
    finally:
        result.store.close()


def _publish(
    dataset: DatasetConfig, ctx: RunContext, result: HarvestResult, recording: Recording | None
) -> list[ResourceOutput]:
    """The tables of a harvest that came through (complete, with a body)."""
    source: Source = dataset.source_config
    issues = [
        Issue(issue.message, type=f"oparl-{issue.kind}", file=issue.url, expected=EXPECTED[issue.kind])
        for issue in result.issues
    ]
    if result.incomplete:
        raise DatasetFailed(
            f"Die OParl-Schnittstelle lieferte {len(result.incomplete)} "
            f"{'Liste' if len(result.incomplete) == 1 else 'Listen'} nicht vollständig; "
            "nichts davon wird veröffentlicht",
            sorted(issues, key=lambda issue: issue.type == "oparl-object"),
        ) from None
    ctx.warnings.extend(issues)
    store = result.store
    counts = store.type_counts()
    ctx.progress(
        f"{result.objects_received} Objekte in {result.pages} Abrufen "
        f"({'Änderungen' if result.incremental else 'vollständig'}), {sum(counts.values())} gespeichert"
    )
    if not counts.get("Body"):
        raise DatasetFailed(
            "Die OParl-Schnittstelle liefert keine Körperschaft",
            [Issue("keine Körperschaft (Body) gefunden", type="source-error", file=str(source.url))],
        )
    ctx.run_facts["harvest"] = {
        "incremental": result.incremental,
        "requests": result.pages,
        "objects_received": result.objects_received,
        "objects_changed": result.changed,
        "objects": counts,
    }
    if result.deletions:
        ctx.run_facts["deletions"] = {
            kind: {"count": len(ids), "examples": ids[:100]} for kind, ids in sorted(result.deletions.items())
        }
        ctx.progress("gelöscht: " + ", ".join(f"{len(ids)} {kind}" for kind, ids in sorted(result.deletions.items())))
    findings = quality_findings(store, [i.url for i in result.issues if i.kind == "object"])
    if findings:
        ctx.details["quality"] = findings
    today = dt.date.today()
    ended = ended_memberships(store, today)
    content_hash = None if recording else source_key(ctx.inputs_hash, store, ended)
    # A reference that still cannot be fetched was named by the version carried over; an invalid
    # object that arrived in this run was not.
    news = [issue for issue in result.issues if issue.kind != "reference"]
    if content_hash and content_hash == ctx.previous_content_hash and not news:
        ctx.progress("unverändert seit dem letzten Lauf: die veröffentlichte Fassung bleibt")
        raise SourceUnchanged
    texts, document_links, documents = _document_texts(dataset, ctx, store, recording)
    # Documents still to read (a download cap, a failed fetch) make the next run read on.
    ctx.content_hash = content_hash if documents.complete else None
    keys = table_keys(ctx.inputs_hash, store, ended, documents.revision) if content_hash else {}
    carried = TableRecord(ctx.state_dir / TABLES_RECORD, ctx.previous_dir)
    outputs = []
    for table in build_tables(store, today=today, warnings=ctx.warnings, texts=texts, document_links=document_links):
        resource = carried.take(table.name, keys.get(table.name), ctx.out_dir, ctx.warnings)
        if resource is None:  # its rows are made only now, while it is written
            written_before = len(ctx.warnings)
            resource = write_resource(
                ctx.out_dir,
                table.name,
                table.schema,
                table.rows,
                title=table.title,
                description=table.description,
                fts=table.fts,
                indexes=table.indexes,
                facets=table.facets,
                fts_tokenizer=FTS_TOKENIZER if table.fts else None,
                date_fields=table.date_fields,
            )
            carried.remember(table.name, keys.get(table.name), resource, ctx.warnings[written_before:])
        outputs.append(resource)
    carried.save()
    if keys:
        ctx.run_facts["tables_carried_over"] = sorted(carried.taken)
    return outputs


def _document_texts(
    dataset: DatasetConfig, ctx: RunContext, store: ObjectStore, recording: Recording | None
) -> tuple[Mapping[str, DocumentText], dict[str, str], DocumentResult]:
    """The texts of the harvested (public) files, for a recording with bundled documents the
    portal addresses of their copies (File id -> URL), and what reading them came to."""
    source: Source = dataset.source_config
    options = source.documents
    files = store.of_type("File")  # one at a time: a city has half a million
    state_path = ctx.state_dir / "documents.sqlite"
    if recording is not None:
        outcome = read_texts(files, RecordingFetcher(recording), options, state_path)
        links = _publish_bundled_documents(dataset, ctx, recording, store.of_type("File"))
    else:
        settings = dataclasses.replace(
            source.http_settings(ctx.http.settings),
            max_bytes=min(ctx.http.settings.max_bytes, options.max_file_bytes),
        )
        with HttpClient(ctx.state_dir / "http-cache", settings) as http:
            fetcher: DocumentFetcher = HttpDocumentFetcher(http)
            outcome = read_texts(files, fetcher, options, state_path)
        links = {}
    ctx.warnings.extend(outcome.issues)
    if outcome.counts:
        ctx.run_facts["documents"] = dict(sorted(outcome.counts.items()))
        ctx.progress("Dokumenttexte: " + ", ".join(f"{n} {what}" for what, n in sorted(outcome.counts.items())))
    return outcome.texts, links, outcome


def _publish_bundled_documents(
    dataset: DatasetConfig, ctx: RunContext, recording: Recording, files: Iterable[dict]
) -> dict[str, str]:
    """Copy the recording's documents of the published files into the release and return the
    address each will have on the portal (`<base_url>/datensaetze/<id>/dokumente/<name>`)."""
    base = str(ctx.portal.site.base_url).rstrip("/")
    target = ctx.out_dir / DOCUMENTS_DIR
    links: dict[str, str] = {}
    for file in files:
        bundled = recording.document_path(file["id"])
        if bundled is None:
            continue
        target.mkdir(exist_ok=True)
        try:
            os.link(bundled, target / bundled.name)
        except OSError:
            shutil.copyfile(bundled, target / bundled.name)
        links[file["id"]] = f"{base}/datensaetze/{dataset.id}/{DOCUMENTS_DIR}/{bundled.name}"
    return links
