"""One server for the citizen's site (at /) and Datasette (under /daten/).

The build folder is a symlink that a rebuild swaps; the app notices the swap on the next
request and switches to the new release as a whole (site, database and metadata together),
while requests already running finish on the old one.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from datasette.app import Datasette
from datasette.database import WriteTask

# After datasette.app: importing this module first breaks Datasette's own plugin registration.
from datasette import handle_exception as datasette_errors  # noqa: E402  isort:skip
from starlette.responses import FileResponse, PlainTextResponse
from starlette.staticfiles import StaticFiles

from contracts.build_folder import SITE_DIR
from contracts.serve_state import build_state_dir, usage_store, wish_store
from publish.build_folder import BuildFolder
from publish.csv_safety import neutralising_send
from publish.datasette import plugin as datasette_portal
from publish.datasette import sql_limits
from publish.datasette.inspect_data import read_inspect_data
from publish.datasette.response_cache import ResponseCache
from publish.dcat.write import register_media_types
from publish.server import access_log, feed_route, search_route, served_address, street_route, usage, wish_route
from publish.server.cors import cors_send
from publish.server.http_protocol import raise_file_limit, uvicorn_settings
from publish.server.query_gate import DEFAULT_SLOTS, WORKERS_ENV, QueryGate, gate_from_environment
from publish.server.security_headers import content_security_policy, with_security_headers
from publish.site.context import templates_dir

DATASETTE_SETTINGS = {
    # Facet suggestion costs ~0.9 s per table page on big tables (shared/notes); facets are declared instead.
    "suggest_facets": False,
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "allow_download": True,
    "default_allow_sql": True,
    "truncate_cells_html": 200,
    # Two more than QueryGate's slots for visitors' own SQL: table pages always find a free thread.
    "num_sql_threads": DEFAULT_SLOTS + 2,
}

#: Datasette's debugging pages (below the prefix): they show the server's threads, versions and
#: internals to anyone and are no use to citizens.
DEBUG_PATHS = {"/-/threads", "/-/versions", "/-/patterns", "/-/allow-debug", "/-/messages", "/-/permissions"}


# Datasette 0.65 prints every error (a 400 for `?sql=delete ...` too) as a rich traceback with all
# local variables when `rich` is installed (it is: frictionless → typer → rich). That costs ~1 s of
# CPU per bad request, writes request internals to the log, and blocks the whole server once
# nobody drains its stdout: three rejected queries froze a served portal in our tests.
datasette_errors.rich = None


@dataclass
class _Release:
    root: Path
    site: StaticFiles
    datasette: object
    prefix: str  # Datasette's path (/daten/), read once: parsing portal.json cost 0.24 ms per request
    origin: tuple[str, bytes]  # scheme and host every absolute link is built from
    policy: str  # Content-Security-Policy
    instance: Datasette | None = None
    # One cache per release: a swap starts empty, so an old answer is never served for a new release.
    cache: ResponseCache = field(default_factory=ResponseCache)
    active: int = 0  # requests running on this release
    retired: bool = False  # a newer release is being served
    address_swap: tuple[bytes, bytes] | None = None  # see publish/server/served_address.py
    usage_catalogue: usage.Catalogue | None = None  # the datasets usage is counted by

    def close_when_idle(self) -> None:
        """Free the Datasette instance of a replaced release once its last request finished:
        its SQL threads and their connections to the (by then often deleted) portal.db. Without
        this every swap left 3 threads and the old database's disk space behind."""
        if self.retired and self.active == 0 and self.instance is not None and self.instance.executor is not None:
            self.instance.executor.shutdown(wait=False)
            for database in self.instance.databases.values():  # "_internal" is one of them in 0.65
                database.close()
                _stop_write_thread(database)
            self.instance = None


def _stop_write_thread(database) -> None:
    """Datasette 0.65 gives each database that was written to (its in-memory `_internal` catalogue)
    a thread that waits on a queue forever and has no stop call. It survives only `Exception`s from
    its tasks, so one task raising SystemExit ends it (pinned datasette==0.65.5; checked by
    tests/publish/server/test_app.py)."""
    if getattr(database, "_write_thread", None) is None:
        return

    def stop(connection):
        raise SystemExit

    database._write_queue.put(WriteTask(stop, None, None))
    database._write_thread = None


