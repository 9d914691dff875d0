"""Publishers: turn a build folder into portal.db, Datasette metadata and the site."""
from __future__ import annotations

from pathlib import Path

from publish.build_folder import BuildFolder
from publish.database import build_database
from publish.datasette_inspect import write_inspect_data
from publish.datasette_metadata import write_datasette_metadata
from publish.dcat import write_catalogue
from publish.site import render_site


def publish_build(release_dir: Path) -> BuildFolder:
    """Write everything that is derived from the datasets' build folders, in order:
    the database first, because metadata and site read it; the DCAT-AP.de catalogue
    before the site, which serves it and lists it on the catalogue page."""
    build = BuildFolder(Path(release_dir))
    build_database(build)
    write_datasette_metadata(build)
    write_inspect_data(build)
    write_catalogue(build)
    render_site(build)
    return build
