"""A fair, bounded queue in front of the SQL that visitors write themselves (`?sql=`).

Datasette runs every query in one small thread pool, first come first served. Twenty parallel
queries that each run into the 1 s limit held it for 8 s, and an ordinary table page waited
6.7 s behind them (issue 15). The gate lets at most `slots` such requests run at once (the pool
has more threads, so table pages, rows and canned queries always find one free), at most
`slots_per_client` of them from one client, and hands free slots to waiting clients in turn, so a
client who sends twenty queries waits behind its own, not in front of everybody else's. Each
client may also start only `burst` queries at once and `per_minute` after that (a token
bucket). What does not fit is refused at once with 429 or, after waiting `max_wait_s` in the
queue, 503 – both with a German message and Retry-After – instead of piling up.

Clients are told apart by address. Behind a reverse proxy that is the proxy's own address unless
uvicorn trusts its X-Forwarded-For (`FORWARDED_ALLOW_IPS`, see docs/production.md).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from publish.server.token_bucket import TokenBuckets


class GateRefused(Exception):
    """The request may not run now; `status` and `retry_after` say how to answer."""

    def __init__(self, message: str, status: int, retry_after: int):
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


RATE_LIMITED = (
    "Zu viele eigene SQL-Abfragen in kurzer Zeit. Bitte etwas warten und es dann erneut versuchen; "
    "die Tabellen und Downloads sind davon nicht betroffen."
)
QUEUE_FULL = (
    "Gerade laufen zu viele SQL-Abfragen. Bitte in einigen Sekunden erneut versuchen; "
    "die Tabellen und Downloads sind davon nicht betroffen."
)


#: Half the cores: SQL that runs into the time limit keeps a core busy for its whole second, and
#: the other half stays for the site and Datasette's own pages (measured in benchmarks/serve_attacks.py).
DEFAULT_SLOTS = max(1, (os.cpu_count() or 2) // 2)
#: How many worker processes `kommune serve` runs (set by publish/server/app.py for its workers):
#: every worker has its own gate, so the half of the cores is shared out among them.
WORKERS_ENV = "KOMMUNE_SERVE_WORKERS"


def slots_per_worker(workers: int) -> int:
    """Each worker's share of DEFAULT_SLOTS; at least one, so with more workers than half the
    cores visitors' SQL may occupy one core per worker (docs/decisions/serve-workers.md)."""
    return max(1, DEFAULT_SLOTS // max(1, workers))


@dataclass
class QueryGate:
    slots: int = DEFAULT_SLOTS
    slots_per_client: int = 1
    max_waiting: int = 16
    max_waiting_per_client: int = 2
    max_wait_s: float = 10.0
    burst: int = 10
    per_minute: int = 30
    _running: int = 0
    _active: dict[str, int] = field(default_factory=dict)
    _waiting: OrderedDict = field(default_factory=OrderedDict)  # client -> deque of futures, in turn order
    _buckets: TokenBuckets | None = None

    @staticmethod
    def applies_to(scope: dict) -> bool:
        """Requests carrying their own SQL (`sql=` in the query string), whatever the format."""
        return any(
            name == "sql"
            for name, _ in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )

    async def serve(self, app, scope, receive, send) -> None:
        """Run `app` for the request once a slot is free, or answer the refusal."""
        client = (scope.get("client") or ("unbekannt", 0))[0]
        try:
            await self._admit(client)
        except GateRefused as refusal:
            await _send_refusal(scope, send, refusal)
            return
        try:
            await app(scope, receive, send)
        finally:
            self._release(client)

    async def _admit(self, client: str) -> None:
        self._take_token(client)
        if self._running < self.slots and self._active.get(client, 0) < self.slots_per_client and not self._waiting:
            self._start(client)
            return
        queue = self._waiting.get(client)
        if sum(len(q) for q in self._waiting.values()) >= self.max_waiting or (
            queue is not None and len(queue) >= self.max_waiting_per_client
        ):
            raise GateRefused(QUEUE_FULL, 503, 5)
        turn = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(turn)
        self._hand_out()
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.max_wait_s)
        except (TimeoutError, asyncio.CancelledError) as stopped:
            if turn.done() and not turn.cancelled():
                self._release(client)  # the slot arrived just as the wait ended: give it back
            else:
                turn.cancel()
                self._forget(client, turn)
            if isinstance(stopped, asyncio.CancelledError):
                raise
            raise GateRefused(QUEUE_FULL, 503, 5) from None

    def _take_token(self, client: str) -> None:
        if self._buckets is None:
            self._buckets = TokenBuckets(self.burst, self.per_minute)
        wait = self._buckets.take(client)
        if wait is not None:
            raise GateRefused(RATE_LIMITED, 429, wait)

    def _start(self, client: str) -> None:
        self._running += 1
        self._active[client] = self._active.get(client, 0) + 1

    def _release(self, client: str) -> None:
        self._running -= 1
        self._active[client] -= 1
        if not self._active[client]:
            del self._active[client]
        self._hand_out()

    def _forget(self, client: str, turn: asyncio.Future) -> None:
        queue = self._waiting.get(client)
        if queue is not None and turn in queue:
            queue.remove(turn)
            if not queue:
                del self._waiting[client]

    def _hand_out(self) -> None:
        """Give free slots to waiting clients in turn: the first client in line that may run one
        more gets it and goes to the back of the line."""
        while self._running < self.slots:
            for client in self._waiting:
                if self._active.get(client, 0) < self.slots_per_client:
                    break
            else:
                return
            queue = self._waiting[client]
            turn = queue.popleft()
            if queue:
                self._waiting.move_to_end(client)
            else:
                del self._waiting[client]
            self._start(client)
            turn.set_result(None)


async def _send_refusal(scope: dict, send, refusal: GateRefused) -> None:
    if scope.get("path", "").split("?")[0].endswith(".json"):
        body = json.dumps({"ok": False, "error": refusal.message, "status": refusal.status}, ensure_ascii=False)
        media_type = b"application/json; charset=utf-8"
    else:
        body, media_type = refusal.message, b"text/plain; charset=utf-8"
    encoded = body.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(encoded)).encode()),
                (b"retry-after", str(refusal.retry_after).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": encoded})


#: Environment variables that tune a client's allowance for own SQL (docs/production.md).
RATE_SETTINGS = {"KOMMUNE_SQL_BURST": "burst", "KOMMUNE_SQL_PER_MINUTE": "per_minute"}


def gate_from_environment(environ) -> QueryGate:
    """A QueryGate with the allowance set by KOMMUNE_SQL_BURST and KOMMUNE_SQL_PER_MINUTE
    (whole numbers of at least 1; defaults as above). A wrong value stops `serve` at start."""
    settings: dict[str, int] = {}
    for variable, name in RATE_SETTINGS.items():
        if variable in environ:
            try:
                settings[name] = int(environ[variable])
            except ValueError:
                settings[name] = 0
            if settings[name] < 1:
                raise ValueError(f"{variable}={environ[variable]!r} ist keine ganze Zahl ab 1")
    try:
        workers = int(environ.get(WORKERS_ENV) or 1)
    except ValueError:
        workers = 1
    return QueryGate(
        slots=slots_per_worker(workers),
        burst=settings.get("burst", QueryGate.burst),
        per_minute=settings.get("per_minute", QueryGate.per_minute),
    )
