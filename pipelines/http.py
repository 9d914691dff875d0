"""A polite, robust HTTP client for sources: timeouts, retries, rate limit, conditional GET.

Every source kind fetches through this one client so that retry and caching rules are
the same everywhere and a town's server is never hammered.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import httpx

from contracts.retry import RETRY_STATUS, GaveUp, RetryPolicy, Transient, retry_after_seconds
from pipelines.errors import SettingInvalid

T = TypeVar("T")
USER_AGENT = "OffeneKommune/0.1 (+https://github.com/offene-kommune)"


class FetchError(Exception):
    """A source could not be fetched; `reason` is German and names the cause."""

    def __init__(self, url: str, reason: str, status: int | None = None, body: bytes | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        # The start of an error response: services explain a 4xx there (OWS exception reports).
        self.body = body


@dataclass
class HttpSettings:
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    min_interval: float = 0.0  # seconds between requests to the same client
    max_bytes: int = 2_000_000_000
    max_redirects: int = 10
    total_timeout: float = 600.0  # a server that drips bytes must not hold the build forever

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> HttpSettings:
        """Defaults, overridden by KOMMUNE_HTTP_<FIELD> variables (e.g. KOMMUNE_HTTP_TIMEOUT=5,
        KOMMUNE_HTTP_RETRIES=0): a town behind a slow proxy, or tests, set them without code.
        Raises SettingInvalid naming the variable when a value is not a number."""
        settings = os.environ if environ is None else environ
        values = {}
        for name, default in vars(cls()).items():
            variable = f"KOMMUNE_HTTP_{name.upper()}"
            if variable in settings:
                try:
                    values[name] = type(default)(settings[variable])
                except ValueError:
                    raise SettingInvalid(f"{variable}={settings[variable]!r} ist keine Zahl") from None
        return cls(**values)


class HttpClient:
    """Fetches URLs with the retry policy of contracts/retry.py and ETag/Last-Modified caching."""

    def __init__(self, cache_dir: Path, settings: HttpSettings | None = None):
        self.cache_dir = Path(cache_dir)
        self.settings = settings or HttpSettings()
        self._last_request = 0.0

    @cached_property
    def _client(self) -> httpx.Client:
        # Made on the first request: setting up TLS (reading the CA bundle) costs tens of
        # milliseconds, which a build of local or unchanged datasets need not pay.
        return httpx.Client(
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        if "_client" in self.__dict__:
            self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.settings.retries, self.settings.backoff, self.settings.max_backoff)

    def get(self, url: str, params: dict | None = None, headers: dict | None = None) -> httpx.Response:
        """GET with retries (contracts/retry.py). Raises FetchError on network failure, or on a
        final 4xx/5xx."""

        def attempt() -> httpx.Response:
            with self._request(url, params, headers) as response:
                self._refuse_final_error(response, url)
                # What Response.read() does, bounded in time and size (see _read_limited); the
                # body is already decoded, so the copy must not announce a content encoding.
                body = b"".join(self._read_limited(response, url))
                kept = [
                    (k, v)
                    for k, v in response.headers.multi_items()
                    if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
                ]
                return httpx.Response(response.status_code, headers=kept, content=body, request=response.request)

        return self._with_retries(attempt, url)

    def get_json(self, url: str, params: dict | None = None) -> object:
        response = self.get(url, params=params)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise FetchError(url, f"Antwort ist kein gültiges JSON ({error})") from error

    def download(self, url: str) -> Path:
        """Download `url` into the cache (streamed) and return the local path.

        Sends If-None-Match/If-Modified-Since when a cached copy exists; a 304 returns the cache.
        """
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        body, meta_path = self.cache_dir / key, self.cache_dir / f"{key}.json"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        headers = {}
        if body.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]

        def attempt() -> Path:
            with self._request(url, None, headers) as response:
                if response.status_code == 304 and body.exists():
                    return body
                self._refuse_final_error(response, url)
                self._stream_to(response, body.with_suffix(".part"), url)
                os.replace(body.with_suffix(".part"), body)
                meta_path.write_text(
                    json.dumps(
                        {
                            "url": url,
                            "etag": response.headers.get("etag"),
                            "last_modified": response.headers.get("last-modified"),
                            "content_type": response.headers.get("content-type"),
                        }
                    )
                )
                return body

        return self._with_retries(attempt, url)

    @contextmanager
    def _request(self, url: str, params: dict | None, headers: dict | None) -> Iterator[httpx.Response]:
        """One streamed GET; network failures become Transient (retried) or FetchError."""
        client = self._client  # made first: on a busy machine that takes long enough to shorten the interval
        self._wait_for_rate_limit()
        try:
            with client.stream("GET", url, params=params, headers=headers) as response:
                yield response
        except httpx.TooManyRedirects:
            raise FetchError(url, "zu viele Weiterleitungen (Weiterleitungsschleife?)") from None
        except httpx.TimeoutException:
            raise Transient(f"keine Antwort innerhalb von {self.settings.timeout:g} s") from None
        except httpx.TransportError as error:
            raise Transient(f"nicht erreichbar ({type(error).__name__})") from None

    @staticmethod
    def _refuse_final_error(response: httpx.Response, url: str) -> None:
        """Raise Transient for a status worth another try, FetchError for any other 4xx/5xx."""
        status = response.status_code
        if status in RETRY_STATUS:
            raise Transient(
                f"Server antwortete mit HTTP {status}", status, retry_after_seconds(response.headers.get("retry-after"))
            )
        if status >= 400:
            raise FetchError(
                url, f"Server antwortete mit HTTP {status}", status, b"".join(response.iter_bytes())[:65536]
            )

    def _with_retries(self, attempt: Callable[[], T], url: str) -> T:
        try:
            return self.retry_policy.run(attempt)
        except GaveUp as gave_up:
            last = gave_up.last
            if last.status is not None:
                raise FetchError(
                    url, f"Server antwortete nach {gave_up.attempts} Versuchen mit HTTP {last.status}", last.status
                ) from None
            raise FetchError(url, last.reason) from None

    def cached_content_type(self, url: str) -> str | None:
        """The Content-Type the server sent for the cached copy of `url` (None if unknown)."""
        meta_path = self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"
        try:
            return json.loads(meta_path.read_text()).get("content_type")
        except (OSError, ValueError):
            return None

    def _stream_to(self, response: httpx.Response, target: Path, url: str) -> None:
        try:
            with open(target, "wb") as out:
                for chunk in self._read_limited(response, url):
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def _read_limited(self, response: httpx.Response, url: str) -> Iterator[bytes]:
        """The body as it arrives. Raises FetchError past total_timeout or max_bytes.

        Chunks are taken as the network delivers them (no fixed chunk size): with a fixed size
        httpx waits until a chunk is full, and a server dripping a few bytes a second would
        hold the build for minutes between two deadline checks."""
        received = 0
        deadline = time.monotonic() + self.settings.total_timeout
        for chunk in response.iter_bytes():
            received += len(chunk)
            if time.monotonic() > deadline:
                raise FetchError(
                    url, f"Übertragung dauerte länger als {self.settings.total_timeout:g} s (Server sendet zu langsam)"
                )
            if received > self.settings.max_bytes:
                raise FetchError(url, f"Antwort größer als {self.settings.max_bytes} Bytes")
            yield chunk

    def _wait_for_rate_limit(self) -> None:
        if self.settings.min_interval:
            wait = self._last_request + self.settings.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request = time.monotonic()
