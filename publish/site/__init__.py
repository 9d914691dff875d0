"""The static site: each section renders its pages into build/site/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from contracts.build_folder import SITE_DIR
from publish.build_folder import BuildFolder
from publish.site import (
    catalogue,
    changes,
    comparison,
    core,
    council,
    council_places,
    dashboard,
    legal,
    planning,
    search,
    wishes,
)
from publish.site.context import SiteContext, templates_dir

# Sections render in order; later sections may link to pages of earlier ones.
SECTIONS = [
    core,
    changes,
    legal,
    council,
    planning,
    council_places,
    dashboard,
    comparison,
    catalogue,
    wishes,
    search,
]  # search indexes the pages before it


def render_site(
    build: BuildFolder,
    template_cache: Path | None = None,
    previous: Path | None = None,
    *,
    now: dt.datetime | None = None,
) -> SiteContext:
    """Render every section into `build/site/` and copy the self-hosted static assets.

    `template_cache` is a folder that keeps compiled templates between builds (optional);
    with `previous` (the release before), a page that comes out byte for byte as that
    release's is hard-linked from there instead of written again, and a council page whose
    inputs have the key that release recorded for it (`SiteContext.unchanged`) is linked
    without being rendered. `now` is the clock the pages are rendered for (default: the real
    time)."""
    out_dir = build.site_dir
    if out_dir.exists():
        shutil.rmtree(out_dir)
    static = templates_dir() / "static"
    site = SiteContext(
        build=build,
        out_dir=out_dir,
        template_cache=template_cache,
        previous_dir=previous / SITE_DIR if previous else None,
        now=now or dt.datetime.now(dt.UTC),
    )
    for asset in sorted(p for p in static.rglob("*") if p.is_file()):
        site.store(out_dir / "static" / asset.relative_to(static), asset.read_bytes())
    for section in SECTIONS:
        section.render(site)
    site.save_input_keys()
    return site
