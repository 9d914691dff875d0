"""Read a DCAT catalogue that anyone may hand to `kommune check`: a file or an http(s) address.

The input is hostile until parsed: the download is capped in size and time, the RDF format
comes from the suffix or content type and is otherwise sniffed, and every way it can fail
ends in CatalogueUnreadable with a German sentence, never in a parser's traceback.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from rdflib import Graph

MAX_BYTES = 50 * 1024 * 1024  # the largest German portal's full catalogue is far below this
TIMEOUT_SECONDS = 30.0

FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}
FORMAT_BY_CONTENT_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"


class CatalogueUnreadable(Exception):
    """The catalogue could not be read or parsed; the message says why, in German."""


def _too_large(source: object, max_bytes: int) -> CatalogueUnreadable:
    return CatalogueUnreadable(f"{source} ist größer als {max_bytes // (1024 * 1024)} MB und wird nicht geprüft")


def sniff_format(data: bytes) -> str:
    """RDF/XML starts with '<', JSON-LD with '{' or '['; everything else is tried as Turtle."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "xml"
    if head in (b"{", b"["):
        return "json-ld"
    return "turtle"


def _remote_contexts(node: object) -> list[str]:
    """Addresses a JSON-LD document would make the parser fetch (@context or @import by URL)."""
    if isinstance(node, list):
        return [url for item in node for url in _remote_contexts(item)]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        if key in ("@context", "@import"):
            found += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        found += _remote_contexts(value)
    return found


def _refuse_remote_contexts(data: bytes, source: str) -> None:
    """rdflib would fetch a remote @context itself, without size cap or timeout, from any
    address the file names: a hostile file could make the check call anywhere. Refused."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CatalogueUnreadable(f"{source} ist kein lesbares JSON-LD: {error}") from None
    remote = _remote_contexts(document)
    if remote:
        raise CatalogueUnreadable(
            f"{source} verweist auf einen externen JSON-LD-Kontext ({remote[0]}); solche Verweise werden "
            "aus Sicherheitsgründen nicht geladen. Bitte den Kontext in die Datei einbetten oder "
            "Turtle bzw. RDF/XML prüfen."
        )


def _download(url: str, max_bytes: int, timeout: float) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"Accept": ACCEPT, "User-Agent": "offene-kommune-check"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked by caller)
            data = response.read(max_bytes + 1)
            content_type = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise CatalogueUnreadable(f"{url} antwortet mit HTTP {error.code}: der Katalog ist nicht abrufbar") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise CatalogueUnreadable(f"{url} ist nicht erreichbar ({reason})") from None
    if len(data) > max_bytes:
        raise _too_large(url, max_bytes)
    return data, FORMAT_BY_CONTENT_TYPE.get(content_type)


def read_source(source: str | Path, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS) -> Graph:
    """The catalogue at `source` (a path or an http(s) address) as an RDF graph."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        data, fmt = _download(text, max_bytes, timeout)
        fmt = FORMAT_BY_SUFFIX.get(Path(text.split("?", 1)[0]).suffix.lower()) if fmt is None else fmt
    elif "://" in text:
        raise CatalogueUnreadable(f"{text}: nur Dateien und http(s)-Adressen können geprüft werden")
    else:
        path = Path(text)
        try:
            if path.stat().st_size > max_bytes:
                raise _too_large(path, max_bytes)
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            raise CatalogueUnreadable(f"{path} gibt es nicht") from None
        except IsADirectoryError:
            raise CatalogueUnreadable(f"{path} ist ein Ordner, keine Katalogdatei") from None
        except OSError as error:
            raise CatalogueUnreadable(f"{path} ist nicht lesbar ({error.strerror})") from None
        fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if not data.strip():
        raise CatalogueUnreadable(f"{text} ist leer")
    fmt = fmt or sniff_format(data)
    if fmt == "json-ld":
        _refuse_remote_contexts(data, text)
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt, publicID=text if "://" in text else None)
    except Exception as error:  # noqa: BLE001 - rdflib's parsers raise anything from SAX to JSON errors
        names = {"turtle": "Turtle", "xml": "RDF/XML", "json-ld": "JSON-LD", "nt": "N-Triples"}
        detail = " ".join(str(error).split())[:300]
        raise CatalogueUnreadable(f"{text} ist kein lesbares {names.get(fmt, fmt)}: {detail}") from None
    if len(graph) == 0:
        raise CatalogueUnreadable(f"{text} enthält keine RDF-Aussagen")
    return graph
