"""The site's template helpers."""

from __future__ import annotations

from markdown_it import MarkdownIt

from publish.site.context import markdown_below_h1


def test_readme_headings_sit_below_the_pages_h1():
    html = markdown_below_h1(MarkdownIt("commonmark", {"html": False}), "# Titel\n\nText\n\n## Teil\n\n###### klein\n")
    assert "<h1>" not in html
    assert "<h2>Titel</h2>" in html and "<h3>Teil</h3>" in html and "<h6>klein</h6>" in html


def test_readme_html_stays_escaped():
    html = markdown_below_h1(MarkdownIt("commonmark", {"html": False}), "<script>alert(1)</script>")
    assert "<script>" not in html
