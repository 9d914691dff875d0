"""How the OParl harvester reads JSON: through the portal's HttpClient, or from a recording.

`JsonFetcher` is the one thing the harvester needs from the network. `HttpJsonFetcher` uses
`pipelines.http.HttpClient` (timeouts, rate limit, retries with backoff on 429/5xx honouring
Retry-After) and adds what only a JSON API needs: a body that is cut off or not JSON is asked
for again, because that is usually a transient fault of a proxy or an overloaded server.
`pipelines/oparl/recording.py` answers from a bundled recording instead, so the same
harvest runs offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from contracts.retry import GaveUp, RetryPolicy, Transient
from pipelines.http import FetchError, HttpClient


class JsonFetcher(Protocol):
    def get_json(self, url: str) -> Any:
        """Return the decoded JSON document at `url`; raise pipelines.http.FetchError otherwise."""


@dataclass
class HttpJsonFetcher:
    """JSON over HTTP; `json_retries` more attempts when a body is not valid JSON."""

    http: HttpClient
    json_retries: int = 2
    requests_made: int = 0

    def get_json(self, url: str) -> Any:
        """Raises FetchError (from the HttpClient, or when no attempt returned valid JSON)."""
        settings = self.http.settings
        policy = RetryPolicy(self.json_retries, settings.backoff, settings.max_backoff)

        def attempt() -> Any:
            self.requests_made += 1
            response = self.http.get(url)
            try:
                return json.loads(response.content)
            except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
                raise Transient(str(error)) from None

        try:
            return policy.run(attempt)
        except GaveUp as gave_up:
            raise FetchError(
                url, f"Antwort ist kein gültiges JSON ({gave_up.last.reason}), {gave_up.attempts} Versuche"
            ) from None
