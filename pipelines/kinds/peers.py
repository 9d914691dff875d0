"""Comparable towns (`metadata/peers.yaml`) and what public sources say about them, published
as the tables `vergleich_kommunen` and `vergleich_werte` (contracts/peer_comparison.py).

```yaml
source:
  kind: peers
  recording: sample/aufzeichnung   # optional: answer from recorded answers (the bundled demo)
  requests_per_second: 2           # politeness towards every service asked
```
Each town's facts are asked on their own (pipelines/peers/harvest.py): a service that is down
or answers nonsense makes that fact "keine Angabe" with the reason, a warning in the report, and
the harvest goes on. Only when no service gave anything usable does the dataset fail, so its
last good version stays online. Answers are fetched through the portal's HTTP client (retries,
rate limit, size and time limits; the population table and KPI files ETag-cached in
`state_dir`) and CKAN through ckanapi with the same retry policy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

import ckanapi
import requests
from pydantic import BaseModel, ConfigDict, Field

from contracts.kpi_file import KpiFile
from contracts.peer_comparison import (
    INDICATORS,
    OPEN_DATASETS,
    PER_INHABITANTS,
    TOWNS_SCHEMA,
    TOWNS_TABLE,
    VALUES_SCHEMA,
    VALUES_TABLE,
)
from contracts.retry import RetryPolicy
from pipelines.config.dataset import DatasetConfig
from pipelines.config.peers import PeerRegister
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.http import USER_AGENT, FetchError, HttpClient, HttpSettings
from pipelines.kinds.contract import DeclaredTable, schema_columns
from pipelines.output import ResourceOutput, write_resource
from pipelines.peers.harvest import (
    CkanCounter,
    Fact,
    TownFacts,
    harvest_datasets,
    harvest_kpi_file,
    harvest_oparl,
    plain_reason,
)
from pipelines.peers.population import PopulationTableUnreadable, read_population
from pipelines.peers.recording import Recording, RecordingError

NEEDS_SCHEMA = False  # the kind brings its Table Schemas (contracts/peer_comparison.py)
PUBLIC_DATA: dict[str, list[str]] = {}  # towns and figures only, nothing about persons
MAX_ANSWER_BYTES = 20_000_000  # no population table, OParl page or KPI file is larger
NAMED_BY = "source.kind"  # the tables are named by the kind


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["peers"]
    recording: str | None = None
    requests_per_second: float = Field(default=2.0, gt=0, le=20)


def inputs(dataset: DatasetConfig) -> list[Path]:
    return [dataset.folder.parent.parent / "metadata" / "peers.yaml"]


def local(dataset: DatasetConfig) -> bool:
    return dataset.source_config.recording is not None  # answered from the dataset folder


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    label = f"datasets/{dataset.id}/dataset.yaml"
    problems = []
    if not inputs(dataset)[0].exists():
        problems.append(ConfigProblem(label, "source.kind", "metadata/peers.yaml fehlt"))
    recording = dataset.source_config.recording
    if recording is not None and not (dataset.folder / recording / "antworten.json").exists():
        problems.append(ConfigProblem(label, "source.recording", f"{recording}/antworten.json fehlt"))
    return problems


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    return [
        DeclaredTable(TOWNS_TABLE, NAMED_BY, schema_columns(TOWNS_SCHEMA)),
        DeclaredTable(VALUES_TABLE, NAMED_BY, schema_columns(VALUES_SCHEMA)),
    ]


class LiveFetcher:
    """Asks the services themselves through the portal's HTTP client."""

    def __init__(self, http: HttpClient):
        self.http = http

    def get(self, url: str) -> bytes:
        return self.http.download(url).read_bytes()

    def json(self, url: str) -> Any:
        return self.http.get_json(url)

    def ckan(self, address: str) -> ckanapi.RemoteCKAN:
        return ckanapi.RemoteCKAN(address, user_agent=USER_AGENT, get_only=True, session=requests.Session())


class RecordedFetcher:
    """Answers from a recording (pipelines/peers/recording.py); ckanapi included."""

    def __init__(self, recording: Recording):
        self.recording = recording

    def get(self, url: str) -> bytes:
        return self.recording.get(url)

    def json(self, url: str) -> Any:
        try:
            return json.loads(self.recording.get(url))
        except (ValueError, UnicodeDecodeError) as error:
            raise FetchError(url, "Antwort ist kein gültiges JSON") from error

    def ckan(self, address: str) -> ckanapi.RemoteCKAN:
        return ckanapi.RemoteCKAN(address, user_agent=USER_AGENT, get_only=True, session=self.recording.session())


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    register = ctx.portal.extra.get("peers")
    if not isinstance(register, PeerRegister):
        raise DatasetFailed(
            "Vergleichskommunen fehlen",
            [Issue(type="scheme-error", file="metadata/peers.yaml", message="Datei fehlt oder ist ungültig")],
        )
    source: Source = dataset.source_config
    # A recording needs no politeness: nobody is asked.
    interval = 0.0 if source.recording is not None else 1 / source.requests_per_second
    settings = dataclasses.replace(ctx.http.settings, min_interval=interval, max_bytes=MAX_ANSWER_BYTES)
    with HttpClient(ctx.state_dir / "http", settings) as http:
        if source.recording is not None:
            try:
                fetcher: LiveFetcher | RecordedFetcher = RecordedFetcher(
                    Recording.read(dataset.folder / source.recording)
                )
            except RecordingError as error:
                raise DatasetFailed(
                    "Aufzeichnung unlesbar", [Issue(type="source-error", file=source.recording, message=str(error))]
                ) from None
        else:
            fetcher = LiveFetcher(http)
        towns = harvest(register, fetcher, settings, dt.date.today())
    failures = [
        Issue(type="source-error", file="metadata/peers.yaml", field=town.town.name, message=fact.note or "")
        for town in towns
        for fact in (town.population, town.datasets, town.oparl, town.kpi_file)
        if fact.failed
    ]
    asked = sum(
        1 for town in towns for fact in (town.population, town.datasets, town.oparl, town.kpi_file) if fact.source
    )
    if asked and len(failures) >= asked:
        raise DatasetFailed("Kein Dienst der Vergleichskommunen war erreichbar", failures[:200])
    ctx.warnings.extend(failures)
    return [
        write_resource(
            ctx.out_dir,
            TOWNS_TABLE,
            TOWNS_SCHEMA,
            [town_row(town) for town in towns],
            title="Vergleichskommunen",
            description="Je Kommune: Einwohner, Datensätze im offenen Datenkatalog, OParl-Schnittstelle, "
            "Kennzahlen-Datei und was davon nicht abrufbar war.",
        ),
        write_resource(
            ctx.out_dir,
            VALUES_TABLE,
            VALUES_SCHEMA,
            [row for town in towns for row in value_rows(town)],
            title="Kennzahlen der Vergleichskommunen",
            description="Je Kommune und Kennzahl der Wert mit Stand und Quelle; leer heißt keine Angabe, nie 0.",
            facets=["kennzahl"],
        ),
    ]


