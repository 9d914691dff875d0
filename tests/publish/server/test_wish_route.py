"""The wish form against a real `kommune serve` (publish/server/wish_route.py): markup stays
text, oversize and cross-site posts are refused, flooding is limited, and only the portal's own
form fills the moderation queue — which nothing publishes by itself."""

from __future__ import annotations

import httpx
import pytest

from contracts.serve_state import build_state_dir, wish_store
from contracts.wishes import BODY_MAX_BYTES, TITLE_MAX
from kommune import portal
from publish.server import wish_queue
from tests.conftest import start_server, stop_server

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def wish_server(portal_dir, monkeypatch):
    portal_dir.add_demo("haushalt-ergebnisplan")
    portal.build(portal_dir.root, portal_dir.out)
    # Small allowances so that flooding is visible after a few posts.
    monkeypatch.setenv("KOMMUNE_WISH_BURST", "3")
    monkeypatch.setenv("KOMMUNE_WISH_PER_HOUR", "1")
    monkeypatch.setenv("KOMMUNE_WISH_ALL_PER_HOUR", "1000")
    monkeypatch.setenv("KOMMUNE_WISH_QUEUE_MAX", "2")
    server = start_server(portal_dir.out)
    yield server, wish_store(build_state_dir(portal_dir.out))
    stop_server(server)


def _post(server, data, headers=None, **kwargs):
    return httpx.post(
        server.url + "/datenwuensche/neu/",
        data=data,
        headers={"Origin": server.url, **(headers or {})},
        timeout=30,
        follow_redirects=False,
        **kwargs,
    )


def test_the_form_is_a_static_page_whose_post_the_policy_allows(wish_server):
    server, _ = wish_server
    page = server.get("/datenwuensche/neu/")
    assert page.status_code == 200
    assert 'method="post" action="/datenwuensche/neu/"' in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert "freiwillig" in page.text and "nie veröffentlicht" in page.text
    assert "<script" not in page.text  # works without JavaScript


def test_markup_comes_back_as_text_and_the_queue_stores_it_as_sent(wish_server):
    server, store = wish_server
    rejected = _post(server, {"titel": XSS, "beschreibung": "x" * 4001})
    assert rejected.status_code == 400
    assert "<script>alert(1)" not in rejected.text and "<img src=x" not in rejected.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rejected.text
    assert wish_queue.waiting(store) == []

    accepted = _post(server, {"titel": XSS, "kontakt": "leser@example.org"})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/datenwuensche/danke/"
    [queued] = wish_queue.waiting(store)
    assert queued.title == XSS and queued.contact == "leser@example.org"
    assert server.get("/datenwuensche/").text.count("alert") == 0  # nothing published by itself


def test_oversize_is_refused_without_storing(wish_server):
    server, store = wish_server
    too_long_title = _post(server, {"titel": "a" * (TITLE_MAX + 1)})
    assert too_long_title.status_code == 400 and f"höchstens {TITLE_MAX} Zeichen" in too_long_title.text
    huge = _post(server, {"titel": "Daten", "beschreibung": "b" * (BODY_MAX_BYTES + 10)})
    assert huge.status_code == 413

    def chunks():  # no Content-Length: the server counts while reading
        for _ in range(BODY_MAX_BYTES // 1024 + 2):
            yield b"beschreibung=" + b"c" * 1024 + b"&"

    streamed = httpx.post(
        server.url + "/datenwuensche/neu/",
        content=chunks(),
        headers={"Origin": server.url, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert streamed.status_code == 413
    not_a_form = _post(server, None, content=b'{"titel": "x"}', headers={"Content-Type": "application/json"})
    assert not_a_form.status_code == 415
    invalid_utf8 = _post(
        server, None, content=b"titel=%FF%FE%FD", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert invalid_utf8.status_code == 400
    assert wish_queue.waiting(store) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "", "Referer": "https://evil.example/seite"},
    ],
    ids=["other-origin", "opaque-origin", "fetch-metadata", "other-referer"],
)
def test_a_post_from_another_site_is_refused(wish_server, headers):
    server, store = wish_server
    sent = {"Origin": server.url, **headers}
    if sent.get("Origin") == "":
        del sent["Origin"]
    answer = httpx.post(
        server.url + "/datenwuensche/neu/",
        data={"titel": "Fremde Seite"},
        headers=sent,
        timeout=30,
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert wish_queue.waiting(store) == []


def test_flooding_is_limited_per_client_and_by_the_queue(wish_server):
    server, store = wish_server
    statuses = [_post(server, {"titel": f"Wunsch {number}"}).status_code for number in range(4)]
    # Queue holds 2; the third is refused by the full queue, the fourth by the client's allowance.
    assert statuses == [303, 303, 503, 429]
    flooded = _post(server, {"titel": "noch einer"})
    assert flooded.status_code == 429 and int(flooded.headers["retry-after"]) > 0
    assert "Zu viele Wünsche" in flooded.text
    assert [wish.title for wish in wish_queue.waiting(store)] == ["Wunsch 0", "Wunsch 1"]
