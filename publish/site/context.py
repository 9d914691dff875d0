"""What every site section renders with: templates, the build, and one way to write a page."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt

from contracts.german import file_size, german_date, german_datetime, german_number, german_time
from contracts.urls import safe_url
from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.freshness import FREQUENCY_WORDS

TYPE_WORDS = {
    "string": "Text",
    "integer": "Ganzzahl",
    "number": "Zahl",
    "boolean": "Ja/Nein",
    "date": "Datum",
    "datetime": "Zeitpunkt",
    "time": "Uhrzeit",
    "year": "Jahr",
    "yearmonth": "Monat",
    "geojson": "Geometrie (GeoJSON)",
    "object": "JSON-Objekt",
    "array": "JSON-Liste",
    "any": "beliebig",
}
FAMILY_WORDS = {
    "rat": "Rat und Politik",
    "bauen": "Bauen und Planen",
    "service": "Verwaltungsservice",
    "allgemein": "Stadt und Verwaltung",
}


def templates_dir() -> Path:
    return Path(str(resources.files("site_templates")))


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def markdown_below_h1(markdown: MarkdownIt, text: str | None) -> str:
    """Render Markdown with every heading one level lower (# → h2 … ##### → h6), so a README's
    own title never competes with the page's single h1 (screen readers navigate by headings)."""
    tokens = markdown.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return markdown.renderer.render(tokens, markdown.options, {})


@dataclass
class SiteContext:
    build: BuildFolder
    out_dir: Path
    written: list[str] = field(default_factory=list)
    # Compiled templates survive between builds here (Jinja checks each template's source
    # before using its cached code); compiling them costs a good part of an unchanged rebuild.
    template_cache: Path | None = None
    # The previous release's site: identical pages are linked from there, not written again.
    previous_dir: Path | None = None
    # The clock of this rendering (freshness promises, upcoming meetings): fixed in tests.
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @cached_property
    def env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir()),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_bytecode_cache(self.template_cache),
        )
        markdown = MarkdownIt("commonmark", {"html": False}).enable("table")  # READMEs use pipe tables
        env.filters.update(
            {
                "date_de": german_date,
                "datetime_de": german_datetime,
                "time_de": german_time,
                "number_de": german_number,
                "filesize": file_size,
                "type_de": lambda t: TYPE_WORDS.get(t, t),
                "family_de": lambda f: FAMILY_WORDS.get(f, f),
                "frequency_de": lambda f: FREQUENCY_WORDS.get(f, f),
                "safe_url": safe_url,  # contracts/urls.py: links from data
                "markdown": lambda text: jinja2.utils.markupsafe.Markup(markdown_below_h1(markdown, text)),
            }
        )
        env.globals.update(
            {
                "portal": self.build.portal,
                "site": self.build.portal["site"],
                "publisher": self.build.portal["publisher"],
                "datasette": self.build.datasette_path,
                "datasette_path": self.build.datasette_path,  # the name the shared header/footer use
                "table_url": self.build.table_url,
                "built": self.now,
            }
        )
        return env

    @cached_property
    def db(self):
        return open_readonly(self.build.database)

    @property
    def packages(self) -> list[dict]:
        return self.build.packages

    @property
    def portal(self) -> dict:
        return self.build.portal

    @property
    def quality(self) -> dict[str, dict]:
        """Per dataset id: score, criteria and freshness promise (quality.json, publish/quality)."""
        return self.build.quality.get("datasets", {})

    def table_exists(self, name: str) -> bool:
        return (
            self.db.execute(
                "select 1 from sqlite_master where type in ('table','view') and name = ?", (name,)
            ).fetchone()
            is not None
        )

    def write_page(self, url_path: str, template: str, **context) -> Path:
        """Render `template` to `<url_path>/index.html` (url_path like "datensaetze/abc")."""
        url_path = url_path.strip("/")
        target = self.out_dir / url_path / "index.html" if url_path else self.out_dir / "index.html"
        return self._write(target, template, "/" + (url_path + "/" if url_path else ""), **context)

    def write_file(self, relative: str, template: str, **context) -> Path:
        """Render a non-HTML file (feed, calendar, XML) at exactly `relative`."""
        return self._write(self.out_dir / relative, template, "/" + relative, **context)

    def _write(self, target: Path, template: str, url: str, **context) -> Path:
        html = self.env.get_template(template).render(current_url=url, **context)
        self.store(target, html.encode("utf-8"))
        self.written.append(url)
        return target

    def write_bytes(self, relative: str, content: bytes) -> Path:
        """Write a file produced by a library (iCalendar, Atom, JSON) at exactly `relative`."""
        target = self.out_dir / relative
        self.store(target, content)
        self.written.append("/" + relative)
        return target

    def store(self, target: Path, content: bytes) -> None:
        """Write `content`, or hard-link the previous release's same file when it holds exactly
        these bytes: an unchanged page keeps its inode and modification time."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.previous_dir is not None:
            old = self.previous_dir / target.relative_to(self.out_dir)
            try:
                if old.stat().st_size == len(content) and old.read_bytes() == content:
                    os.link(old, target)
                    return
            except OSError:
                pass  # no previous page, or links not possible here: write it
        target.write_bytes(content)

    def publish_file(self, source: Path, relative: str) -> None:
        """Make a build file downloadable from the site (hard link: no copy of big files)."""
        target = self.out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