class PortalApp:
    """ASGI app serving the current release; see the module docstring for swaps."""

    def __init__(self, out: Path, address: str = "http://127.0.0.1:8000"):
        """`address` is where the server listens; absolute links use it when the portal
        configures no `base_url` or a development (loopback) one (publish/server/served_address.py)."""
        register_media_types()
        self.out = Path(out)
        self.address = address
        # Outlives releases: a swap must not hand every client a fresh allowance.
        self.query_gate = gate_from_environment(os.environ)
        # Outlives releases too: counts of a request on the old release land in the same store.
        self.usage = usage.UsageCounter(
            usage_store(build_state_dir(self.out.absolute())),
            float(os.environ.get(usage.FLUSH_SECONDS_ENV) or usage.DEFAULT_FLUSH_SECONDS),
        )
        self.wishes = wish_route.WishDesk.from_environment(wish_store(build_state_dir(self.out.absolute())), os.environ)
        self._lock = threading.Lock()
        self._release: _Release | None = None

    def _current(self) -> _Release:
        root = self.out.resolve()
        release = self._release
        if release is None or release.root != root:
            with self._lock:
                if self._release is None or self._release.root != root:
                    previous, self._release = self._release, self._load(root)
                    if previous is not None:
                        previous.retired = True
                        previous.close_when_idle()
                release = self._release
        return release

    def _load(self, root: Path) -> _Release:
        build = BuildFolder.open(root)
        metadata = json.loads((root / "datasette" / "metadata.json").read_text(encoding="utf-8"))
        datasette_portal.register()  # the German templates need the portal's header, footer and titles
        sql_limits.register()
        datasette = Datasette(
            immutables=[str(build.database)],
            inspect_data=read_inspect_data(build),  # row counts and hash without a full table scan
            metadata=metadata,
            settings={**DATASETTE_SETTINGS, "base_url": build.datasette_path},
            template_dir=str(templates_dir() / "datasette") if (templates_dir() / "datasette").is_dir() else None,
            static_mounts=[("static-portal", str(templates_dir() / "static"))],
        )
        for database in datasette.databases.values():
            sql_limits.german_errors(database)
        site = build.portal.get("site", {})
        configured_base = str(site.get("base_url") or "")
        # A development base_url (loopback) is right on one port only: links follow where this server listens.
        public_base = (
            self.address
            if not configured_base or served_address.is_development_address(configured_base)
            else configured_base
        )
        return _Release(
            root=root,
            site=StaticFiles(directory=build.site_dir, html=True),
            datasette=datasette.app(),
            prefix=build.datasette_path,
            instance=datasette,
            origin=_origin(public_base),
            policy=content_security_policy((site.get("map") or {}).get("tile_url")),
            address_swap=served_address.replacement(configured_base, self.address),
            usage_catalogue=usage.Catalogue.of(build.packages, build.datasette_path),
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            message = await receive()
            if message["type"] == "lifespan.startup":
                access_log.install()  # only shortened client addresses in the log (see /datenschutz/)
                self.usage.start()
                await send({"type": "lifespan.startup.complete"})
            message = await receive()
            self.usage.stop()  # the counts since the last flush, before the process ends
            await send({"type": "lifespan.shutdown.complete"})
            return
        send = cors_send(send)
        try:
            release = self._current()
        except Exception as error:  # no build yet, or a broken one: say so instead of a stack trace
            send = with_security_headers(send, content_security_policy())
            await PlainTextResponse(f"Portal nicht verfügbar: {error}", status_code=503)(scope, receive, send)
            return
        scope = _with_origin(scope, release.origin)
        send = with_security_headers(send, release.policy)
        status = [0]
        send = _recording_status(send, status)
        path = scope.get("path", "/")
        prefix = release.prefix
        release.active += 1  # one event loop: no lock needed between requests
        try:
            if path.startswith(prefix) or path == prefix.rstrip("/"):
                if path[len(prefix) - 1 :].removesuffix(".json").rstrip("/") in DEBUG_PATHS:
                    await _site_404(release, scope, receive, send)
                    return

                async def datasette(scope, receive, send):
                    await release.datasette(
                        _without_prefix(scope, prefix),
                        receive,
                        neutralising_send(path, _prefixed_redirects(send, prefix)),
                    )

                async def cached(scope, receive, send):
                    await release.cache.serve(datasette, scope, receive, send)

                if QueryGate.applies_to(scope):
                    await self.query_gate.serve(cached, scope, receive, send)
                    return
                await cached(scope, receive, send)
                return
            if wish_route.handles(scope):
                scheme, host = release.origin
                await self.wishes.answer(release.root, f"{scheme}://{host.decode('ascii')}", scope, receive, send)
                return
            if search_route.handles(scope):
                # document links of the demo carry the portal's own address: served like every page
                await search_route.answer(
                    release.root, scope, receive, served_address.rewriting_send(scope, send, release.address_swap)
                )
                return
            if street_route.handles(scope):
                await street_route.answer(release.root, scope, receive, send)
            if feed_route.handles(scope):
                await feed_route.answer(
                    release.root, scope, receive, served_address.rewriting_send(scope, send, release.address_swap)
                )
                return
            await _site_with_404(
                release, scope, receive, served_address.rewriting_send(scope, send, release.address_swap)
            )
        finally:
            release.active -= 1
            release.close_when_idle()
            if release.usage_catalogue is not None:
                self.usage.count(scope, status[0], release.usage_catalogue)


def _recording_status(send, status: list[int]):
    async def send_recording(message: dict) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        await send(message)

    return send_recording


def _origin(url: str) -> tuple[str, bytes]:
    parts = urlsplit(url)
    return parts.scheme or "http", parts.netloc.encode("idna")


def _with_origin(scope: dict, origin: tuple[str, bytes]) -> dict:
    """The request as if it had come for the portal's own address: Datasette builds absolute links
    (facets, pagination, `next_url`, the `Link` header) from the Host header and the scheme, and
    Starlette its redirects. A client's Host header must never end up in a page others receive."""
    scheme, host = origin
    headers = [(name, value) for name, value in scope.get("headers", []) if name.lower() != b"host"]
    return {**scope, "scheme": scheme, "headers": [(b"host", host), *headers]}


def _prefixed_redirects(send, prefix: str):
    """Datasette's own redirects (a trailing slash dropped: /daten/portal/ → /portal) lack the
    prefix it never saw; put it back so they do not lead out of Datasette into a 404."""
    base = prefix.rstrip("/").encode()

    async def send_with_prefix(message: dict) -> None:
        if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
            headers = [
                (
                    name,
                    base + value
                    if name.lower() == b"location" and value.startswith(b"/") and not value.startswith(base + b"/")
                    else value,
                )
                for name, value in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return send_with_prefix


def _without_prefix(scope: dict, prefix: str) -> dict:
    """The request as a prefix-stripping proxy would pass it on: Datasette adds `base_url` to the
    links it builds, also to those built from the request path (sort, export, show/hide SQL), so
    a path that still carries the prefix yields /daten/daten/… links (datasette issues #1590, #2105)."""
    cut = len(prefix.rstrip("/"))
    stripped = {**scope, "path": scope["path"][cut:] or "/"}
    if scope.get("raw_path"):
        stripped["raw_path"] = scope["raw_path"][cut:] or b"/"
    return stripped


async def _site_with_404(release: _Release, scope, receive, send) -> None:
    from starlette.exceptions import HTTPException

    try:
        response = await release.site.get_response(release.site.get_path(scope), scope)
    except HTTPException as error:
        if error.status_code != 404:
            raise
        await _site_404(release, scope, receive, send)
        return
    await response(scope, receive, send)


async def _site_404(release: _Release, scope, receive, send) -> None:
    await FileResponse(release.root / SITE_DIR / "404.html", status_code=404, media_type="text/html")(
        scope, receive, send
    )


#: How `serve` tells the worker processes it spawns which build to serve and at which address:
#: uvicorn starts each worker from an import string, so `create_app` takes no arguments.
OUT_ENV = "KOMMUNE_SERVE_OUT"
ADDRESS_ENV = "KOMMUNE_SERVE_ADDRESS"
WORKER_HEALTHCHECK_S = 60


def create_app() -> PortalApp:
    """The app of one worker process (uvicorn's `factory`): every worker has its own releases,
    response cache, query gate and usage counts; the usage store and wish queue are SQLite files
    in WAL mode all workers add to (docs/decisions/serve-workers.md)."""
    return PortalApp(Path(os.environ[OUT_ENV]), os.environ[ADDRESS_ENV])


def default_workers() -> int:
    """One worker per core: the database is immutable per release, so readers need share nothing."""
    return os.cpu_count() or 1


def serve(
    out: Path, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info", workers: int | None = None
) -> None:
    """Serve the build at `out` until interrupted, in `workers` processes (default: one per core).
    Raises BuildMissing if nothing was built yet."""
    import uvicorn

    BuildFolder.open(out)
    workers = workers or default_workers()
    # Inherited by every worker: Datasette signs its CSRF tokens and cookies with it, and a form
    # fetched from one worker may be posted to another.
    os.environ.setdefault("DATASETTE_SECRET", os.urandom(16).hex())
    raise_file_limit()  # inherited by the workers as well
    address = served_address.served_base_url(host, port)
    settings = {"host": host, "port": port, "log_level": log_level, "lifespan": "on", **uvicorn_settings()}
    if workers == 1:
        uvicorn.run(PortalApp(out, address), **settings)
        return
    os.environ[OUT_ENV] = str(Path(out).absolute())
    os.environ[ADDRESS_ENV] = address
    os.environ[WORKERS_ENV] = str(workers)
    uvicorn.run(
        f"{__name__}:create_app",
        factory=True,
        workers=workers,
        # uvicorn kills a worker that does not answer its supervisor's ping within this many
        # seconds, also while it starts: with the default 5 s, on a busy 2-core machine (load 10)
        # importing Datasette took 8–11 s and the workers were killed and restarted for good.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        **settings,
    )
