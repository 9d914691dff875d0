"""Polite JSON fetching for the OParl harvester: rate limit, timeouts, retries, Retry-After.

`JsonFetcher` is the one thing the harvester needs from the network. `HttpJsonFetcher` speaks
HTTP with httpx; `pipelines/oparl/recording.py` answers from a bundled recording instead, so
the same harvest runs offline.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import httpx

RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchFailed(RuntimeError):
    """A URL could not be fetched as JSON after all retries; `url` and `reason` say why."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class JsonFetcher(Protocol):
    def get_json(self, url: str) -> Any:
        """Return the decoded JSON document at `url`; raise FetchFailed otherwise."""


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a Retry-After header (seconds or HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


@dataclass
class HttpJsonFetcher:
    """GET JSON over HTTP, at most `requests_per_second`, retrying 429/5xx and broken bodies.

    Waits between retries grow as `backoff_seconds * 2**attempt`, or follow Retry-After
    when the server sends it (capped at `max_wait_seconds`). `sleep` and `clock` are
    injectable so tests can record the waits instead of spending them.
    """

    timeout_seconds: float = 30.0
    requests_per_second: float = 5.0
    retries: int = 4
    backoff_seconds: float = 1.0
    max_wait_seconds: float = 120.0
    user_agent: str = "OffeneKommune-OParl-Harvester/1.0"
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests_made: int = 0
    waits: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            timeout=self.timeout_seconds,
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        self._last_request = -1e9

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpJsonFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waits.append(seconds)
            self.sleep(seconds)

    def _respect_rate(self) -> None:
        if self.requests_per_second <= 0:
            return
        gap = 1.0 / self.requests_per_second - (self.clock() - self._last_request)
        if gap > 0:
            self.sleep(gap)
        self._last_request = self.clock()

    def get_json(self, url: str) -> Any:
        """Return the JSON at `url`. Raises FetchFailed after `retries` failed retries,
        at once for 4xx other than 429 (a retry cannot fix them)."""
        reason = "unbekannter Fehler"
        for attempt in range(self.retries + 1):
            if attempt:
                self._wait(min(self.max_wait_seconds, self._pending_wait or self.backoff_seconds * 2 ** (attempt - 1)))
            self._pending_wait = 0.0
            self._respect_rate()
            self.requests_made += 1
            try:
                response = self._client.get(url)
            except httpx.HTTPError as error:
                reason = f"Verbindungsfehler: {type(error).__name__}"
                continue
            if response.status_code in RETRY_STATUSES:
                reason = f"HTTP {response.status_code}"
                self._pending_wait = retry_after_seconds(response.headers.get("Retry-After"), time.time()) or 0.0
                continue
            if response.status_code >= 400:
                raise FetchFailed(url, f"HTTP {response.status_code}")
            try:
                return json.loads(response.content)
            except ValueError as error:
                # A cut-off body is usually a transient proxy or server fault: retry it.
                reason = f"kein gültiges JSON ({error})"
                continue
        raise FetchFailed(url, f"{reason} nach {self.retries + 1} Versuchen")

    _pending_wait: float = 0.0
