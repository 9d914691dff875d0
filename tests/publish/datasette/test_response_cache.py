"""The per-release response cache of `kommune serve` (publish/datasette/response_cache.py), through the
real server: answers are shared only by identical URLs, carry ETags that revalidate, and a
release swap never serves an answer of the old release."""

from __future__ import annotations

import json

import pytest

from kommune import portal
from publish.datasette.response_cache import CachedResponse, ResponseCache, cache_key
from tests.conftest import run_async, start_server, stop_server
from tests.publish.conftest import add_numbers_dataset, numbers_csv


@pytest.fixture
def served(portal_dir):
    """A one-table portal served by `kommune serve`; yields (server, portal_dir, csv file)."""
    csv_file = add_numbers_dataset(portal_dir, 5)
    portal.build(portal_dir.root, portal_dir.out)
    server = start_server(portal_dir.out)
    try:
        yield server, portal_dir, csv_file
    finally:
        stop_server(server)


def test_a_repeated_request_is_answered_with_the_same_body_and_an_etag_that_revalidates(served):
    server, _, _ = served
    path = "/daten/portal/zaehler.json?_shape=array"
    first, second = server.get(path), server.get(path)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    assert int(second.headers["content-length"]) == len(second.content)
    revalidated = server.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated.headers["etag"] == first.headers["etag"]
    changed = server.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_different_query_strings_never_share_an_entry(served):
    server, _, _ = served
    answers = {}
    for query in [
        "_shape=array&gruppe=gerade",
        "_shape=array&gruppe=ungerade",
        "gruppe=gerade&_shape=array",
        "_shape=array&gruppe=gerade&_size=1",
        "_shape=array",
    ]:
        for _ in range(2):  # the second answer comes from the cache
            response = server.get(f"/daten/portal/zaehler.json?{query}")
            assert response.status_code == 200
            answers.setdefault(query, set()).add(response.content)
    assert all(len(bodies) == 1 for bodies in answers.values())
    rows = {query: [row["n"] for row in json.loads(next(iter(bodies)))] for query, bodies in answers.items()}
    assert rows["_shape=array&gruppe=gerade"] == [0, 2, 4] == rows["gruppe=gerade&_shape=array"]
    assert rows["_shape=array&gruppe=ungerade"] == [1, 3]
    assert rows["_shape=array&gruppe=gerade&_size=1"] == [0]
    assert rows["_shape=array"] == [0, 1, 2, 3, 4]


def test_a_release_swap_never_serves_an_answer_of_the_old_release(served):
    server, portal_dir, csv_file = served
    path = "/daten/portal/zaehler.json?_shape=array"
    old = server.get(path)
    assert server.get(path).content == old.content  # now cached
    csv_file.write_bytes(numbers_csv(7))
    portal.build(portal_dir.root, portal_dir.out)
    new = server.get(path, headers={"If-None-Match": old.headers["etag"]})
    assert new.status_code == 200
    assert [row["n"] for row in new.json()] == list(range(7))
    assert new.headers["etag"] != old.headers["etag"]
    assert server.get(path).content == new.content


def test_errors_and_requests_with_credentials_are_not_cached(served):
    server, _, _ = served
    missing = server.get("/daten/portal/gibt_es_nicht.json")
    assert missing.status_code == 404 and "etag" not in missing.headers
    with_cookie = server.get("/daten/portal/zaehler.json?_shape=array", headers={"Cookie": "ds_actor=x"})
    assert with_cookie.status_code == 200 and "etag" not in with_cookie.headers


def test_no_cache_requests_are_rendered_fresh(served):
    """`Cache-Control: no-cache` (a hard reload, the benchmark's uncached figures) reaches Datasette:
    its JSON reports a new query time each time instead of the stored one."""
    server, _, _ = served
    path = "/daten/portal/zaehler.json?_size=2"
    stored = server.get(path).json()["query_ms"]
    assert server.get(path).json()["query_ms"] == stored
    fresh = {server.get(path, headers={"Cache-Control": "no-cache"}).json()["query_ms"] for _ in range(3)}
    assert fresh - {stored}


def test_site_pages_are_not_touched_by_the_datasette_cache(served):
    server, _, _ = served
    page = server.get("/datensaetze/zaehler/")
    assert page.status_code == 200 and page.headers.get("cache-control") != "no-cache"


# The cache's bounds, with a real ASGI app in process (sizes that a served portal would need
# megabytes of rows to reach).


def _run(cache: ResponseCache, body: bytes, path: str = "/x", query: bytes = b"", chunks: int = 1) -> list[dict]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        size = len(body) // chunks
        for index in range(chunks):
            part = body[index * size :] if index == chunks - 1 else body[index * size : (index + 1) * size]
            await send({"type": "http.response.body", "body": part, "more_body": index < chunks - 1})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}
    run_async(cache.serve(app, scope, None, send))
    return sent


def test_an_answer_bigger_than_the_entry_limit_streams_through_and_is_not_kept():
    cache = ResponseCache(max_bytes=1000, max_entry_bytes=100)
    sent = _run(cache, b"a" * 250, chunks=5)
    assert b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body") == b"a" * 250
    assert not any(name == b"etag" for name, _ in sent[0]["headers"])
    assert len(cache) == 0


def test_the_cache_stays_within_its_byte_bound_and_forgets_the_least_recently_used():
    cache = ResponseCache(max_bytes=300, max_entry_bytes=100)
    for name in "abcd":
        _run(cache, name.encode() * 100, path=f"/{name}")
    assert cache.size <= 300 and len(cache) == 3
    assert cache.get("/a?") is None and cache.get("/d?") is not None


def test_the_key_is_the_full_url():
    scope = {"path": "/t.json", "raw_path": b"/t.json", "query_string": b"a=1&b=2"}
    assert cache_key(scope) != cache_key({**scope, "query_string": b"b=2&a=1"})
    assert cache_key(scope) != cache_key({**scope, "query_string": b""})
    entry = CachedResponse(200, (), b"x", b'"e"')
    cache = ResponseCache()
    cache.put(cache_key(scope), entry)
    assert cache.get(cache_key({**scope, "query_string": b"a=1"})) is None
