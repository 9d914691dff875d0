"""JSON over the portal's HttpClient against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from pipelines.http import FetchError, HttpClient, HttpSettings
from pipelines.oparl.client import HttpJsonFetcher


@pytest.fixture
def server(oparl_server):
    return oparl_server


@pytest.fixture
def http(tmp_path, monkeypatch):
    """time.sleep is replaced by a no-op so that retry pauses cost no test time."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with HttpClient(tmp_path, HttpSettings(retries=2, backoff=0.1)) as client:
        yield client


def test_a_cut_off_body_is_asked_for_again(server, http):
    server.truncate("/system", times=1)
    fetcher = HttpJsonFetcher(http)
    assert fetcher.get_json(server.system_url)["type"].endswith("/System")
    assert fetcher.requests_made == 2


def test_a_body_that_never_is_json_fails_with_the_reason(server, http):
    server.truncate("/system", times=-1)
    fetcher = HttpJsonFetcher(http, json_retries=1)
    with pytest.raises(FetchError) as caught:
        fetcher.get_json(server.system_url)
    assert "kein gültiges JSON" in caught.value.reason and fetcher.requests_made == 2


def test_client_errors_are_not_retried(server, http):
    fetcher = HttpJsonFetcher(http)
    with pytest.raises(FetchError) as caught:
        fetcher.get_json(server.base + "/nichts")
    assert caught.value.status == 404 and server.requests == ["/oparl/v1.1/nichts"]
