"""The access log keeps only shortened client addresses: in the filter and in a real server."""

from __future__ import annotations

import logging

from publish.server.access_log import ShortenedClientAddress, shorten_address


def test_addresses_lose_their_host_part_and_port():
    assert shorten_address("203.0.113.57:51234") == "203.0.113.0"
    assert shorten_address("203.0.113.57") == "203.0.113.0"
    assert shorten_address("2001:db8:1:2:3:4:5:6") == "2001:db8:1::"
    assert shorten_address("[2001:db8:1:2::7]:443") == "2001:db8:1::"
    assert shorten_address("unix-socket") == "-"


def test_the_filter_rewrites_uvicorns_access_record():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("198.51.100.23:40000", "GET", "/", "1.1", 200),
        None,
    )
    assert ShortenedClientAddress().filter(record)
    assert record.getMessage() == '198.51.100.0 - "GET / HTTP/1.1" 200'


def test_a_served_portal_logs_no_full_address(demo_server):
    demo_server.get("/impressum/")
    requests = [line for line in demo_server.output().splitlines() if '"GET ' in line]
    assert any('"GET /impressum/ HTTP/1.1" 200' in line for line in requests)
    assert all("127.0.0.0 - " in line and "127.0.0.1" not in line for line in requests), requests
