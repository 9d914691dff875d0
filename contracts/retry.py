"""The one retry policy for every HTTP call the portal makes: sources (pipelines/http.py) and
CKAN (publish/ckan/client.py).

Which failures are retried is defined here once: connection errors, timeouts and the HTTP
statuses in `RETRY_STATUS` (rate limited, server error, bad gateway, unavailable, gateway
timeout). A caller raises `Transient` for such a failure inside the attempt and anything else
for a permanent one, which is never retried. The wait doubles from `backoff` up to
`max_backoff`; a server's Retry-After wins but is capped by `max_backoff` too, so a hostile or
confused server cannot park a build for hours. tenacity runs the loop.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

#: HTTP statuses that say "try again later"; every other 4xx/5xx is final.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")


class Transient(Exception):
    """A failure another attempt may cure. `status` is the HTTP status if there was an answer,
    `retry_after` the seconds the server asked to wait (None if it did not say)."""

    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class GaveUp(Exception):
    """Every attempt failed transiently; `last` is the last failure, `attempts` their number."""

    def __init__(self, last: Transient, attempts: int):
        super().__init__(f"{last.reason} ({attempts} Versuche)")
        self.last = last
        self.attempts = attempts


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 4  # attempts after the first
    backoff: float = 1.0  # seconds before the first retry; doubled for each further one
    max_backoff: float = 60.0  # no wait is longer, whatever Retry-After says

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1 = the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_backoff)
        return min(self.backoff * 2 ** (attempt - 1), self.max_backoff)

    def run(
        self,
        attempt: Callable[[], T],
        *,
        sleep: Callable[[float], None] | None = None,
        before_retry: Callable[[Transient, float], None] | None = None,
    ) -> T:
        """Call `attempt` until it returns, raises something other than `Transient`, or has
        failed transiently `retries + 1` times; then raises GaveUp. `before_retry` is told each
        transient failure and the wait before the next attempt (for logs, rewinding files).
        `sleep` defaults to `time.sleep`, looked up at each call."""

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            retry_after = error.retry_after if isinstance(error, Transient) else None
            return self.delay(state.attempt_number, retry_after)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            if before_retry is not None and isinstance(error, Transient):
                before_retry(error, state.upcoming_sleep)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=wait,
            sleep=sleep or (lambda seconds: time.sleep(seconds)),
            retry=tenacity.retry_if_exception_type(Transient),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except Transient as error:
            raise GaveUp(error, retrying.statistics.get("attempt_number", self.retries + 1)) from None


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
