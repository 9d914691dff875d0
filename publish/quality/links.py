"""Does a link from the metadata still lead somewhere? A polite, bounded, cached link check.

Each address is asked once per build at most (HEAD; GET without reading the body where a
server refuses HEAD), one request at a time, with a pause between two requests to the same host
and a time budget for the whole run. Redirects are followed by hand so that every hop passes the
allow-list of contracts/urls.py. Answers are kept in a cache file between builds: a good answer
for a week, a bad one for a day, so a portal that builds hourly asks a town's web server about
each address a few times a week. An address that cannot be reached is a finding, never a
failure of the build: offline, every address is "nicht erreichbar" and the build goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from contracts.urls import safe_url

ENVIRONMENT = {
    "enabled": "KOMMUNE_LINK_CHECK",
    "timeout": "KOMMUNE_LINK_TIMEOUT",
    "max_checks": "KOMMUNE_LINK_MAX",
    "budget_seconds": "KOMMUNE_LINK_BUDGET",
}
OFF_WORDS = {"0", "off", "aus", "nein", "false", "no"}
HTTP_REASONS = {401: "Anmeldung nötig", 403: "Zugriff verweigert", 404: "nicht gefunden", 410: "dauerhaft entfernt"}


@dataclass(frozen=True)
class LinkSettings:
    enabled: bool = True
    timeout: float = 10.0  # seconds per request
    max_checks: int = 100  # addresses asked per build; the rest keep their cached answer or wait
    budget_seconds: float = 60.0  # for all requests of one build
    host_interval: float = 1.0  # seconds between two requests to the same host
    good_for_days: float = 7.0
    bad_for_days: float = 1.0
    max_redirects: int = 5

    @classmethod
    def from_environment(cls) -> LinkSettings:
        """Settings from KOMMUNE_LINK_CHECK (`aus` switches the check off), KOMMUNE_LINK_TIMEOUT,
        KOMMUNE_LINK_MAX and KOMMUNE_LINK_BUDGET. Raises ValueError for a value that is no number."""
        values: dict = {}
        enabled = os.environ.get(ENVIRONMENT["enabled"])
        if enabled is not None:
            values["enabled"] = enabled.strip().lower() not in OFF_WORDS
        for key, kind in (("timeout", float), ("max_checks", int), ("budget_seconds", float)):
            raw = os.environ.get(ENVIRONMENT[key])
            if raw:
                try:
                    values[key] = kind(raw)
                except ValueError:
                    raise ValueError(f"{ENVIRONMENT[key]}={raw!r} ist keine Zahl") from None
        return cls(**values)


@dataclass(frozen=True)
class LinkResult:
    url: str
    state: str  # ok | broken | unreachable | refused | unchecked
    message: str  # German, for the dataset page
    status: int | None = None
    final_url: str | None = None
    checked: str | None = None  # ISO time of the answer

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def assessed(self) -> bool:
        return self.state != "unchecked"


class LinkChecker:
    """Checks addresses with `settings`, keeping answers in `cache_file` (None: no cache)."""

    def __init__(self, settings: LinkSettings, cache_file: Path | None, now: dt.datetime, user_agent: str):
        self.settings = settings
        self.cache_file = cache_file
        self.now = now
        self.user_agent = user_agent
        self.cache: dict[str, dict] = _read_cache(cache_file)

    def check(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """The answer for every address: from the cache while it is fresh, else asked now within
        the limits; an address beyond them is `unchecked`. Never raises for a bad address."""
        results: dict[str, LinkResult] = {}
        wanted = sorted(set(urls))
        if not self.settings.enabled:
            return {url: LinkResult(url, "unchecked", "nicht geprüft (Linkprüfung ausgeschaltet)") for url in wanted}
        deadline = time.monotonic() + self.settings.budget_seconds
        asked = 0
        last_request: dict[str, float] = {}
        with httpx.Client(
            timeout=self.settings.timeout, follow_redirects=False, headers={"User-Agent": self.user_agent}
        ) as client:
            for url in wanted:
                cached = self._fresh(url)
                if cached is not None:
                    results[url] = cached
                    continue
                if asked >= self.settings.max_checks or time.monotonic() > deadline:
                    results[url] = LinkResult(url, "unchecked", "noch nicht geprüft (Grenze je Lauf erreicht)")
                    continue
                asked += 1
                results[url] = self._ask(client, url, last_request)
                self.cache[url] = asdict(results[url])
        self._save()
        return results

    def _fresh(self, url: str) -> LinkResult | None:
        entry = self.cache.get(url)
        if not entry or not entry.get("checked"):
            return None
        try:
            checked = dt.datetime.fromisoformat(entry["checked"])
            result = LinkResult(**entry)
        except (TypeError, ValueError):
            return None
        keep = self.settings.good_for_days if result.ok else self.settings.bad_for_days
        return result if dt.timedelta(0) <= self.now - checked < dt.timedelta(days=keep) else None

    def _ask(self, client: httpx.Client, url: str, last_request: dict[str, float]) -> LinkResult:
        checked = self.now.isoformat(timespec="seconds")
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            if safe_url(current) is None or not current.lower().startswith(("http://", "https://")):
                return LinkResult(url, "refused", f"Adresse nicht erlaubt ({current[:80]})", None, current, checked)
            _wait_for_host(current, last_request, self.settings.host_interval)
            try:
                response = client.head(current)
                if response.status_code in (403, 405, 501):  # some servers refuse HEAD only
                    with client.stream("GET", current) as streamed:
                        response = streamed
            except httpx.InvalidURL:
                # httpx prepares the next request even when not following: a Location it cannot parse
                return LinkResult(
                    url, "refused", "Weiterleitung auf eine nicht erlaubte Adresse", None, current, checked
                )
            except httpx.TimeoutException:
                return LinkResult(
                    url, "unreachable", f"keine Antwort in {self.settings.timeout:g} s", None, current, checked
                )
            except httpx.HTTPError:
                return LinkResult(url, "unreachable", "nicht erreichbar (keine Verbindung)", None, current, checked)
            code = response.status_code
            if code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                current = urljoin(current, response.headers["location"])
                continue
            if 200 <= code < 300:
                moved = f", weitergeleitet auf {current}" if current != url else ""
                return LinkResult(url, "ok", f"erreichbar{moved}", code, current, checked)
            reason = HTTP_REASONS.get(code) or ("Serverfehler" if code >= 500 else "Fehler")
            return LinkResult(url, "broken", f"antwortet mit HTTP {code} ({reason})", code, current, checked)
        return LinkResult(url, "broken", "zu viele Weiterleitungen", None, current, checked)

    def _save(self) -> None:
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_name(self.cache_file.name + ".tmp")
        temporary.write_text(json.dumps(self.cache, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.cache_file)


def _wait_for_host(url: str, last_request: dict[str, float], interval: float) -> None:
    host = urlsplit(url).netloc.lower()
    waited = last_request.get(host)
    if waited is not None:
        pause = interval - (time.monotonic() - waited)
        if pause > 0:
            time.sleep(pause)
    last_request[host] = time.monotonic()


def _read_cache(path: Path | None) -> dict[str, dict]:
    if path is None:
        return {}
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}
