"""A ckanapi client that retries transient errors, counts writes and never leaks the token."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable

import ckanapi
import requests

from contracts.retry import RETRY_STATUS, GaveUp, RetryPolicy, Transient

log = logging.getLogger(__name__)

TOKEN_ENV = "CKAN_API_TOKEN"
# Actions that change CKAN; everything else (show, list, search) only reads.
WRITE_SUFFIXES = ("_create", "_update", "_patch", "_delete", "_purge")
# ckanapi reports a non-JSON answer as CKANAPIError(repr([url, status, body])).
_ANSWER_STATUS = re.compile(r"^\['[^']*', (\d{3}), ")


class CkanError(Exception):
    """A CKAN call failed for good. The message is safe to print (token redacted)."""


class CkanUnavailable(CkanError):
    """CKAN did not answer (connection refused, timeout, 5xx) even after retries."""


class CkanTokenMissing(CkanError):
    """No API token in the environment although the run would write."""


class CkanNotFound(CkanError):
    """The object asked for does not exist in CKAN."""


class CkanRejected(CkanError):
    """CKAN refused the data (validation or authorisation); ``details`` holds CKAN's message."""

    def __init__(self, message: str, details: dict | str):
        super().__init__(message)
        self.details = details


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``."""
    return text.replace(secret, "***") if secret else text


def is_write(action: str) -> bool:
    return action.endswith(WRITE_SUFFIXES)


def _is_transient(error: Exception) -> bool:
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, ckanapi.CKANAPIError) and not isinstance(
        error,
        (
            ckanapi.ValidationError,
            ckanapi.NotFound,
            ckanapi.NotAuthorized,
            ckanapi.SearchError,
            ckanapi.SearchQueryError,
        ),
    ):
        # ckanapi raises the bare CKANAPIError with the HTTP status for non-JSON answers.
        match = _ANSWER_STATUS.match(str(error))
        return match is not None and int(match[1]) in RETRY_STATUS
    return False


class CkanClient:
    """Calls CKAN actions through ckanapi.

    Transient failures (connection refused or reset, timeouts, the HTTP statuses of
    contracts.retry.RETRY_STATUS) are retried ``retries`` times with exponential backoff
    starting at ``backoff`` seconds (contracts/retry.py); then
    CkanUnavailable is raised. Validation and authorisation errors raise CkanRejected at
    once, an unknown id CkanNotFound; anything else CkanError. ``writes`` counts successful
    write calls, ``calls`` every call by action name.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url.rstrip("/")
        self._token = token
        self._remote = ckanapi.RemoteCKAN(self.url, apikey=token, user_agent="offene-kommune/ckan")
        self._policy = RetryPolicy(retries, backoff)
        self._timeout = timeout
        self._sleep = sleep
        self.writes = 0
        self.calls: Counter[str] = Counter()

    def safe(self, text: str) -> str:
        """Text with the token removed, for messages and logs."""
        return redact(text, self._token)

    def call(self, action: str, data: dict | None = None, files: dict | None = None) -> dict | list:
        """Call ``action`` with ``data``; see the class docstring for errors."""

        def attempt() -> dict | list:
            self.calls[action] += 1
            try:
                return self._remote.call_action(
                    action, data or {}, files=files, requests_kwargs={"timeout": self._timeout}
                )
            except ckanapi.NotFound as error:
                raise CkanNotFound(self.safe(f"CKAN kennt das Objekt nicht ({action}): {error}")) from None
            except ckanapi.ValidationError as error:
                details = error.error_dict if isinstance(error.error_dict, dict) else str(error)
                raise CkanRejected(self.safe(f"CKAN lehnt {action} ab: {_format_details(details)}"), details) from None
            except ckanapi.NotAuthorized as error:
                raise CkanRejected(
                    self.safe(f"CKAN verweigert {action}: keine Berechtigung ({error})"), self.safe(str(error))
                ) from None
            except Exception as error:  # noqa: BLE001 - sorted into transient/permanent below
                if not _is_transient(error):
                    raise CkanError(self.safe(f"CKAN-Aufruf {action} fehlgeschlagen: {error}")) from None
                raise Transient(type(error).__name__) from None

        def before_retry(error: Transient, delay: float) -> None:
            log.warning("CKAN %s: vorübergehender Fehler (%s), neuer Versuch in %.1f s", action, error.reason, delay)
            for handle in (files or {}).values():
                handle.seek(0)

        try:
            result = self._policy.run(attempt, sleep=self._sleep, before_retry=before_retry)
        except GaveUp as gave_up:
            raise CkanUnavailable(
                self.safe(
                    f"CKAN unter {self.url} antwortet nicht ({action}, {gave_up.attempts} Versuche): "
                    f"{gave_up.last.reason}"
                )
            ) from None
        if is_write(action):
            self.writes += 1
        return result


def _format_details(details: dict | str) -> str:
    if not isinstance(details, dict):
        return str(details)
    parts = []
    for key, value in details.items():
        if key == "__type":
            continue
        parts.append(f"{key}: {value}")
    return "; ".join(parts) or str(details)
