"""The attacks of issue 15, each against a real `kommune serve` on 127.0.0.1 serving the demo.

The server's peak memory is read from /proc (VmHWM, reset before each attack). Latencies are
printed as figures, never asserted: benchmarks/serve_attacks.py reports them for the record.
Distinct clients are simulated with X-Forwarded-For, which uvicorn trusts from 127.0.0.1 (as it
would from a reverse proxy on the same machine).

The server runs WORKERS worker processes, as `kommune serve` does by default on a 2-core machine:
every bound holds per process (memory, open files, SQL slots, queue, rate limit), and the
memory and file figures are those of the server's largest process.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from benchmarks.serve_attacks import HEAVY_SQL, ServedPortal, _closed_by_server, blob_rows_sql, sql_path
from publish.datasette import sql_limits
from publish.server.http_protocol import HEADER_TIMEOUT_S
from publish.server.query_gate import QUEUE_FULL, RATE_LIMITED

TABLE = "/daten/portal/service_beschwerden"
MEMORY_BOUND_MB = 500
WORKERS = 2


@pytest.fixture(scope="module")
def served(demo_build):
    # 3 GB of address space: if a memory bound broke, the server fails, not the shared machine.
    portal = ServedPortal(demo_build, memory_limit=3 * 2**30, workers=WORKERS)
    yield portal
    portal.stop()


def _client(number: int) -> dict:
    return {"X-Forwarded-For": f"10.15.{number // 250}.{number % 250 + 1}"}


# --- 1. cache poisoning through Host -------------------------------------------------------------


def test_a_foreign_host_never_reaches_any_link(served):
    ordinary = httpx.get(served.url + TABLE, timeout=30)
    for path in [TABLE, TABLE + "?_facet=kanal", TABLE + ".json?_size=1", TABLE + ".json?_size=1&_extra=next_url"]:
        attack = httpx.get(served.url + path, headers={"Host": "evil.example", "Cache-Control": "no-cache"}, timeout=30)
        assert attack.status_code == 200
        assert "evil.example" not in attack.text + attack.headers.get("link", ""), path
        after = httpx.get(served.url + path, timeout=30)
        assert "evil.example" not in after.text + after.headers.get("link", ""), path
    # Absolute links come from the configured base_url (metadata/site.yaml) or, while that is the
    # development (loopback) address, from the address serve listens on: never from the client.
    page = httpx.get(served.url + TABLE + ".json?_size=1", headers={"Host": "evil.example"}, timeout=30)
    assert page.json()["next_url"].startswith(f"{served.url}/daten/portal/service_beschwerden.json?")
    facets = httpx.get(served.url + TABLE + "?_facet=kanal", headers={"Host": "evil.example"}, timeout=30)
    assert f'href="{served.url}/daten/portal/service_beschwerden?' in facets.text
    assert httpx.get(served.url + TABLE, timeout=30).headers["etag"] == ordinary.headers["etag"]


def test_a_no_cache_request_does_not_replace_what_others_get(served):
    path = TABLE + "?_size=3"
    first = httpx.get(served.url + path, timeout=30)
    fresh = httpx.get(served.url + path, headers={"Cache-Control": "no-cache"}, timeout=30)
    assert fresh.status_code == 200
    again = httpx.get(served.url + path, timeout=30)
    assert again.text == first.text  # the stored answer, not the fresh one (its query_ms differ)


# --- 2. memory -----------------------------------------------------------------------------------

MEMORY_ATTACKS = {
    "randomblob 1 GB": ([sql_path("select randomblob(1000000000)")], sql_limits.VALUE_TOO_BIG),
    "4 × randomblob 150 MB": ([sql_path("select randomblob(150000000)")] * 4, sql_limits.VALUE_TOO_BIG),
    # Datasette 0.65 answers any failed query as CSV with an empty 200 (also `select * from nope`).
    "zeroblob 1 GB as streamed CSV": ([sql_path("select zeroblob(1000000000)", ".csv") + "&_stream=on"], None),
    "1000 rows × 1 MB": ([sql_path(blob_rows_sql(1000, 1_000_000))], sql_limits.RESULT_TOO_BIG),
    "200 rows × 1 MB text": (
        [sql_path(blob_rows_sql(200, 1_000_000).replace("randomblob(1000000)", "hex(randomblob(500000))"))],
        sql_limits.RESULT_TOO_BIG,
    ),
}


@pytest.mark.parametrize("name", MEMORY_ATTACKS)
def test_memory_attacks_are_refused_in_german_and_memory_stays_bounded(served, name):
    paths, message = MEMORY_ATTACKS[name]
    served.reset_peak()
    responses: list[httpx.Response] = []

    def attack(number: int, path: str) -> None:
        responses.append(httpx.get(served.url + path, headers=_client(100 + number), timeout=120))

    threads = [threading.Thread(target=attack, args=(n, p)) for n, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak = served.memory_mb("VmHWM")
    print(f"{name}: peak RSS {peak:.0f} MB, statuses {[r.status_code for r in responses]}")
    assert len(responses) == len(paths)
    for response in responses:
        if message is None:
            assert len(response.content) < 2**20
            continue
        assert response.status_code in (400, 503), response.text[:300]
        if response.status_code == 400:
            assert response.json()["error"] == message
    assert peak < MEMORY_BOUND_MB


def test_printf_padding_beyond_the_value_limit_is_null_at_once(served):
    """SQLite 3.40 pads printf one character at a time, ignoring the time limit (21 s for
    333,333,333); the portal's printf answers NULL, as SQLite does once the length limit is passed."""
    served.reset_peak()
    for sql in ["select printf('%.*c', 333333333, 'x') as x", "select format('%0100000000d', 1) as x"]:
        response = httpx.get(served.url + sql_path(sql), headers=_client(90), timeout=60)
        assert response.status_code == 200 and response.json()["rows"] == [[None]]
    ordinary = httpx.get(
        served.url + sql_path("select printf('%05.1f|%*d|%s', 2.25, 4, 7, 'a') as x"), headers=_client(90), timeout=60
    )
    assert ordinary.json()["rows"] == [["002.3|   7|a"]]
    assert served.memory_mb("VmHWM") < MEMORY_BOUND_MB


