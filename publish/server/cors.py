"""`Access-Control-Allow-Origin: *` on what the portal publishes for machines.

Everything the portal serves is public and read-only, so a web page elsewhere (a newspaper's
chart, a civic-tech app) may read the JSON and CSV of Datasette and the published files from
the browser. HTML pages are left out: nobody needs to read them cross-origin, and Datasette's
forms carry a CSRF token. The header allows no credentials (`*` forbids them in browsers).
"""

from __future__ import annotations

ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")


def cors_send(send):
    """Wrap an ASGI `send`: every answer that is not an HTML page gets `ALLOW_ORIGIN` once."""

    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            content_type = {k.lower(): v for k, v in headers}.get(b"content-type", b"")
            if not content_type.startswith(b"text/html") and ALLOW_ORIGIN[0] not in names:
                message = {**message, "headers": headers + [ALLOW_ORIGIN]}
        await send(message)

    return wrapped
