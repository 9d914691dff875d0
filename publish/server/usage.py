"""Usage counting in `kommune serve`: page views, downloads, API and SQL calls per day, section
and dataset, without tracking anyone.

A request is reduced to one key — (day, section, dataset, kind, bot) — and only the key's count
goes up. The address, user agent, path and time of day are looked at and forgotten. Counts are
held in memory and added to a SQLite file outside the release (contracts/serve_state.py) by a
background thread every `KOMMUNE_USAGE_FLUSH_SECONDS` (default 60) and when the server stops,
so a release swap loses nothing and serving never waits for the disk. The privacy statement is
rendered from the constants below, so it says exactly what this module does.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts import usage

logger = logging.getLogger(__name__)

FLUSH_SECONDS_ENV = "KOMMUNE_USAGE_FLUSH_SECONDS"
DEFAULT_FLUSH_SECONDS = 60.0
TOWN_TIME = ZoneInfo("Europe/Berlin")  # a "day" is the town's calendar day

#: The bot rule: a request counts as automated when its User-Agent header is missing or contains
#: one of these words (case ignored). Simple on purpose: crawlers and scripts name themselves so;
#: a program that pretends to be a browser is counted as a person.
BOT_WORDS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "headless",
    "curl",
    "wget",
    "python",
    "httpx",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "scrapy",
    "monitor",
    "preview",
)

#: What /datenschutz/ says is counted and what is not.
COUNTED = (
    "der Tag des Aufrufs",
    "der Bereich des Portals (z. B. Datensätze, Rat und Ausschüsse, Datasette)",
    "der Datensatz, um den es geht, falls es um einen geht",
    "die Art des Zugriffs: Seite, Datei-Download, Tabellenabruf über die Schnittstelle oder eigene SQL-Abfrage",
    "ob der Zugriff von einem Programm kam (der Browser-Typ wird dafür nur mit einer festen Liste "
    "von Wörtern wie „bot“, „crawl“ oder „curl“ verglichen und nicht gespeichert)",
)
NOT_COUNTED = (
    "keine IP-Adresse",
    "keinen Browser-Typ",
    "keine Cookies oder Kennungen",
    "keine Uhrzeit",
    "keine vollständige Adresse der Seite und keine Suchbegriffe oder Abfragen",
)

#: First path segments of the site and their section.
_SECTION_OF_SEGMENT = {
    "datensaetze": "datensaetze",
    "rat": "rat",
    "bauen-und-planen": "bauen-und-planen",
    "digitalisierung": "digitalisierung",
    "katalog": "katalog",
    "catalog.ttl": "katalog",
    "catalog.rdf": "katalog",
    "catalog.jsonld": "katalog",
    "suche": "suche",
    "datenwuensche": "datenwuensche",
    "ueber": "ueber-das-portal",
    "bericht": "ueber-das-portal",
    "impressum": "ueber-das-portal",
    "datenschutz": "ueber-das-portal",
    "barrierefreiheit": "ueber-das-portal",
}
_NOT_COUNTED_SEGMENTS = {"static", "favicon.ico", "favicon.svg", "robots.txt"}
_PAGE_SUFFIXES = {"", ".html", ".htm"}


@dataclass(frozen=True)
class Catalogue:
    """What a release serves, to name datasets: dataset ids and table → dataset."""

    datasets: frozenset[str]
    tables: Mapping[str, str]
    datasette_prefix: str

    @classmethod
    def of(cls, packages: list[dict], datasette_prefix: str) -> Catalogue:
        return cls(
            datasets=frozenset(package["name"] for package in packages),
            tables={resource["name"]: package["name"] for package in packages for resource in package["resources"]},
            datasette_prefix=datasette_prefix,
        )


def classify(path: str, query_string: bytes, catalogue: Catalogue) -> tuple[str, str, str] | None:
    """(section, dataset or '', kind) of a request, or None for what is not counted (assets)."""
    prefix = catalogue.datasette_prefix
    if path.startswith(prefix) or path == prefix.rstrip("/"):
        return _classify_datasette(path[len(prefix) :], query_string, catalogue)
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return ("startseite", "", "seite")
    if segments[0] in _NOT_COUNTED_SEGMENTS:
        return None
    section = _SECTION_OF_SEGMENT.get(segments[0], "sonstige")
    dataset = ""
    if section == "datensaetze" and len(segments) > 1 and segments[1] in catalogue.datasets:
        dataset = segments[1]
    kind = "seite" if _suffix(segments[-1]) in _PAGE_SUFFIXES else "download"
    return (section, dataset, kind)


def _classify_datasette(rest: str, query_string: bytes, catalogue: Catalogue) -> tuple[str, str, str] | None:
    segments = [segment for segment in rest.split("/") if segment]
    if segments and segments[0] == "-":  # Datasette's own assets and pages (/-/static/…)
        return None
    names = {part.split(b"=", 1)[0] for part in query_string.split(b"&")} if query_string else set()
    if b"sql" in names:
        return ("daten", "", "sql")
    last = segments[-1] if segments else ""
    is_export = last.endswith((".json", ".csv")) or b"_format" in names
    # /daten/portal/<table>[/<row>]: the table names the dataset.
    table_name = segments[1].removesuffix(".json").removesuffix(".csv") if len(segments) > 1 else ""
    dataset = catalogue.tables.get(table_name, "")
    return ("daten", dataset, "api" if is_export else "seite")


def _suffix(segment: str) -> str:
    dot = segment.rfind(".")
    return segment[dot:].lower() if dot > 0 else ""


def is_bot(headers: list[tuple[bytes, bytes]]) -> bool:
    """The documented bot rule (BOT_WORDS) applied to a request's headers."""
    for name, value in headers:
        if name.lower() == b"user-agent":
            agent = value.decode("latin-1").strip().lower()
            # Substring tests: ~10 times faster than one case-insensitive regular expression here.
            return not agent or any(word in agent for word in BOT_WORDS)
    return True


