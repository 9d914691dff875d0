"""What the server writes about a visit, defined once: the filter that shortens client
addresses in the access log, and the words /datenschutz/ uses to describe that log.

The privacy statement is rendered from these constants, so it cannot promise less or other
than the server does: change the log here and the statement changes with it.
"""

from __future__ import annotations

import ipaddress
import logging

ACCESS_LOGGER = "uvicorn.access"
# uvicorn's access log line: client address, request line, status code (uvicorn.logging.AccessFormatter).
LOGGED_FIELDS = (
    "die gekürzte IP-Adresse Ihres Geräts (bei IPv4 ohne das letzte Byte, bei IPv6 nur die ersten 48 Bit)",
    "die aufgerufene Adresse mit Anfrageart und Protokoll (z. B. „GET /datensaetze/ HTTP/1.1“)",
    "den Statuscode der Antwort (z. B. 200 für „gefunden“)",
    "den Zeitpunkt der Anfrage (vom Protokolldienst des Servers hinzugefügt)",
)
NOT_LOGGED = (
    "keine vollständige IP-Adresse",
    "keine Cookies oder Kennungen",
    "keinen Browser-Typ (User-Agent)",
    "keine Herkunftsseite (Referrer)",
)


def shorten_address(address: str) -> str:
    """`203.0.113.57` → `203.0.113.0`, `2001:db8:1:2::7` → `2001:db8:1::`; anything that is not
    an IP address (a Unix socket, a name) → `-`."""
    for candidate in (address, address.rsplit(":", 1)[0]):  # uvicorn appends ":port"
        try:
            ip = ipaddress.ip_address(candidate.strip("[]"))
            break
        except ValueError:
            continue
    else:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


class ShortenedClientAddress(logging.Filter):
    """Rewrites the client address of each access-log record before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = (shorten_address(str(record.args[0])),) + record.args[1:]
        return True


def install() -> None:
    """Shorten client addresses in the server's access log (idempotent). Call after uvicorn has
    configured logging: its dictConfig would otherwise replace the logger's setup."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, ShortenedClientAddress) for existing in logger.filters):
        logger.addFilter(ShortenedClientAddress())
