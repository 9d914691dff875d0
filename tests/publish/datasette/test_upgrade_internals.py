"""Datasette internals the portal relies on that no behaviour test would notice changing
(docs/decisions/datasette-upgrade.md lists every internal with the test that guards it).

Each test here fails after a Datasette upgrade that changes the internal, with the step to take."""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path

import datasette
from datasette.app import Datasette
from datasette.plugins import pm

from publish.datasette import facets, plugin, sql_limits
from publish.server.app import DEBUG_PATHS
from publish.site.context import templates_dir

#: sha256 of each Datasette template the portal overrides by name, as shipped in the pinned
#: version: our copies are edited versions of these and must be merged again when they change.
DATASETTE_ORIGINALS = {
    "_crumbs.html": "882c9d69e13363b440d4b977d432ae7287548d53e71ca199327c1acece3c9c81",
    "_description_source_license.html": "13fcf73b733dadc598f79a11ce5ec04df6205d13deefeb76bd388008cc072e51",
    "_facet_results.html": "622d3c764aa14f17f07714af7bbdee5719adfbce9cce5358fd3df3e2df137f30",
    "_table.html": "f75a8872713f28fdce49b9a44a397f26ba1b5db5e82a74dda1f20ec14faaaa57",
    "base.html": "bb22df33caea147e1db3b238878f2716ab698c81be89a66d9dabd5649e899dc2",
    "database.html": "4fd5e97823bb5380b54c4f4f5285f07d1db74e366ef6225aa46dddfcf5b2c88a",
    "error.html": "c2115d1fdbff1a480b804fe880bafec9a754544f7b154e5322f680309ee3b497",
    "index.html": "ed57b14bb5656bcdb133170a1d3aa2e2c71255662b1b0ecce7a86dc8a9406294",
    "query.html": "bc3559df0e209da97d0bb46d0da5e36e02a9a561e4e473d1b79f62776786b435",
    "row.html": "ff5dde41541c39dd09f1dee1bbb3e4e58e8487775b17e1c9650bd558eb1b5a17",
    "table.html": "81cec4b0f7948bf0b4756b1a0ce706ce30d5694e506fd5639f3cd08a4a8f88a9",
}
#: Our own partials in the same folder (no Datasette original).
OWN_PARTIALS = {"_german.html", "_portal_footer.html", "_portal_header.html"}


def test_every_overridden_template_still_matches_the_datasette_original_it_was_made_from():
    originals = Path(datasette.__file__).parent / "templates"
    ours = {path.name for path in (templates_dir() / "datasette").glob("*.html")}
    assert ours == set(DATASETTE_ORIGINALS) | OWN_PARTIALS, (
        "a template was added to or removed from site_templates/datasette/: update this test and the upgrade note"
    )
    changed = [
        name
        for name, digest in DATASETTE_ORIGINALS.items()
        if not (originals / name).exists() or hashlib.sha256((originals / name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, (
        f"Datasette {datasette.__version__} changed {changed}: merge its changes into "
        "site_templates/datasette/, then record the new hashes here"
    )


def test_every_hook_the_plugins_implement_is_one_datasette_specifies():
    """pluggy accepts a hook implementation without a specification silently (it is then never
    called): a hook renamed or dropped by Datasette would just stop working."""
    plugin.register()
    sql_limits.register()
    for module in (plugin, facets, sql_limits):
        assert pm.is_registered(module)
    pm.check_pending()  # raises PluginValidationError for an implementation without a hook


def test_the_built_in_facet_plugin_is_replaced_by_ours():
    """facets.register() unregisters Datasette's facet plugin by its name (`datasette.facets`):
    if the name changed, Datasette's column facet would run beside ours."""
    plugin.register()
    assert pm.get_plugin(facets.BUILT_IN_FACETS) is None
    classes = [cls for found in pm.hook.register_facet_classes() for cls in found]
    assert facets.StoredCountsColumnFacet in classes
    assert not [cls for cls in classes if cls.type == "column" and cls is not facets.StoredCountsColumnFacet]


def test_the_rich_traceback_switch_publish_server_turns_off_still_exists():
    """publish/server/app.py sets `datasette.handle_exception.rich = None` (a traceback with all
    locals cost ~1 s per bad request); the module must still read that name."""
    from datasette import handle_exception

    import publish.server.app  # noqa: F401  (sets the switch)

    assert handle_exception.rich is None
    assert "if rich is not None" in inspect.getsource(handle_exception)


#: Datasette's own pages under `/-/` that the portal leaves open (reviewed with 0.65.5): assets,
#: and JSON about the public database and settings; the login pages have nothing to log in to.
OPEN_AS_REVIEWED = {"static", "metadata", "plugins", "settings", "config", "databases", "actor", "auth-token", "logout"}


def test_every_datasette_page_under_the_dash_is_either_closed_or_reviewed():
    """publish/server/app.py answers 404 for DEBUG_PATHS; a page an upgrade adds under `/-/` must be
    looked at before it goes public. Reads the route table through Datasette's private `_routes()`."""
    names = set()
    for route, _ in Datasette(memory=True)._routes():
        found = re.match(r"\^?/-/([a-z-]+)", getattr(route, "pattern", route))
        if found:
            names.add(found.group(1))
    closed = {path.removeprefix("/-/") for path in DEBUG_PATHS}
    assert closed <= names, f"DEBUG_PATHS names pages Datasette no longer has: {closed - names}"
    assert names - closed == OPEN_AS_REVIEWED, (
        f"Datasette's pages under /-/ changed: {sorted(names ^ (closed | OPEN_AS_REVIEWED))};"
        " close them in DEBUG_PATHS or review them"
    )
