"""The link check against a real HTTP server on 127.0.0.1: a 404, a timeout, redirects (also to
an address the allow-list refuses), a server that refuses HEAD, the cache between builds, and
the limits that keep a build from waiting on links."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from publish.quality.links import LinkChecker, LinkSettings

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
FAST = LinkSettings(timeout=0.5, host_interval=0.0, budget_seconds=30)


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), LinkHandler)
        self.hits: Counter = Counter()
        self.methods: list[tuple[str, str]] = []
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class LinkHandler(BaseHTTPRequestHandler):
    def _answer(self, method: str) -> None:
        server: LinkServer = self.server  # type: ignore[assignment]
        server.hits[self.path] += 1
        server.methods.append((method, self.path))
        if self.path == "/gut" or self.path.startswith("/gut/"):
            return self._send(200)
        if self.path == "/fehlt":
            return self._send(404)
        if self.path == "/langsam":
            server.release.wait(3)  # longer than the 0.5 s timeout
            return self._send(200)
        if self.path == "/umgezogen":
            return self._send(301, {"Location": "/neu/gut"})
        if self.path == "/neu/gut":
            return self._send(200)
        if self.path == "/nach-javascript":
            return self._send(302, {"Location": "javascript:alert(1)"})
        if self.path == "/schleife":
            return self._send(302, {"Location": "/schleife"})
        if self.path == "/ohne-head":
            return self._send(405 if method == "HEAD" else 200)
        return self._send(500)

    def do_HEAD(self):
        self._answer("HEAD")

    def do_GET(self):
        self._answer("GET")

    def _send(self, status: int, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = LinkServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_each_kind_of_answer_is_a_finding_in_german_never_an_error(server, tmp_path):
    checker = LinkChecker(FAST, tmp_path / "links.json", NOW, "Test")
    paths = ["/gut", "/fehlt", "/langsam", "/umgezogen", "/nach-javascript", "/schleife", "/ohne-head"]
    results = checker.check([server.url + path for path in paths])
    result = {path: results[server.url + path] for path in paths}

    assert result["/gut"].ok and result["/gut"].status == 200 and result["/gut"].message == "erreichbar"
    assert result["/fehlt"].state == "broken" and result["/fehlt"].message == "antwortet mit HTTP 404 (nicht gefunden)"
    assert result["/langsam"].state == "unreachable" and result["/langsam"].message == "keine Antwort in 0.5 s"
    assert result["/umgezogen"].ok and result["/umgezogen"].final_url == server.url + "/neu/gut"
    assert result["/umgezogen"].message == f"erreichbar, weitergeleitet auf {server.url}/neu/gut"
    # a redirect is followed only to an address the allow-list lets through
    assert result["/nach-javascript"].state == "refused"
    assert result["/nach-javascript"].message == "Weiterleitung auf eine nicht erlaubte Adresse"
    assert result["/schleife"].state == "broken" and result["/schleife"].message == "zu viele Weiterleitungen"
    assert result["/ohne-head"].ok and ("GET", "/ohne-head") in server.methods
    # HEAD first: only the server that refuses it is asked with GET
    assert [method for method, path in server.methods if path == "/gut"] == ["HEAD"]


def test_answers_are_cached_between_builds_good_ones_longer_than_bad_ones(server, tmp_path):
    cache = tmp_path / "links.json"
    urls = [server.url + "/gut", server.url + "/fehlt"]
    LinkChecker(FAST, cache, NOW, "Test").check(urls)
    assert server.hits["/gut"] == 1 and server.hits["/fehlt"] == 1
    stored = json.loads(cache.read_text())
    assert stored[server.url + "/fehlt"]["state"] == "broken"

    # the next build an hour later asks nobody
    again = LinkChecker(FAST, cache, NOW + dt.timedelta(hours=1), "Test").check(urls)
    assert server.hits == Counter({"/gut": 1, "/fehlt": 1})
    assert again[server.url + "/fehlt"].message == "antwortet mit HTTP 404 (nicht gefunden)"

    # two days later the bad answer is asked again, the good one is kept for a week
    LinkChecker(FAST, cache, NOW + dt.timedelta(days=2), "Test").check(urls)
    assert server.hits == Counter({"/gut": 1, "/fehlt": 2})
    LinkChecker(FAST, cache, NOW + dt.timedelta(days=8), "Test").check(urls)
    assert server.hits == Counter({"/gut": 2, "/fehlt": 3})


def test_the_limits_leave_links_unchecked_instead_of_holding_up_the_build(server, tmp_path):
    few = LinkSettings(timeout=0.5, host_interval=0.0, max_checks=2)
    urls = [f"{server.url}/gut/{n}" for n in range(5)]
    results = LinkChecker(few, tmp_path / "links.json", NOW, "Test").check(urls)
    assert sum(1 for r in results.values() if r.ok) == 2
    unchecked = [r for r in results.values() if r.state == "unchecked"]
    assert len(unchecked) == 3 and not unchecked[0].assessed
    assert unchecked[0].message == "noch nicht geprüft (Grenze je Lauf erreicht)"
    # the next build goes on where this one stopped
    later = LinkChecker(few, tmp_path / "links.json", NOW + dt.timedelta(minutes=5), "Test").check(urls)
    assert sum(1 for r in later.values() if r.ok) == 4

    off = LinkChecker(LinkSettings(enabled=False), None, NOW, "Test").check([server.url + "/gut"])
    assert off[server.url + "/gut"].message == "nicht geprüft (Linkprüfung ausgeschaltet)"
    assert server.hits["/gut"] == 0


def test_an_unreachable_host_is_a_finding(tmp_path):
    # a port nobody listens on: connection refused, answered at once
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    results = LinkChecker(FAST, None, NOW, "Test").check([f"http://127.0.0.1:{port}/x"])
    assert results[f"http://127.0.0.1:{port}/x"].state == "unreachable"
    assert results[f"http://127.0.0.1:{port}/x"].message == "nicht erreichbar (keine Verbindung)"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KOMMUNE_LINK_CHECK", "aus")
    monkeypatch.setenv("KOMMUNE_LINK_TIMEOUT", "3")
    monkeypatch.setenv("KOMMUNE_LINK_MAX", "7")
    settings = LinkSettings.from_environment()
    assert (settings.enabled, settings.timeout, settings.max_checks) == (False, 3.0, 7)
    monkeypatch.setenv("KOMMUNE_LINK_MAX", "viele")
    with pytest.raises(ValueError, match="KOMMUNE_LINK_MAX"):
        LinkSettings.from_environment()


def test_a_wrong_setting_stops_the_build_before_any_work(portal_dir, monkeypatch):
    from kommune import portal
    from pipelines.errors import SettingInvalid

    monkeypatch.setenv("KOMMUNE_LINK_TIMEOUT", "lang")
    with pytest.raises(SettingInvalid, match="KOMMUNE_LINK_TIMEOUT='lang' ist keine Zahl"):
        portal.build(portal_dir.root, portal_dir.out)
    assert not portal_dir.out.exists()
