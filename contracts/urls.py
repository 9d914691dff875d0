"""Which links from data the portal renders: one allow-list of URL schemes.

A URL from a source (OParl, GeoJSON/WFS properties, a dataset declaration) ends up in `href`
attributes, CKAN resources and the DCAT catalogue. `javascript:`, `data:`, `vbscript:` and any
other scheme would run or show content on the portal's origin when clicked, so only `http`,
`https` and `mailto` pass. Browsers forgive a lot before they read the scheme (leading spaces
and control characters, tabs and line breaks anywhere: `java\\tscript:`), so any such
character refuses the URL rather than being cleaned away; a URL without a scheme of its own is
refused too (`&#106;avascript:` would be relative to the page, and sources give absolute URLs).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Control characters (C0, DEL, C1), line and paragraph separators and invisible characters:
# none belongs in a URL, and browsers strip or skip several of them before reading the scheme.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")


def safe_url(value: object) -> str | None:
    """`value` if it is a URL a page may link to, else None: scheme http or https with a
    host, or mailto with an address. Surrounding spaces are dropped, spaces inside (file names
    in real council systems) written as `%20`."""
    if not isinstance(value, str):
        return None
    url = value.strip(" ").replace(" ", "%20")
    if not url or _FORBIDDEN.search(url):
        return None
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in ALLOWED_SCHEMES:
        return None
    scheme = match.group(1).lower()
    if scheme == "mailto":
        return url if len(url) > len("mailto:") else None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return url if parts.netloc and url[len(scheme) + 1 :].startswith("//") else None