def test_ordinary_queries_still_work(served):
    response = httpx.get(
        served.url + sql_path("select count(*) as n, length(randomblob(1000)) as b from service_beschwerden"),
        headers=_client(91),
        timeout=30,
    )
    assert response.status_code == 200 and response.json()["rows"][0][1] == 1000


# --- 7. starvation, fair queue, rate limit -------------------------------------------------------


def test_parallel_heavy_queries_leave_the_site_and_tables_answering(served):
    """20 heavy queries per worker: more than all workers' slots and queues together hold."""
    attacks = 20 * WORKERS
    attackers = httpx.Client(limits=httpx.Limits(max_connections=attacks))
    statuses: list[httpx.Response] = []

    def heavy(number: int) -> None:
        statuses.append(attackers.get(served.url + sql_path(HEAVY_SQL), headers=_client(number), timeout=120))

    threads = [threading.Thread(target=heavy, args=(n,)) for n in range(attacks)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    with httpx.Client() as visitor:
        started = time.perf_counter()
        site = visitor.get(served.url + "/datensaetze/", timeout=60)
        site_seconds = time.perf_counter() - started
        started = time.perf_counter()
        table = visitor.get(served.url + TABLE + "?_size=5", headers={"Cache-Control": "no-cache"}, timeout=60)
        table_seconds = time.perf_counter() - started
    for thread in threads:
        thread.join()
    attackers.close()
    print(f"during {attacks} heavy queries: site page {site_seconds:.3f} s, Datasette table page {table_seconds:.3f} s")
    assert site.status_code == 200 and table.status_code == 200
    codes = sorted(response.status_code for response in statuses)
    assert set(codes) <= {400, 503} and 400 in codes, codes
    refused = [response for response in statuses if response.status_code == 503]
    assert refused, f"{attacks} parallel queries all admitted: the queue is unbounded"
    assert all(r.json()["error"] == QUEUE_FULL and r.headers["retry-after"] for r in refused)


def test_one_client_is_rate_limited_and_others_are_not(served):
    """Each worker keeps its own allowance per client, so the client keeps one connection (one
    worker); across N workers a client may get up to N allowances (docs/decisions/serve-workers.md)."""
    cheap = sql_path("select 1")
    with httpx.Client() as client:  # one client: 15 requests in well under a second, so little refills
        answers = [client.get(served.url + cheap, headers=_client(200), timeout=30).status_code for _ in range(15)]
        assert answers[:10] == [200] * 10 and 429 in answers, answers
        limited = client.get(served.url + cheap, headers=_client(200), timeout=30)
    assert limited.json()["error"] == RATE_LIMITED and int(limited.headers["retry-after"]) >= 1
    assert httpx.get(served.url + cheap, headers=_client(201), timeout=30).status_code == 200
    assert httpx.get(served.url + TABLE, headers=_client(200), timeout=30).status_code == 200  # tables are not limited


# --- 6. headers on every kind of response --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/datensaetze/",
        "/gibt-es-nicht/",
        "/static/style.css",
        "/daten/",
        TABLE,
        TABLE + ".json",
        TABLE + ".csv",
        "/daten/portal/",
        "/daten/portal/gibt_es_nicht",
        "/daten/-/threads",
        sql_path("select 1", ""),
    ],
)
def test_security_headers_on_every_response(served, path):
    response = httpx.get(served.url + path, timeout=30)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_a_not_modified_answer_carries_the_headers_too(served):
    first = httpx.get(served.url + TABLE, timeout=30)
    again = httpx.get(served.url + TABLE, headers={"If-None-Match": first.headers["etag"]}, timeout=30)
    assert again.status_code == 304 and "content-security-policy" in again.headers


