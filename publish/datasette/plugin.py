"""A Datasette plugin that gives Datasette's pages what the portal's own pages know.

The German templates in `site_templates/datasette/` show the portal's header, navigation and
footer and call tables by their German titles; for that they need the portal metadata of the
release Datasette serves. Datasette learns nothing about the portal from its arguments except
the database file, and that lies in the release folder next to `portal.json`, so the plugin
finds the metadata there. A Datasette instance that does not serve a build gets nothing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from datasette import Response, hookimpl
from datasette.plugins import pm

from contracts.german import file_size, german_measurement
from publish.build_folder import BuildFolder, BuildMissing
from publish.datasette.german import german_error

PLUGIN_NAME = "offene-kommune-portal"


def register() -> None:
    """Register the plugin with Datasette (once per process; Datasette's plugin manager is global)."""
    import publish.datasette.plugin as plugin
    from publish.datasette import facets as datasette_facets

    if not pm.is_registered(plugin) and pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)
    datasette_facets.register()  # whole-table facets from the counts stored in the build


@lru_cache(maxsize=8)
def _portal_vars(release_root: Path) -> dict:
    """The template variables of one release, read once (a release folder never changes)."""
    build = BuildFolder.open(release_root)
    # The titles Datasette's own metadata gives each table: every publisher's tables, not only datasets'.
    metadata_file = build.root / "datasette" / "metadata.json"
    metadata = json.loads(metadata_file.read_text(encoding="utf-8")) if metadata_file.exists() else {}
    table_titles = {
        table: options["title"]
        for database in metadata.get("databases", {}).values()
        for table, options in database.get("tables", {}).items()
        if options.get("title")
    }
    return {
        "portal": build.portal,
        "site": build.portal["site"],
        "publisher": build.portal["publisher"],
        "datasette_path": build.datasette_path,
        "table_titles": table_titles,
        "file_size": file_size,  # "108,3 MB" like every size on the site, not Datasette's "108.3 MB"
    }


@hookimpl
def extra_template_vars(datasette, request):
    """Portal metadata for Datasette's templates, or nothing when Datasette serves no build."""
    for database_file in datasette.files:
        try:
            variables = _portal_vars(Path(database_file).resolve().parent)
        except BuildMissing:
            continue
        # The path as the visitor sees it (with /daten/), so the navigation marks "Daten", not "Start".
        return {**variables, "current_url": datasette.urls.path(request.path) if request else ""}
    return {}


def _serves_build(datasette) -> bool:
    for database_file in datasette.files:
        try:
            _portal_vars(Path(database_file).resolve().parent)
            return True
        except BuildMissing:
            continue
    return False


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """`german_error(message, title)` for the query page (publish/datasette/german.py)."""
    env.globals["german_error"] = lambda message, title=None: german_error(
        message, title=title, time_limit_ms=datasette.setting("sql_time_limit_ms")
    )


@hookimpl
def render_cell(value, datasette):
    """Numbers in HTML tables the German way without float noise (`105.291.613,66`); JSON and
    CSV keep the stored value. Primary keys and foreign-key links never come through here."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _serves_build(datasette):
        return german_measurement(value)
    return None


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    """Render errors of HTML pages with the portal's frame (Datasette's default handler renders
    error.html without plugin variables). JSON requests and instances without a build keep
    Datasette's own handling (returning None hands over to it)."""
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    # Datasette's own words, for the page that shows them beside the German sentence.
    original = exception.message if isinstance(exception, DatasetteError) else None
    if isinstance(exception, DatasetteError):
        _bad_sort_as_400(exception)
    if request is None or request.path.endswith(".json") or not extra_template_vars(datasette, request):
        return None
    if isinstance(exception, (Base400, DatasetteError)):
        status, message = exception.status, (original if isinstance(exception, DatasetteError) else exception.args[0])
    else:
        return None  # a real bug: Datasette's handler logs the traceback and answers 500

    title = getattr(exception, "title", None)
    german = german_error(message, title=title, time_limit_ms=datasette.setting("sql_time_limit_ms"))
    # A rejected or interrupted query keeps its SQL in a form to correct it (Datasette shows none).
    sql = request.args.get("sql") if status == 400 else None

    async def render():
        html = await datasette.render_template(
            ["error.html"],
            {
                "ok": False,
                "error": german.original,
                "german": german,
                "status": status,
                "title": None,
                "sql": sql,
                "form_action": datasette.urls.path(request.path),
            },
            request=request,
        )
        return Response.html(html, status=status)

    return render


def _bad_sort_as_400(exception) -> None:
    """Datasette answers `?_sort=` with an unknown column (or both sort directions) with 500, as
    if the server had failed; the visitor's parameter is wrong, so answer 400 with the German
    sentence of publish/datasette/german.py (HTML and JSON alike, as Datasette's own handler then
    takes status and message from the exception)."""
    if exception.status != 500:
        return
    if (
        re.fullmatch(r"Cannot sort table by (.+)", exception.message, flags=re.DOTALL)
        or exception.message == "Cannot use _sort and _sort_desc at the same time"
    ):
        exception.status = 400
        exception.message = german_error(exception.message).sentence
