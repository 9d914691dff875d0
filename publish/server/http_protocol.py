"""How `kommune serve` treats connections: header timeout, connection limit, uvicorn settings.

uvicorn times out idle keep-alive connections but not a request whose headers never finish:
clients that send half a request line held their connections for good, and at the process's
file limit legitimate requests timed out while the log filled with "Too many open files"
(issue 15). `GuardedH11Protocol` closes a connection whose request headers are not complete
`HEADER_TIMEOUT_S` after it opened (or after the previous response), and refuses connections
beyond `max_connections()` with a bare 503 before they can pile up to the file limit.
"""

from __future__ import annotations

import asyncio
import resource

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0
KEEP_ALIVE_S = 5
_MAX_CONNECTIONS = 1000
#: Also how many connections asyncio accepts in one go, before any of them is looked at.
BACKLOG = 64
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 5\r\nconnection: close\r\n\r\n"


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one (capped at 65,536); returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard if hard != resource.RLIM_INFINITY else 65536, 65536)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def max_connections() -> int:
    """Open connections allowed: so many that one more batch of accepted connections still leaves
    half the file limit for the database, static files and the log, however many clients connect."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(16, min(_MAX_CONNECTIONS, (soft - BACKLOG) // 2))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for request headers and a cap on connections."""

    _header_deadline: asyncio.TimerHandle | None = None

    # uvicorn declares BaseTransport but always passes the Transport its own code relies on.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > max_connections():
            transport.write(_BUSY)
            transport.close()
            return
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        if self._header_deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._await_headers()  # a kept-alive connection starts its next request
        super().data_received(data)

    def handle_events(self) -> None:
        waiting_for = self.cycle
        super().handle_events()
        if self.cycle is not waiting_for:  # uvicorn starts a cycle once a request's headers are complete
            self._headers_arrived()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._headers_too_slow)

    def _headers_arrived(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_settings() -> dict:
    """Keyword arguments for uvicorn.run beyond host, port and the app."""
    return {
        "http": GuardedH11Protocol,
        "timeout_keep_alive": KEEP_ALIVE_S,
        # uvicorn answers 503 itself once connections or running requests reach this; connections
        # beyond max_connections() never get that far (see GuardedH11Protocol.connection_made).
        "limit_concurrency": max_connections() + 1,
        "backlog": BACKLOG,
        "h11_max_incomplete_event_size": 16 * 1024,  # request line and headers; beyond: 400
    }
