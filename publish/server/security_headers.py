"""Security headers on every response of `kommune serve`: the site, Datasette, errors and refusals.

The portal loads nothing from other hosts and its templates carry no inline script or style
(JavaScript lives in site_templates/static/, CSS in the stylesheets), so the policy allows only the
portal's own origin. `data:` images stay allowed: Leaflet's and Datasette's stylesheets use small
inline SVG icons. A map tile server configured in metadata/site.yaml (`map.tile_url`) is the one
foreign origin a page may load images from.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def content_security_policy(tile_url: str | None = None) -> str:
    """The policy for a portal whose map tiles come from `tile_url` (None: no tile server)."""
    images = ["'self'", "data:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{", "").replace("}", ""))
        if parts.scheme in ("http", "https") and parts.netloc:
            images.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(policy: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", policy.encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),  # for browsers that predate frame-ancestors
        # Links inside the portal keep their referrer; other sites learn nothing about what was read here.
        (b"referrer-policy", b"same-origin"),
    ]


def with_security_headers(send, policy: str):
    """An ASGI `send` that puts the headers on the response start, replacing any the app set
    (Datasette sets its own Referrer-Policy on some pages)."""
    added = security_headers(policy)
    names = {name for name, _ in added}

    async def send_with_headers(message: dict) -> None:
        if message["type"] == "http.response.start":
            kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
            message = {**message, "headers": kept + added}
        await send(message)

    return send_with_headers
