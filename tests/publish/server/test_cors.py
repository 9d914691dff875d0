"""`Access-Control-Allow-Origin: *` on Datasette's JSON and CSV and on the published files, not on
HTML pages (a real `kommune serve` subprocess)."""

from __future__ import annotations

import pytest


def _first_download(demo_build) -> str:
    csv = sorted((demo_build / "site" / "datensaetze").glob("*/*.csv"))[0]
    return "/" + csv.relative_to(demo_build / "site").as_posix()


@pytest.mark.parametrize(
    "path",
    [
        "/daten/portal.json",
        "/daten/portal/oparl_paper.json?_size=2",
        "/daten/portal/oparl_paper.csv?_size=2",
        "/daten/portal.json?sql=select+1",
        "/catalog.ttl",
        "/rat/vorlagen.atom",
        "/rat/sitzungen.ics",
        "/rat/suche/index.json",
    ],
)
def test_machine_readable_answers_allow_any_origin(demo_server, path):
    response = demo_server.get(path)
    assert response.status_code == 200, path
    assert response.headers.get("access-control-allow-origin") == "*"
    assert response.headers.get_list("access-control-allow-origin") == ["*"]  # once, not twice


def test_published_downloads_allow_any_origin(demo_server, demo_build):
    response = demo_server.get(_first_download(demo_build))
    assert response.status_code == 200
    assert response.headers.get("access-control-allow-origin") == "*"


@pytest.mark.parametrize("path", ["/", "/daten/", "/daten/portal/oparl_paper"])
def test_html_pages_do_not(demo_server, path):
    response = demo_server.get(path)
    assert response.headers["content-type"].startswith("text/html")
    assert "access-control-allow-origin" not in response.headers
