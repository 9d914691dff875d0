"""What is publicly known about one town, asked from each service on its own: a service that
is down, answers nonsense or refuses gives that fact "keine Angabe" with the reason, and the
harvest goes on with the next fact and the next town.

- open datasets: the CKAN API through ckanapi (`organization_show`, then `package_search`
  paged by 1,000: count, file formats, newest `metadata_modified`);
- OParl: the system, its body (the one with the town's municipality key, else the first) and
  the first and last page of the body's meeting and paper lists: the newest `modified` seen;
- the town's own KPI file (contracts/kpi_file.py: refused whole when it breaks the format).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import ckanapi
import requests

from contracts.kpi_file import KpiFile, KpiFileRefused, parse_kpi_file
from contracts.retry import RETRY_STATUS, GaveUp, RetryPolicy, Transient
from pipelines.config.peers import Town
from pipelines.http import FetchError

CKAN_PAGE = 1000  # CKAN's own default limit of rows per search
MAX_DATASETS = 20_000  # 20 pages; no town has more, and a service claiming more is not paged further
FORMAT = r"^[A-Z0-9.+-]{1,20}$"
MAX_FORMATS_SHOWN = 8


class Fetcher(Protocol):
    """Where answers come from: the services themselves, or a recording of them."""

    def get(self, url: str) -> bytes:
        """The body of a successful answer. Raises FetchError."""

    def json(self, url: str) -> Any:
        """The answer parsed as JSON. Raises FetchError."""

    def ckan(self, address: str) -> ckanapi.RemoteCKAN:
        """A ckanapi client for the CKAN at `address`."""


@dataclass
class Fact:
    """One thing known (or not) about a town: `value` None means keine Angabe, `note` says why."""

    value: Any = None
    date: str | None = None  # the source's own date of the value (key date, last change, period)
    source: str | None = None
    note: str | None = None
    failed: bool = False  # the service was asked and did not give a usable answer


@dataclass
class TownFacts:
    town: Town
    own: bool
    population: Fact = field(default_factory=Fact)
    datasets: Fact = field(default_factory=Fact)
    formats: list[str] = field(default_factory=list)
    oparl: Fact = field(default_factory=Fact)  # value: True/False/None; date: newest object
    kpi_file: Fact = field(default_factory=Fact)  # value: KpiFile

    @property
    def notes(self) -> list[str]:
        facts = (self.population, self.datasets, self.oparl, self.kpi_file)
        return [fact.note for fact in facts if fact.note]


class CkanCounter:
    """Counts one organisation's datasets politely: one call at a time, `min_interval` apart,
    transient failures retried by the portal's one policy (contracts/retry.py)."""

    def __init__(self, client: ckanapi.RemoteCKAN, policy: RetryPolicy, min_interval: float, timeout: float):
        self.client = client
        self.policy = policy
        self.min_interval = min_interval
        self.timeout = timeout
        self._last = 0.0

    def call(self, action: str, **data: Any) -> Any:
        def attempt() -> Any:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            try:
                return self.client.call_action(action, data, requests_kwargs={"timeout": self.timeout})
            except (requests.ConnectionError, requests.Timeout) as error:
                raise Transient(f"nicht erreichbar ({type(error).__name__})") from None
            except ckanapi.CKANAPIError as error:
                status = _ckan_status(error)
                if status in RETRY_STATUS:
                    raise Transient(f"Server antwortete mit HTTP {status}", status) from None
                raise

        try:
            return self.policy.run(attempt)
        except GaveUp as gave_up:
            raise FetchError(action, gave_up.last.reason, gave_up.last.status) from None


def plain_reason(error: FetchError) -> str:
    """The German reason without the technical detail in brackets (a library's error text or
    class name), which must not reach a published table; HTTP statuses stay."""
    reason = error.reason
    head, _, tail = reason.partition(" (")
    return reason if not tail or "HTTP" in tail else head


def _ckan_status(error: ckanapi.CKANAPIError) -> int | None:
    # ckanapi reports a non-JSON answer as CKANAPIError(repr([url, status, body])).
    text = str(error.extra_msg if hasattr(error, "extra_msg") else error)
    for token in text.replace(",", " ").split():
        if token.isdigit() and len(token) == 3:
            return int(token)
    return None


def harvest_datasets(facts: TownFacts, counter: CkanCounter, catalogue: str) -> None:
    """Count the town's datasets in the CKAN; sets `facts.datasets` and `facts.formats`."""
    organisation = facts.town.ckan_organization
    if organisation is None:
        facts.datasets = Fact(note="Offene Daten: nicht im Datenkatalog geführt")
        return
    source = f"{catalogue.rstrip('/')}/organization/{organisation}"
    try:
        counter.call("organization_show", id=organisation, include_datasets=False)
        count, formats, newest = None, Counter[str](), None
        start = 0
        while start < MAX_DATASETS:
            result = counter.call(
                "package_search", fq=f"organization:{organisation}", rows=CKAN_PAGE, start=start, sort="name asc"
            )
            page_count, packages = _search_page(result)
            count = page_count if count is None else count
            for package in packages:
                modified = _iso_day(package.get("metadata_modified"))
                newest = max(filter(None, (newest, modified)), default=None)
                formats.update(_formats(package))
            start += CKAN_PAGE
            if not packages or start >= count:
                break
    except ckanapi.NotFound:
        facts.datasets = Fact(source=source, note=f"Offene Daten: Organisation „{organisation}“ fehlt im Katalog")
        return
    except (ckanapi.CKANAPIError, FetchError, ValueError) as error:
        reason = plain_reason(error) if isinstance(error, FetchError) else "unerwartete Antwort"
        facts.datasets = Fact(source=source, note=f"Offene Daten: Katalog nicht abrufbar ({reason})", failed=True)
        return
    facts.datasets = Fact(value=count, date=newest, source=source)
    facts.formats = [name for name, _ in sorted(formats.items(), key=lambda item: (-item[1], item[0]))][
        :MAX_FORMATS_SHOWN
    ]