# --- 8. smaller findings -------------------------------------------------------------------------


def test_trailing_slash_redirect_keeps_the_prefix(served):
    response = httpx.get(served.url + "/daten/portal/", timeout=30)
    assert response.status_code == 302 and response.headers["location"] == "/daten/portal"
    assert httpx.get(served.url + "/daten/portal/", follow_redirects=True, timeout=30).status_code == 200


def test_unknown_sort_column_is_a_german_400(served):
    page = httpx.get(served.url + TABLE + "?_sort=nope", timeout=30)
    assert page.status_code == 400 and "kann diese Tabelle nicht sortiert werden" in page.text
    data = httpx.get(served.url + TABLE + ".json?_sort_desc=nope", timeout=30)
    assert data.status_code == 400 and "kann diese Tabelle nicht sortiert werden" in data.json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/daten/-/threads",
        "/daten/-/versions",
        "/daten/-/patterns",
        "/daten/-/allow-debug",
        "/daten/-/threads.json",
        "/daten/-/versions.json",
    ],
)
def test_debug_endpoints_are_off(served, path):
    assert httpx.get(served.url + path, timeout=30).status_code == 404


# --- 4. slow clients -----------------------------------------------------------------------------


def test_slow_headers_are_cut_off_and_the_file_limit_is_never_reached(demo_build):
    """300 connections that never finish their headers against a server with 256 open files."""
    portal = ServedPortal(demo_build, file_limit=256, workers=WORKERS)
    sockets = []
    try:
        for _ in range(300):
            client = socket.create_connection(("127.0.0.1", portal.port), timeout=5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(client)
        time.sleep(1)
        assert portal.open_files() < 256
        time.sleep(HEADER_TIMEOUT_S + 2)
        still_open = sum(not _closed_by_server(client) for client in sockets)
        assert still_open == 0
        assert httpx.get(portal.url + "/datensaetze/", timeout=30).status_code == 200
        log = portal.output()
        assert "Too many open files" not in log and len(log) < 20_000
    finally:
        for client in sockets:
            client.close()
        portal.stop()
