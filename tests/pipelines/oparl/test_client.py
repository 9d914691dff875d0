"""The polite JSON client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import email.utils

import pytest

from pipelines.oparl.client import FetchFailed, HttpJsonFetcher, retry_after_seconds
from tests.oparl_server import serve_sample


@pytest.fixture
def server():
    running = serve_sample()
    yield running
    running.stop()


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("12", now=0) == 12.0
    date = email.utils.formatdate(1_000_060, usegmt=True)
    assert retry_after_seconds(date, now=1_000_000) == 60.0
    assert retry_after_seconds("bald", now=0) is None
    assert retry_after_seconds(None, now=0) is None


def test_client_errors_other_than_429_are_not_retried(server):
    with HttpJsonFetcher(requests_per_second=0, sleep=lambda s: None) as client:
        with pytest.raises(FetchFailed) as caught:
            client.get_json(server.base + "/nichts")
    assert "404" in caught.value.reason and client.requests_made == 1


def test_retry_after_is_capped(server):
    server.fail("/system", 429, times=1, retry_after="86400")
    with HttpJsonFetcher(requests_per_second=0, max_wait_seconds=30, sleep=lambda s: None) as client:
        assert client.get_json(server.system_url)["type"].endswith("/System")
    assert client.waits == [30]


def test_request_rate_is_kept_between_requests(server):
    """The clock is injected: the test checks the pauses asked for, not elapsed time."""
    pauses = []
    with HttpJsonFetcher(requests_per_second=2, sleep=pauses.append, clock=lambda: 100.0) as client:
        for _ in range(3):
            client.get_json(server.system_url)
    assert pauses == [0.5, 0.5]