class UsageCounter:
    """Counts in memory, flushed to the store by a background thread.

    Memory is bounded by the keys: days since the last flush × sections × (datasets + 1) × kinds
    × 2; no part of a key is taken from the request unchecked."""

    def __init__(self, store: Path, flush_seconds: float = DEFAULT_FLUSH_SECONDS):
        self.store = store
        self.flush_seconds = flush_seconds
        self._counts: Counter[tuple[str, str, str, str, int]] = Counter()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def count(self, scope: dict, status: int, catalogue: Catalogue) -> None:
        """Count one answered request (GET only; errors and redirects are not views)."""
        if scope.get("method") != "GET" or not (200 <= status < 300 or status == 304):
            return
        try:
            key = classify(scope.get("path", "/"), scope.get("query_string", b""), catalogue)
            if key is None:
                return
            day = dt.datetime.now(TOWN_TIME).date().isoformat()
            bot = int(is_bot(scope.get("headers", [])))
        except Exception:  # a count is never worth a failed answer
            logger.exception("Aufruf nicht gezählt")
            return
        with self._lock:
            self._counts[(day, *key, bot)] += 1

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="usage-flush", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Add the counts so far to the store. A failed write (disk full, locked too long) puts
        them back for the next try: counting never fails a request."""
        with self._flush_lock:
            with self._lock:
                counts, self._counts = self._counts, Counter()
            if not counts:
                return
            try:
                connection = usage.connect(self.store)
                try:
                    with connection:
                        connection.execute("begin immediate")
                        connection.executemany(usage.ADD_COUNT, [(*key, n) for key, n in counts.items()])
                finally:
                    connection.close()
            except Exception:
                logger.exception("Nutzungszahlen konnten nicht gespeichert werden; nächster Versuch später")
                with self._lock:
                    self._counts.update(counts)
