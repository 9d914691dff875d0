"""Absolute links in feeds, calendars and the catalogue follow the address `kommune serve` runs on
(the demo's base_url is the development default http://127.0.0.1:8000/; the server here listens on
a free port, never 8000)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from publish.server.served_address import is_development_address, replacement, served_base_url


def test_only_loopback_addresses_are_replaced():
    assert is_development_address("http://127.0.0.1:8000/")
    assert is_development_address("http://localhost:8000")
    assert not is_development_address("https://daten.werne.de/")
    assert replacement("http://127.0.0.1:8000/", "http://127.0.0.1:8101") == (
        b"http://127.0.0.1:8000",
        b"http://127.0.0.1:8101",
    )
    assert replacement("https://daten.werne.de/", "http://127.0.0.1:8101") is None
    assert replacement("http://127.0.0.1:8000/", "http://127.0.0.1:8000") is None
    assert replacement("http://127.0.0.1:8000/", None) is None


def test_served_base_url_of_wildcard_and_ipv6_hosts():
    assert served_base_url("0.0.0.0", 8101) == "http://127.0.0.1:8101"
    assert served_base_url("::1", 8101) == "http://[::1]:8101"
    assert served_base_url("127.0.0.1", 9000) == "http://127.0.0.1:9000"


def _absolute_urls(text: str) -> set[str]:
    return {
        urlsplit(url).netloc
        for url in re.findall(r"https?://[^\s\"'<>]+", text)
        if urlsplit(url).hostname in ("127.0.0.1", "localhost")
    }


@pytest.mark.parametrize(
    "path", ["/rat/vorlagen.atom", "/rat/sitzungen.ics", "/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/katalog/"]
)
def test_links_point_to_the_served_port(demo_server, path):
    served = urlsplit(demo_server.url).netloc
    assert not served.endswith(":8000")
    response = demo_server.get(path)
    assert response.status_code == 200
    hosts = _absolute_urls(response.text)
    assert hosts == {served}, f"{path} links to {hosts - {served}}"
    assert int(response.headers["content-length"]) == len(response.content)


def test_host_header_does_not_choose_the_links(demo_server):
    response = demo_server.get("/rat/vorlagen.atom", headers={"Host": "boese.example:80"})
    assert "boese.example" not in response.text


def test_head_keeps_the_built_files_length(demo_server, demo_build):
    import httpx

    response = httpx.head(demo_server.url + "/catalog.ttl", timeout=30)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == (demo_build / "site" / "catalog.ttl").stat().st_size
