"""The site's template helpers."""

from __future__ import annotations

import json
import os

from markdown_it import MarkdownIt

from contracts.build_folder import SITE_INPUTS_FILE
from publish.build_folder import BuildFolder
from publish.site.context import SiteContext, markdown_below_h1


def test_readme_headings_sit_below_the_pages_h1():
    html = markdown_below_h1(MarkdownIt("commonmark", {"html": False}), "# Titel\n\nText\n\n## Teil\n\n###### klein\n")
    assert "<h1>" not in html
    assert "<h2>Titel</h2>" in html and "<h3>Teil</h3>" in html and "<h6>klein</h6>" in html


def test_readme_html_stays_escaped():
    html = markdown_below_h1(MarkdownIt("commonmark", {"html": False}), "<script>alert(1)</script>")
    assert "<script>" not in html


def test_recording_page_keys_leaves_the_previous_releases_record_alone(demo_build, tmp_path):
    """A release folder may share files with the one before by hard link; the page keys of the
    new release must not write into the old one's record."""
    release = tmp_path / "release"
    release.mkdir()
    previous = tmp_path / "previous-site-inputs.json"
    previous.write_text('{"/rat/":"old"}', encoding="utf-8")
    os.link(previous, release / SITE_INPUTS_FILE)
    site = SiteContext(build=BuildFolder.open(demo_build), out_dir=release / "site")
    site.input_keys["/rat/"] = "new"
    site.save_input_keys()
    assert previous.read_text(encoding="utf-8") == '{"/rat/":"old"}'
    assert json.loads((release / SITE_INPUTS_FILE).read_text(encoding="utf-8")) == {"/rat/": "new"}
