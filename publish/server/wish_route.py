"""`POST /datenwuensche/neu/`: the data-wish form, answered by `kommune serve`.

The form page itself is static (publish/site/wishes.py); this stores a submission in the
moderation queue (publish/server/wish_queue.py) and answers `303` to the thank-you page, or
shows the form again with German messages. Everything a visitor sends is hostile:

- **cross-site posts** are refused (`403`): a browser names the page a form came from in
  `Origin` (or `Referer`) and `Sec-Fetch-Site`; only the portal's own origin may post. There are
  no accounts and no cookies, so there is no session a token could be bound to;
- **size**: at most `contracts.wishes.BODY_MAX_BYTES` are read (`413` beyond, without reading
  on), each field has its own limit (`400`), invalid UTF-8 is refused;
- **flooding**: per client `KOMMUNE_WISH_BURST` (3) wishes at once, then
  `KOMMUNE_WISH_PER_HOUR` (6) an hour; all clients together `KOMMUNE_WISH_ALL_PER_HOUR` (60);
  at most `KOMMUNE_WISH_QUEUE_MAX` (500) waiting in the queue (`429`/`503` with Retry-After).
  The client address decides the bucket and is never stored;
- **markup** is stored as text and only ever rendered escaped (Jinja autoescape, here and in
  the register).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse

from contracts.wishes import BODY_MAX_BYTES, CONTACT_MAX, DESCRIPTION_MAX, TITLE_MAX
from publish.build_folder import BuildFolder
from publish.server import wish_queue
from publish.server.token_bucket import TokenBuckets
from publish.server.usage import TOWN_TIME
from publish.site.context import SiteContext
from publish.site.wishes import FORM_PAGE, TEMPLATE, THANKS_PAGE, form_limits

PATHS = ("/" + FORM_PAGE, "/" + FORM_PAGE + "/")
TITLE_MIN = 3
# Line breaks and tabs stay; every other control character (and the bidi overrides that turn
# text around on screen) goes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

QUEUE_FULL = "Gerade warten zu viele Wünsche auf Bearbeitung. Bitte versuchen Sie es später."
TOO_MANY = "Zu viele Wünsche in kurzer Zeit."
SETTINGS = {
    "KOMMUNE_WISH_BURST": "burst",
    "KOMMUNE_WISH_PER_HOUR": "per_hour",
    "KOMMUNE_WISH_ALL_PER_HOUR": "all_per_hour",
    "KOMMUNE_WISH_QUEUE_MAX": "queue_max",
}


class Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def handles(scope: dict) -> bool:
    return scope.get("path") in PATHS and scope.get("method") == "POST"


@dataclass
class WishDesk:
    """Takes wishes for the queue at `store`; one per server, outliving releases."""

    store: Path
    burst: int = 3
    per_hour: int = 6
    all_per_hour: int = 60
    queue_max: int = 500
    _clients: TokenBuckets = field(init=False)
    _everyone: TokenBuckets = field(init=False)

    @classmethod
    def from_environment(cls, store: Path, environ: Mapping[str, str]) -> WishDesk:
        values = {name: int(environ[variable]) for variable, name in SETTINGS.items() if environ.get(variable)}
        return cls(store, **values)

    def __post_init__(self) -> None:
        self._clients = TokenBuckets(self.burst, self.per_hour / 60)
        # All clients together: a flood from many addresses still cannot fill the queue in minutes.
        self._everyone = TokenBuckets(max(self.burst, self.all_per_hour // 6), self.all_per_hour / 60)

    async def answer(self, root: Path, origin: str, scope, receive, send) -> None:
        values: dict[str, str] = {}
        try:
            _refuse_cross_site(scope, origin)
            body = await _read_body(scope, receive)
            values = _fields(body)
            errors = _problems(values)
            if errors:
                await _form(root, 400, values, errors, None)(scope, receive, send)
                return
            self._admit(scope)
            if await run_in_threadpool(wish_queue.count, self.store) >= self.queue_max:
                raise Refused(
                    503, "Gerade warten zu viele Wünsche auf Bearbeitung. Bitte versuchen Sie es später.", 3600
                )
            await run_in_threadpool(
                wish_queue.add,
                self.store,
                values["titel"],
                values.get("beschreibung") or None,
                values.get("kontakt") or None,
                dt.datetime.now(TOWN_TIME).date(),
            )
        except Refused as refusal:
            response = _form(root, refusal.status, values, {}, refusal.message)
            if refusal.retry_after:
                response.headers["retry-after"] = str(refusal.retry_after)
            await response(scope, receive, send)
            return
        await RedirectResponse(THANKS_PAGE, status_code=303)(scope, receive, send)

    def _admit(self, scope) -> None:
        client = (scope.get("client") or ("unbekannt", 0))[0]
        wait = self._clients.take(client)
        if wait is None:
            wait = self._everyone.take("alle")
        if wait is not None:
            minutes = max(1, round(wait / 60))
            raise Refused(
                429, f"Zu viele Wünsche in kurzer Zeit. Bitte versuchen Sie es in {minutes} Minuten erneut.", wait
            )


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _refuse_cross_site(scope, origin: str) -> None:
    fetch_site = _header(scope, b"sec-fetch-site")
    sent_origin = _header(scope, b"origin")
    referer = _header(scope, b"referer")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise Refused(403, "Das Formular kann nur von dieser Website aus abgeschickt werden.")
    if sent_origin is not None and sent_origin != "null":
        if sent_origin != origin:
            raise Refused(403, "Das Formular kann nur von dieser Website aus abgeschickt werden.")
    elif referer is not None and not referer.startswith(origin + "/") or sent_origin == "null":
        raise Refused(403, "Das Formular kann nur von dieser Website aus abgeschickt werden.")


async def _read_body(scope, receive) -> bytes:
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Refused(415, "Bitte schicken Sie das Formular dieser Seite ab.")
    declared = _header(scope, b"content-length")
    too_big = Refused(413, "Der Wunsch ist zu lang. Bitte kürzen Sie die Beschreibung.")
    if declared is not None and (not declared.isdigit() or int(declared) > BODY_MAX_BYTES):
        raise too_big
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refused(400, "Die Verbindung wurde unterbrochen.")
        body += message.get("body", b"")
        if len(body) > BODY_MAX_BYTES:
            raise too_big
        if not message.get("more_body"):
            return bytes(body)


def _fields(body: bytes) -> dict[str, str]:
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, max_num_fields=10, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "Das Formular kam unlesbar an. Bitte laden Sie die Seite neu.") from None
    values = {}
    for name in ("titel", "beschreibung", "kontakt"):
        value = (parsed.get(name) or [""])[0]
        values[name] = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return values


def _problems(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if len(values["titel"]) < TITLE_MIN:
        errors["titel"] = "Bitte nennen Sie in ein paar Worten, welche Daten Sie sich wünschen."
    elif len(values["titel"]) > TITLE_MAX:
        errors["titel"] = f"Bitte höchstens {TITLE_MAX} Zeichen (jetzt {len(values['titel'])})."
    if len(values["beschreibung"]) > DESCRIPTION_MAX:
        errors["beschreibung"] = f"Bitte höchstens {DESCRIPTION_MAX} Zeichen (jetzt {len(values['beschreibung'])})."
    if len(values["kontakt"]) > CONTACT_MAX:
        errors["kontakt"] = f"Bitte höchstens {CONTACT_MAX} Zeichen (jetzt {len(values['kontakt'])})."
    return errors


@lru_cache(maxsize=4)
def _release_site(root: Path) -> SiteContext:
    build = BuildFolder.open(root)
    return SiteContext(build=build, out_dir=build.site_dir)


def _form(root: Path, status: int, values: dict, errors: dict, message: str | None) -> HTMLResponse:
    html = (
        _release_site(root)
        .env.get_template(TEMPLATE)
        .render(current_url="/" + FORM_PAGE + "/", values=values, errors=errors, message=message, **form_limits())
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