def harvest(register: PeerRegister, fetcher: Any, settings: HttpSettings, today: dt.date) -> list[TownFacts]:
    """Every town's facts, the own town first."""
    towns = [TownFacts(register.town, own=True)] + [TownFacts(peer, own=False) for peer in register.peers]
    population_source = str(register.statistics.url)
    try:
        table = read_population(fetcher.get(population_source), register.statistics.encoding)
    except FetchError as error:
        note = f"Einwohnerzahl: Statistik nicht abrufbar ({plain_reason(error)})"
        for town in towns:
            town.population = Fact(source=population_source, note=note, failed=True)
    except PopulationTableUnreadable as unreadable:
        for town in towns:
            town.population = Fact(source=population_source, note=f"Einwohnerzahl: {unreadable}", failed=True)
    else:
        for town in towns:
            count = table.inhabitants.get(town.town.municipality_key)
            town.population = Fact(
                value=count,
                date=table.key_date.isoformat(),
                source=population_source,
                note=None if count else "Einwohnerzahl: nicht in der Tabelle des Statistischen Landesamts",
            )
    counter = None
    if register.ckan is not None:
        policy = RetryPolicy(settings.retries, settings.backoff, settings.max_backoff)
        counter = CkanCounter(fetcher.ckan(str(register.ckan)), policy, settings.min_interval, settings.timeout)
    for town in towns:
        if counter is not None:
            harvest_datasets(town, counter, str(register.ckan))
        else:
            town.datasets = Fact(note="Offene Daten: kein Datenkatalog angegeben")
        harvest_oparl(town, fetcher, today)
        if not town.own:  # the portal's own figures come from its own KPI engine
            harvest_kpi_file(town, fetcher)
    return towns


def town_row(town: TownFacts) -> dict:
    return {
        "ags": town.town.municipality_key,
        "name": town.town.name,
        "eigene": town.own,
        "einwohner": town.population.value,
        "einwohner_stand": town.population.date if town.population.value else None,
        "einwohner_quelle": town.population.source,
        "ckan_organisation": town.town.ckan_organization,
        "formate": ", ".join(town.formats) or None,
        "oparl": town.oparl.value,
        "oparl_neuestes_objekt": town.oparl.date,
        "oparl_quelle": town.oparl.source,
        "kennzahlen_datei": str(town.town.kpi_file) if town.town.kpi_file else None,
        "hinweise": "; ".join(town.notes) or None,
    }


def value_rows(town: TownFacts) -> list[dict]:
    """The town's figures: open datasets (also per 10,000 inhabitants) and its KPI file's."""
    ags = town.town.municipality_key
    count = town.datasets.value
    inhabitants = town.population.value
    rows = [
        {
            "ags": ags,
            "kennzahl": OPEN_DATASETS.id,
            "titel": OPEN_DATASETS.title,
            "einheit": OPEN_DATASETS.unit,
            "hoeher_ist_besser": OPEN_DATASETS.higher_is_better,
            "wert": count,
            "je_10000": round(count * PER_INHABITANTS / inhabitants, 2) if count is not None and inhabitants else None,
            "stand": town.datasets.date,
            "quelle": town.datasets.source,
            "hinweis": town.datasets.note,
        }
    ]
    document: KpiFile | None = town.kpi_file.value
    reserved = {indicator.id for indicator in INDICATORS}
    for kpi in document.kpis if document else []:
        if kpi.id in reserved or any(row["kennzahl"] == kpi.id for row in rows):
            continue  # a figure measured here, or a doubled id: the first stands
        rows.append(
            {
                "ags": ags,
                "kennzahl": kpi.id,
                "titel": kpi.title,
                "einheit": kpi.unit,
                "hoeher_ist_besser": kpi.higher_is_better,
                "wert": kpi.value,
                "je_10000": None,
                "stand": kpi.period,
                "quelle": town.kpi_file.source,
                "hinweis": None if kpi.value is not None else "Kennzahlen: in der Datei ohne Wert",
            }
        )
    return rows
