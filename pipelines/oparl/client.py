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
import time
from dataclasses import dataclass
from typing import Any, Protocol

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
        reason = ""
        for attempt in range(self.json_retries + 1):
            if attempt:
                time.sleep(min(self.http.settings.backoff * 2 ** (attempt - 1), self.http.settings.max_backoff))
            self.requests_made += 1
            response = self.http.get(url)
            try:
                return json.loads(response.content)
            except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
                reason = str(error)
        raise FetchError(url, f"Antwort ist kein gültiges JSON ({reason}), {self.json_retries + 1} Versuche")
