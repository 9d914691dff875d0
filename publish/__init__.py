"""Publishers: turn a build folder into portal.db, Datasette metadata and the site."""

from __future__ import annotations

from pathlib import Path

from publish.build_folder import BuildFolder
from publish.database import build_database, update_database
from publish.datasette.metadata import write_datasette_metadata
from publish.reuse import CATALOGUE_OUTPUTS, DATABASE_OUTPUT, INSPECT_OUTPUT, plan_reuse, write_manifest
from publish.site import render_site


def publish_build(release_dir: Path, previous_dir: Path | None = None, *, cache_dir: Path | None = None) -> BuildFolder:
    """Write everything that is derived from the datasets' build folders, in order:
    the database first, because metadata and site read it; the DCAT-AP.de catalogue
    before the site, which serves it and lists it on the catalogue page.

    With `previous_dir` (the release before this one), portal.db and the catalogue are
    taken from there when their inputs are unchanged, and only changed tables are reloaded
    (publish.reuse); the result is the same as without it (the inspect data's hash
    names the file actually written). `cache_dir` (optional, kept
    between builds) holds compiled site templates. Raises
    publish.database.SchemaConflict and publish.catalogue.CatalogueError.
    """
    build = BuildFolder(Path(release_dir))
    plan = plan_reuse(build, Path(previous_dir) if previous_dir else None)
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
    if plan.catalogue_unchanged():
        for name in CATALOGUE_OUTPUTS:
            plan.reuse(build.root, name)
    else:
        # Imported here: rdflib is needed only when the catalogue is written again.
        from publish.dcat import write_catalogue

        write_catalogue(build)
    render_site(build, cache_dir / "templates" if cache_dir else None, Path(previous_dir) if previous_dir else None)
    write_manifest(build, plan)
    return build