def _search_page(result: Any) -> tuple[int, list[dict]]:
    """`count` and `results` of a package_search answer. Raises ValueError for any other shape."""
    if not isinstance(result, dict):
        raise ValueError("package_search: kein Objekt")
    count, packages = result.get("count"), result.get("results")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 1_000_000:
        raise ValueError("package_search: count fehlt")
    if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
        raise ValueError("package_search: results fehlt")
    return count, packages


def _formats(package: dict) -> set[str]:
    resources = package.get("resources")
    if not isinstance(resources, list):
        return set()
    names = {str(r.get("format") or "").strip().upper() for r in resources if isinstance(r, dict)}
    return {name for name in names if re.match(FORMAT, name)}


def _iso_day(value: Any, latest: dt.date | None = None) -> str | None:
    """The day of an ISO timestamp, None for anything else (or a day after `latest`)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        day = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return None if latest is not None and day > latest else day.isoformat()


def harvest_oparl(facts: TownFacts, fetcher: Fetcher, today: dt.date) -> None:
    """Whether the town's OParl interface answers and the day of its newest object."""
    system_url = facts.town.oparl
    if system_url is None:
        facts.oparl = Fact(value=False, note="OParl: keine Schnittstelle bekannt")
        return
    source = str(system_url)
    # A date in the future is a clock or data error, not freshness: it is not counted.
    latest = today + dt.timedelta(days=1)
    try:
        system = _object(fetcher.json(source))
        bodies = _object(fetcher.json(_link(system, "body")))
        body = _body_of(bodies, facts.town.municipality_key)
        seen = [_iso_day(system.get("modified"), latest), _iso_day(body.get("modified"), latest)]
        for list_name in ("meeting", "paper"):
            if not isinstance(body.get(list_name), str):
                continue
            first = _object(fetcher.json(_link(body, list_name)))
            pages = [first]
            links = first.get("links")
            last = links.get("last") if isinstance(links, dict) else None
            if isinstance(last, str) and last != body[list_name]:
                pages.append(_object(fetcher.json(_link({"last": last}, "last"))))
            for page in pages:
                items = page.get("data")
                if isinstance(items, list):
                    seen += [_iso_day(item.get("modified"), latest) for item in items[:1000] if isinstance(item, dict)]
    except FetchError as error:
        facts.oparl = Fact(source=source, note=f"OParl: nicht abrufbar ({plain_reason(error)})", failed=True)
        return
    except ValueError:
        facts.oparl = Fact(source=source, note="OParl: Antwort folgt nicht dem OParl-Standard", failed=True)
        return
    newest = max((day for day in seen if day), default=None)
    facts.oparl = Fact(
        value=True,
        date=newest,
        source=source,
        note=None if newest else "OParl: kein Objekt mit Änderungsdatum gefunden",
    )


def _object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("kein JSON-Objekt")
    return value


def _link(obj: dict, key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.startswith(("http://", "https://")) or len(value) > 2000:
        raise ValueError(f"{key}: keine Adresse")
    return value


def _body_of(bodies: dict, municipality_key: str) -> dict:
    data = bodies.get("data")
    if not isinstance(data, list) or not data or not all(isinstance(b, dict) for b in data):
        raise ValueError("body: keine Körperschaft")
    for body in data:
        if str(body.get("ags") or "").zfill(8) == municipality_key:
            return body
    return data[0]


def harvest_kpi_file(facts: TownFacts, fetcher: Fetcher) -> None:
    """Read the town's KPI file; refused whole when it breaks the format or names another town."""
    url = facts.town.kpi_file
    if url is None:
        facts.kpi_file = Fact(note="Kennzahlen: keine Kennzahlen-Datei veröffentlicht")
        return
    source = str(url)
    try:
        document: KpiFile = parse_kpi_file(fetcher.get(source))
    except FetchError as error:
        facts.kpi_file = Fact(
            source=source, note=f"Kennzahlen: Datei nicht abrufbar ({plain_reason(error)})", failed=True
        )
        return
    except KpiFileRefused as refused:
        facts.kpi_file = Fact(source=source, note=f"Kennzahlen: Datei abgelehnt – {refused}", failed=True)
        return
    if document.publisher.municipality_key != facts.town.municipality_key:
        facts.kpi_file = Fact(
            source=source, note="Kennzahlen: Datei gehört zu einem anderen Gemeindeschlüssel", failed=True
        )
        return
    facts.kpi_file = Fact(value=document, date=document.modified.isoformat(), source=source)
