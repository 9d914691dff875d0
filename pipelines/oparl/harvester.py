"""Harvest an OParl system: System → Body → the body's object lists, full or incremental.

The harvest never stops at the first problem. A page that cannot be fetched ends the walk
of that one list (the others go on), an object that breaks the specification is reported
with its URL and skipped, and the list is asked again from its last complete point on the
next run. A list not read to its end makes the result `incomplete`: the caller must not
publish it, but the state is saved so the next run resumes. Deleted objects (`deleted: true`,
with or without `type`) and objects that privacy rules withhold are removed from the store
together with everything embedded in them; deletions are counted per type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipelines.http import FetchError
from pipelines.oparl import models
from pipelines.oparl.client import JsonFetcher
from pipelines.oparl.flatten import flatten
from pipelines.oparl.parsing import parse_salvaging
from pipelines.oparl.store import ObjectStore

STORE_FILE = "objects.sqlite"  # in the system's state folder; an earlier objects.json is not read

# The body's lists in the order they are walked: referenced objects come before the
# objects referring to them, embedding lists (meetings, papers) before the flat 1.1 lists
# of the objects they embed.
BODY_LISTS = (
    ("legislativeTermList", "LegislativeTerm"),
    ("organization", "Organization"),
    ("person", "Person"),
    ("membership", "Membership"),
    ("locationList", "Location"),
    ("meeting", "Meeting"),
    ("paper", "Paper"),
    ("agendaItem", "AgendaItem"),
    ("consultation", "Consultation"),
    ("file", "File"),
)
# Top-level types whose full walk proves that objects missing from it are gone.
SWEPT_TYPES = {"Organization", "Person", "Meeting", "Paper"}
# References the pages need resolved (where a meeting takes place, who decides); a target that
# no list delivered is fetched on its own, and named as a warning when that fails.
REFERENCES = {
    "Body": ("location",),
    "Meeting": ("location", "organization"),
    "Organization": ("location",),
    "Paper": ("location", "underDirectionOf", "originatorOrganization"),
    "Membership": ("organization", "onBehalfOf"),
    "Consultation": ("meeting",),
}
MAX_REFERENCE_FETCHES = 100


class HarvestFailed(RuntimeError):
    """Nothing could be harvested: the system or its body list is unreachable or invalid."""

    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


@dataclass
class HarvestIssue:
    """One problem met during the harvest; `url` is the page or object concerned."""

    url: str
    message: str
    # "page" (a list page failed), "loop" (pagination loop), "count" (fewer objects than
    # `pagination.totalElements` announced): the list is incomplete; "object" (invalid object),
    # "reference" (a referenced object that is in no list and cannot be fetched): warnings
    kind: str

    @property
    def incomplete(self) -> bool:
        return self.kind in ("page", "loop", "count")


@dataclass
class HarvestResult:
    store: ObjectStore
    issues: list[HarvestIssue] = field(default_factory=list)
    incremental: bool = False
    pages: int = 0
    objects_received: int = 0
    objects_removed: int = 0
    # objects stored, replaced or removed: 0 when the source sent nothing new
    changed: int = 0
    # what the source deleted (markers, sweeps, embedded objects its parent no longer holds):
    # OParl type -> ids, including everything embedded in a deleted object
    deletions: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def objects_per_second(self) -> float:
        return self.objects_received / self.seconds if self.seconds else 0.0

    @property
    def incomplete(self) -> list[HarvestIssue]:
        """The lists that were not read to their end (one issue each)."""
        return [issue for issue in self.issues if issue.incomplete]

    def _forget(self, removed: list[tuple[str, str]], deleted_at_source: bool) -> None:
        self.objects_removed += len(removed)
        if deleted_at_source:
            for type_name, object_id in removed:
                self.deletions.setdefault(type_name, []).append(object_id)


def with_query(url: str, **params: str) -> str:
    """Return `url` with query parameters added or replaced."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


def state_folder(state_dir: Path, system_url: str) -> Path:
    """The folder that keeps one system's harvest state (`oparl/<hash of URL>/`)."""
    digest = hashlib.sha256(system_url.encode("utf-8")).hexdigest()[:16]
    return state_dir / "oparl" / digest


