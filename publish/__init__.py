"""Publishers: turn a build folder into portal.db, Datasette metadata and the site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from publish.build_folder import BuildFolder
from publish.database import build_database, update_database
from publish.datasette.metadata import write_datasette_metadata
from publish.quality.links import LinkSettings
from publish.reuse import CATALOGUE_OUTPUTS, DATABASE_OUTPUT, INSPECT_OUTPUT, plan_reuse, write_manifest
from publish.site import render_site


def publish_build(
    release_dir: Path,
    previous_dir: Path | None = None,
    *,
    cache_dir: Path | None = None,
    shapes: Path | None = None,
    now: dt.datetime | None = None,
    link_settings: LinkSettings | None = None,
) -> BuildFolder:
    """Write everything that is derived from the datasets' build folders, in order:
    the DCAT-AP.de catalogue, then the quality scores (they check its entries); the database,
    which holds the scores and which metadata and site read; the site, which serves the
    catalogue and lists it on the catalogue page.

    With `previous_dir` (the release before this one), portal.db and the catalogue are
    taken from there when their inputs are unchanged, and only changed tables are reloaded
    (publish.reuse); the result is the same as without it (the inspect data's hash
    names the file actually written). `cache_dir` (optional, kept
    between builds) holds compiled site templates, link answers and the SHACL result; `shapes`
    is the DCAT-AP.de shapes folder the quality score checks against (None: not checked);
    `now` is the clock of freshness and quality (default: the real time); `link_settings` the
    limits of the link check (default: from the environment, KOMMUNE_LINK_*). Raises
    publish.database.SchemaConflict and publish.catalogue.CatalogueError.
    """
    now = now or dt.datetime.now(dt.UTC)
    build = BuildFolder(Path(release_dir))
    plan = plan_reuse(build, Path(previous_dir) if previous_dir else None)
    if plan.catalogue_unchanged():
        for name in CATALOGUE_OUTPUTS:
            plan.reuse(build.root, name)
    else:
        # Imported here: rdflib is needed only when the catalogue is written again.
        from publish.dcat import write_catalogue

        write_catalogue(build)
    from publish.quality import assess_build  # rdflib: not needed by `kommune serve`, which imports publish

    assess_build(
        build,
        now=now,
        shapes=shapes,
        cache_dir=cache_dir,
        known_hashes={name: record["sha256"] for name, record in plan.files.items()},
        link_settings=link_settings,
    )
    plan.quality = build.quality_file.read_text(encoding="utf-8")  # portal.db holds the scores
    database_reused = plan.database_unchanged()
    previous_database = plan.previous_database
    if database_reused:
        plan.reuse(build.root, DATABASE_OUTPUT)
    elif plan.unchanged_tables and previous_database is not None:  # tables are compared only with one
        update_database(build, previous_database, plan.unchanged_tables)
    else:
        build_database(build)
    write_datasette_metadata(build)
    if database_reused and plan.still_recorded(INSPECT_OUTPUT):
        plan.reuse(build.root, INSPECT_OUTPUT)  # it describes the same file
    else:
        # Imported here: Datasette (its hash function) is needed only for a new portal.db.
        from publish.datasette.inspect_data import write_inspect_data

        write_inspect_data(build)
    render_site(
        build, cache_dir / "templates" if cache_dir else None, Path(previous_dir) if previous_dir else None, now=now
    )
    write_manifest(build, plan)
    return build
