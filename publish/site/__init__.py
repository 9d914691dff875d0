"""The static site: each section renders its pages into build/site/."""
from __future__ import annotations

import shutil
from pathlib import Path

from publish.build_folder import BuildFolder
from publish.site import catalogue, core, council, dashboard, legal, planning
from publish.site.context import SiteContext, templates_dir

# Sections render in order; later sections may link to pages of earlier ones.
SECTIONS = [core, legal, council, planning, dashboard, catalogue]


def render_site(build: BuildFolder, template_cache: Path | None = None) -> SiteContext:
    """Render every section into `build/site/` and copy the self-hosted static assets.

    `template_cache` is a folder that keeps compiled templates between builds (optional)."""
    out_dir = build.site_dir
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(templates_dir() / "static", out_dir / "static")
    site = SiteContext(build=build, out_dir=out_dir, template_cache=template_cache)
    for section in SECTIONS:
        section.render(site)
    return site
