"""Datasette responses cached per release, with ETags so browsers and proxies revalidate.

portal.db is immutable within a release, so a GET of the same URL (path and query string) gives
the same answer until the next swap. `PortalApp` keeps one `ResponseCache` per release, so a swap
starts from an empty cache and an answer of the old release is never served for the new one.

Only complete `200` answers to GET requests are stored, and only when they are small enough
(`max_entry_bytes`); bigger ones (a streamed CSV export) pass through as they come. The cache
holds at most `max_bytes` of bodies and forgets the least recently used first. A request that
says `Cache-Control: no-cache` (a browser's hard reload; the benchmark's uncached figures) is
answered fresh by Datasette, as HTTP asks, and is not stored: whatever one client sends must not
change what the others receive.
Every answer that went through the cache carries `ETag` and `Cache-Control: no-cache`: clients
may keep it but ask again each time, and get `304 Not Modified` while the release is unchanged.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

#: Clients keep a copy but ask each time; `If-None-Match` makes that a cheap 304.
CACHE_CONTROL = b"no-cache"
_DROPPED_HEADERS = {b"cache-control", b"etag", b"content-length"}


@dataclass(frozen=True)
class CachedResponse:
    """A complete answer: status, headers (without Cache-Control, ETag, Content-Length), body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes


class ResponseCache:
    """Bounded LRU of complete responses, keyed by the full URL (path and query string)."""

    def __init__(self, max_bytes: int = 64 * 2**20, max_entry_bytes: int = 2 * 2**20):
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes of body currently held."""
        return self._size

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: CachedResponse) -> None:
        """Store `entry`, evicting the least recently used until it fits; too big ones are not kept."""
        if len(entry.body) > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)

    async def serve(self, app, scope, receive, send) -> None:
        """Answer the ASGI request from the cache or through `app`, storing what may be kept."""
        if not _cacheable_request(scope):
            await app(scope, receive, send)
            return
        key = cache_key(scope)
        headers = _request_headers(scope)
        fresh = _asks_fresh(headers)
        entry = None if fresh else self.get(key)
        if entry is not None:
            await _send_entry(entry, headers, send)
            return
        await app(scope, receive, _Recorder(self, key, headers, send, store=not fresh))


def cache_key(scope: dict) -> str:
    """The full URL as the client asked for it: path plus query string, nothing normalised, so
    two different query strings never share an entry."""
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    return (path + b"?" + scope.get("query_string", b"")).decode("latin-1")


def _request_headers(scope: dict) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _cacheable_request(scope: dict) -> bool:
    # Credentials may make an answer personal (Datasette actors, signed cookies): never share those.
    headers = _request_headers(scope)
    return scope.get("method") == "GET" and b"authorization" not in headers and b"cookie" not in headers


def _asks_fresh(headers: dict[bytes, bytes]) -> bool:
    directives = headers.get(b"cache-control", b"").lower() + b"," + headers.get(b"pragma", b"").lower()
    return b"no-cache" in directives or b"no-store" in directives or b"max-age=0" in directives


def _etag_matches(headers: dict[bytes, bytes], etag: bytes) -> bool:
    wanted = headers.get(b"if-none-match", b"")
    return wanted.strip() == b"*" or etag in [tag.strip().removeprefix(b"W/") for tag in wanted.split(b",")]


async def _send_entry(entry: CachedResponse, request_headers: dict[bytes, bytes], send) -> None:
    common = [(b"etag", entry.etag), (b"cache-control", CACHE_CONTROL)]
    if _etag_matches(request_headers, entry.etag):
        await send({"type": "http.response.start", "status": 304, "headers": common})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [*entry.headers, *common, (b"content-length", str(len(entry.body)).encode())]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})


class _Recorder:
    """An ASGI `send` that holds a 200 answer back until it is complete (then stores and sends it
    with its ETag) or grows past the entry limit (then streams it on unchanged)."""

    def __init__(self, cache: ResponseCache, key: str, request_headers: dict[bytes, bytes], send, store: bool = True):
        self.cache, self.key, self.request_headers, self.send = cache, key, request_headers, send
        self.store = store
        self.start: dict | None = None
        self.chunks: list[bytes] = []
        self.held = 0
        self.passing_through = False

    async def __call__(self, message: dict) -> None:
        if self.passing_through:
            await self.send(message)
        elif message["type"] == "http.response.start":
            self.start = message
            if message["status"] != 200 or _has_header(message, b"set-cookie"):
                self.passing_through = True
                await self.send(message)
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            self.held += len(self.chunks[-1])
            if message.get("more_body", False):
                if self.held > self.cache.max_entry_bytes:
                    await self._pass_through(more_body=True)
                return
            await self._complete()
        else:
            await self.send(message)

    def _started(self) -> dict:
        """The held `http.response.start`; ASGI sends it before any body."""
        if self.start is None:
            raise RuntimeError("ASGI: Antworttext vor dem Antwortbeginn (http.response.start)")
        return self.start

    async def _pass_through(self, more_body: bool) -> None:
        self.passing_through = True
        await self.send(self._started())
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks), "more_body": more_body})
        self.chunks = []

    async def _complete(self) -> None:
        body = b"".join(self.chunks)
        start = self._started()
        entry = CachedResponse(
            status=start["status"],
            headers=tuple(
                (name, value) for name, value in start.get("headers", []) if name.lower() not in _DROPPED_HEADERS
            ),
            body=body,
            etag=b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"',
        )
        if len(body) > self.cache.max_entry_bytes:
            await self._pass_through(more_body=False)
            return
        if self.store:
            self.cache.put(self.key, entry)
        await _send_entry(entry, self.request_headers, self.send)


def _has_header(message: dict, name: bytes) -> bool:
    return any(key.lower() == name for key, _ in message.get("headers", []))