@dataclass
class Harvester:
    """Walks one OParl system. `state_dir` of None harvests fully and remembers nothing.

    `overlap` is subtracted from the start time of the previous run when asking for changes,
    so that clock differences between server and harvester lose nothing.
    """

    fetcher: JsonFetcher
    system_url: str
    state_dir: Path | None = None
    max_pages_per_list: int = 10_000
    overlap: dt.timedelta = dt.timedelta(minutes=5)
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    progress: Callable[[str], None] | None = None

    def run(self) -> HarvestResult:
        """Harvest and, with a state directory, save store and list timestamps.

        Raises HarvestFailed when the system object or the list of bodies cannot be read;
        every other problem is recorded in the result's `issues`.
        """
        started_clock = time.perf_counter()
        started = self.now()
        folder = state_folder(self.state_dir, self.system_url) if self.state_dir else None
        store = ObjectStore(folder / STORE_FILE if folder else None)
        state = self._load_state(store)
        result = HarvestResult(store=store, incremental=bool(state["lists"]))

        system = self._fetch_object(self.system_url, result, required=True)
        if not isinstance(system, models.System):
            raise HarvestFailed(
                self.system_url,
                f"liefert ein {type(system).__name__}-Objekt, kein System "
                "(bitte die System-URL der OParl-Schnittstelle angeben)",
            )
        self._ingest(system, result)
        bodies: list[models.OParlObject] = []
        bodies_complete, _ = self._walk(system.body, None, result, collect=bodies)
        if not bodies and not bodies_complete:
            raise HarvestFailed(system.body, "die Liste der Körperschaften ist nicht lesbar")

        since = started - self.overlap
        for body in bodies:
            if not isinstance(body, models.Body):
                continue
            for prop, type_name in BODY_LISTS:
                list_url = getattr(body, prop)
                if not isinstance(list_url, str):
                    continue
                last = state["lists"].get(list_url)
                complete, seen = self._walk(list_url, last, result)
                if complete:
                    state["lists"][list_url] = since.isoformat(timespec="seconds")
                    if last is None and type_name in SWEPT_TYPES:
                        self._sweep(type_name, set(seen), result)

        if bodies_complete and not result.incomplete:
            self._fetch_missing_references(result)
        result.seconds = time.perf_counter() - started_clock
        result.changed = len(store.changed)
        # objects and list timestamps in one transaction: saved together or not at all
        store.write_meta("state", json.dumps(state))
        store.commit()
        return result

    def _load_state(self, store: ObjectStore) -> dict[str, Any]:
        saved = store.read_meta("state")
        if saved:
            state = json.loads(saved)
            if state.get("system") == self.system_url:
                return state
        return {"system": self.system_url, "lists": {}}

    def _fetch_object(self, url: str, result: HarvestResult, required: bool = False) -> models.OParlObject | None:
        try:
            data = self.fetcher.get_json(url)
            result.pages += 1
            return models.parse_object(data, url)
        except (FetchError, models.InvalidObject) as error:
            if required:
                raise HarvestFailed(url, str(error)) from None
            result.issues.append(HarvestIssue(url, str(error), "object"))
            return None

    def _walk(
        self, list_url: str, since: str | None, result: HarvestResult, collect: list | None = None
    ) -> tuple[bool, list[str]]:
        """Walk one paginated list; return (walked to the end, ids received). Only a caller that
        needs the objects themselves (the bodies) gets them, in `collect`: a city's list of
        papers is not kept in memory."""
        url: str | None = with_query(list_url, modified_since=since) if since else list_url
        visited: set[str] = set()
        received: list[str] = []
        announced: int | None = None
        items = 0
        while url:
            if url in visited:
                result.issues.append(
                    HarvestIssue(
                        url, "Schleife in der Seitenfolge: `links.next` zeigt auf eine schon gelesene Seite", "loop"
                    )
                )
                return False, received
            if len(visited) >= self.max_pages_per_list:
                result.issues.append(
                    HarvestIssue(url, f"mehr als {self.max_pages_per_list} Seiten: abgebrochen", "loop")
                )
                return False, received
            visited.add(url)
            if self.progress:
                self.progress(url)
            try:
                page = self.fetcher.get_json(url)
            except FetchError as error:
                result.issues.append(HarvestIssue(url, error.reason, "page"))
                return False, received
            result.pages += 1
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                result.issues.append(HarvestIssue(url, "keine OParl-Objektliste (Feld `data` fehlt)", "page"))
                return False, received
            if announced is None:
                announced = _total_elements(page)
            items += len(page["data"])
            for position, item in enumerate(page["data"]):
                try:
                    obj, dropped = parse_salvaging(item, f"{url}#data[{position}]")
                except models.InvalidObject as error:
                    result.issues.append(HarvestIssue(error.url, error.message, "object"))
                    continue
                result.issues += [HarvestIssue(d.url, d.message, "object") for d in dropped]
                result.objects_received += 1
                received.append(obj.id)
                if collect is not None:
                    collect.append(obj)
                self._ingest(obj, result)
            links = page.get("links")
            url = (links.get("next") if isinstance(links, dict) else None) or None
        if announced is not None and items < announced:
            result.issues.append(
                HarvestIssue(
                    list_url,
                    f"die Liste kündigt {announced} Objekte an (pagination.totalElements), "
                    f"geliefert wurden {items} in {len(visited)} Seiten",
                    "count",
                )
            )
            return False, received
        return True, received

    def _ingest(self, obj: models.OParlObject, result: HarvestResult) -> None:
        store = result.store
        if obj.deleted:
            result._forget(store.remove(obj.id), deleted_at_source=True)
            return
        flattened = flatten(obj)
        for withheld in flattened.withheld:
            result._forget(store.remove(withheld), deleted_at_source=False)
        new_ids = {data["id"] for _, data, _ in flattened.keep}
        for parent_id in {parent for _, _, parent in flattened.keep if parent} | {obj.id}:
            for child in store.children_of(parent_id):
                if child not in new_ids:
                    result._forget(store.remove(child), deleted_at_source=True)
        for type_name, data, parent in flattened.keep:
            store.put(type_name, data, parent)

    def _fetch_missing_references(self, result: HarvestResult) -> None:
        """Fetch objects of this system that stored objects refer to but no list delivered;
        each that cannot be fetched becomes a warning naming it and who refers to it."""
        origin = urlsplit(self.system_url)._replace(path="", query="", fragment="").geturl()
        # deleted ones are rightly gone; invalid ones this run has already named
        deleted = {object_id for ids in result.deletions.values() for object_id in ids}
        skipped = deleted | {issue.url for issue in result.issues if issue.kind == "object"}
        found = [
            (object_id, order, target)
            for type_name, props in REFERENCES.items()
            for order, prop in enumerate(props)
            for object_id, target in result.store.dangling_references(type_name, prop, origin + "/")
            if target not in skipped
        ]
        missing: dict[str, str] = {}
        for object_id, _, target in sorted(found, key=lambda reference: reference[:2]):
            missing.setdefault(target, object_id)
        for target, referrer in list(missing.items())[:MAX_REFERENCE_FETCHES]:
            try:
                obj = models.parse_object(self.fetcher.get_json(target), target)
                result.pages += 1
            except (FetchError, models.InvalidObject) as error:
                reason = error.reason if isinstance(error, FetchError) else error.message
                result.issues.append(
                    HarvestIssue(target, f"referenziert von {referrer}, aber nicht abrufbar: {reason}", "reference")
                )
                continue
            if obj.deleted:
                continue
            result.objects_received += 1
            self._ingest(obj, result)

    def _sweep(self, type_name: str, seen: set[str], result: HarvestResult) -> None:
        """After a complete full walk, forget top-level objects of this type that it no longer lists."""
        for stored_id in result.store.ids(type_name, top_level=True):
            if stored_id not in seen:
                result._forget(result.store.remove(stored_id), deleted_at_source=True)


def _total_elements(page: dict[str, Any]) -> int | None:
    """The number of objects a list announces on its first page, if it says."""
    pagination = page.get("pagination")
    total = pagination.get("totalElements") if isinstance(pagination, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
