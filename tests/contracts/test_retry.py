"""The one retry policy against a real HTTP server on 127.0.0.1 that fails a set number of times."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from contracts.retry import RETRY_STATUS, GaveUp, RetryPolicy, Transient, retry_after_seconds


class FailingServer(ThreadingHTTPServer):
    """Answers `status` (with `retry_after`, if set) to the first `failures` requests, then 200."""

    def __init__(self, failures: int, status: int, retry_after: str | None = None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.failures, self.status, self.retry_after = failures, status, retry_after
        self.hits = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class Handler(BaseHTTPRequestHandler):
    server: FailingServer

    def do_GET(self) -> None:
        self.server.hits += 1
        failing = self.server.hits <= self.server.failures
        self.send_response(self.server.status if failing else 200)
        if failing and self.server.retry_after:
            self.send_header("Retry-After", self.server.retry_after)
        body = b"busy" if failing else b"ok"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve():
    servers: list[FailingServer] = []

    def start(failures: int, status: int, retry_after: str | None = None) -> FailingServer:
        server = FailingServer(failures, status, retry_after)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> str:
    """One attempt the way the portal's clients make it: retry statuses become Transient."""
    response = httpx.get(url)
    if response.status_code in RETRY_STATUS:
        raise Transient(
            f"HTTP {response.status_code}",
            response.status_code,
            retry_after_seconds(response.headers.get("retry-after")),
        )
    response.raise_for_status()
    return response.text


def test_a_server_failing_fewer_times_than_allowed_is_waited_for_with_doubling_delays(serve):
    server = serve(failures=3, status=503)
    delays: list[float] = []
    policy = RetryPolicy(retries=3, backoff=0.5, max_backoff=60)
    assert policy.run(lambda: fetch(server.url), sleep=delays.append) == "ok"
    assert server.hits == 4 and delays == [0.5, 1.0, 2.0]


def test_after_the_last_retry_the_policy_gives_up_with_the_last_failure(serve):
    server = serve(failures=10, status=502)
    with pytest.raises(GaveUp) as caught:
        RetryPolicy(retries=2, backoff=0).run(lambda: fetch(server.url), sleep=lambda _: None)
    assert server.hits == 3 and caught.value.attempts == 3 and caught.value.last.status == 502


def test_retry_after_is_honoured_but_capped(serve):
    server = serve(failures=2, status=429, retry_after="3600")
    delays: list[float] = []
    RetryPolicy(retries=2, backoff=1, max_backoff=7).run(lambda: fetch(server.url), sleep=delays.append)
    assert delays == [7, 7] and server.hits == 3


def test_a_final_error_is_not_retried(serve):
    server = serve(failures=5, status=404)
    with pytest.raises(httpx.HTTPStatusError):
        RetryPolicy(retries=3, backoff=0).run(lambda: fetch(server.url), sleep=lambda _: None)
    assert server.hits == 1


def test_before_retry_hears_each_failure_and_wait(serve):
    server = serve(failures=2, status=500)
    heard: list[tuple[int | None, float]] = []
    RetryPolicy(retries=2, backoff=0.25).run(
        lambda: fetch(server.url),
        sleep=lambda _: None,
        before_retry=lambda error, wait: heard.append((error.status, wait)),
    )
    assert heard == [(500, 0.25), (500, 0.5)]


def test_retry_after_as_seconds_or_http_date():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after_seconds("bald") is None and retry_after_seconds(None) is None
