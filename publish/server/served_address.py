"""Absolute links that follow the address `kommune serve` was started with.

Feeds, calendars and the DCAT catalogue must carry absolute URLs, and the build writes them
from `metadata/site.yaml`'s `base_url`. A town's production address is right wherever the
portal runs; the development default (a loopback address such as http://127.0.0.1:8000/) is
only right on that one port, so `make run PORT=8101` handed out links to port 8000. When the
configured address is a loopback one, the server swaps it for the address it listens on in the
files it sends. The address comes from the command line, never from a request's Host header:
a visitor chooses that header, and links in a feed must not be theirs to choose.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Any address: the server does not know which name visitors use, so link to the machine itself.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
# What the site serves with absolute links in it (feeds, calendars, catalogue and its page).
REWRITTEN_MEDIA_TYPES = (
    b"text/html",
    b"application/atom+xml",
    b"text/calendar",
    b"text/turtle",
    b"application/rdf+xml",
    b"application/ld+json",
)


def is_development_address(base_url: str) -> bool:
    """True for a configured `base_url` on a loopback host: not where a town publishes."""
    return (urlsplit(base_url).hostname or "") in LOOPBACK_HOSTS


def served_base_url(host: str, port: int) -> str:
    """`http://<host>:<port>` for the address the server listens on (IPv6 in brackets)."""
    host = "127.0.0.1" if host in WILDCARD_HOSTS else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def replacement(configured_base_url: str, served: str | None) -> tuple[bytes, bytes] | None:
    """(old, new) prefixes to swap in served files, or None when links stay as built: a
    production address, no known served address, or the same address anyway."""
    old = configured_base_url.rstrip("/")
    if served is None or not is_development_address(old) or served.rstrip("/") == old:
        return None
    return old.encode(), served.rstrip("/").encode()


def rewriting_send(scope: dict, send, swap: tuple[bytes, bytes] | None):
    """Wrap an ASGI `send` so GET bodies of the media types above have `old` replaced by `new`.

    The body is collected first (these files are small pages and feeds, never the data
    downloads), so a prefix split between two chunks is still found; Content-Length follows.
    HEAD answers pass unchanged (their length is the built file's)."""
    if swap is None or scope.get("method") != "GET":
        return send
    old, new = swap
    held: dict = {}
    chunks: list[bytes] = []

    async def wrapped(message):
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if content_type.split(b";")[0].strip() in REWRITTEN_MEDIA_TYPES and message.get("status") == 200:
                held["start"] = message
                return
        elif message["type"] == "http.response.body" and "start" in held:
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks).replace(old, new)
            start = held.pop("start")
            headers = [(k, str(len(body)).encode() if k == b"content-length" else v) for k, v in start["headers"]]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped
