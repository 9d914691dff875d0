"""What every site section renders with: templates, the build, and one way to write a page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt

from contracts.build_folder import SITE_INPUTS_FILE
from contracts.files import link_or_copy, replace_json
from contracts.german import file_size, german_date, german_datetime, german_number, german_time
from contracts.urls import safe_url
from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.freshness import FREQUENCY_WORDS
from publish.reuse import code_version

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


# What else decides how a page looks: the code that renders and the libraries it formats with.
_RENDERING_CODE = ("publish/site", "contracts")
_JSON_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_RENDERING_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "icalendar", "feedgen")
# A section's key among the pages' keys in SITE_INPUTS_FILE: pages are recorded by their URL,
# which starts with "/", so these names never meet one.
SECTION_KEY_PREFIX = "section:"


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
    # Per page rendered through `unchanged` (its URL), the key of its inputs: saved with the
    # release, so that the next build renders only the pages whose inputs changed.
    input_keys: dict[str, str] = field(default_factory=dict)
    # Those of them linked from the previous release instead of rendered (their URLs).
    reused: set[str] = field(default_factory=set)
    # The sections carried over whole from the previous release (`carried_over`).
    carried_sections: set[str] = field(default_factory=set)

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

    @cached_property
    def fingerprint(self) -> str:
        """Everything besides a page's own inputs that decides how it looks: templates, the
        rendering code, library versions, the portal's settings and its datasets' tables."""
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parents[2]
        sources = [templates_dir(), *(root / folder for folder in _RENDERING_CODE)]
        for folder in sources:
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0" + path.read_bytes())
        for library in _RENDERING_LIBRARIES:
            try:
                digest.update(f"{library}={metadata.version(library)}".encode())
            except metadata.PackageNotFoundError:
                digest.update(library.encode())
        tables = [(p["name"], [r["name"] for r in p["resources"]]) for p in self.packages]
        settings = json.dumps([self.portal, self.build.datasette_path, tables], sort_keys=True, default=str)
        digest.update(settings.encode("utf-8"))
        return digest.hexdigest()

    @cached_property
    def previous_input_keys(self) -> dict[str, str]:
        """The input keys the previous release recorded (none without one, or when unreadable)."""
        if self.previous_dir is None:
            return {}
        try:
            recorded = json.loads((self.previous_dir.parent / SITE_INPUTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return recorded if isinstance(recorded, dict) else {}

    def input_key(self, inputs: Any, links: Mapping[str, str]) -> str:
        """The key of what a page is rendered from: `inputs` (JSON-like data) and, for every
        string in them that `links` maps (an id with a page), where it links to."""
        text = json.dumps(inputs, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
        linked = [links[value] for value in _strings(text) if value in links]
        digest = hashlib.sha256(self.fingerprint.encode("utf-8"))
        digest.update(text.encode("utf-8"))
        digest.update("\0".join(linked).encode("utf-8"))
        return digest.hexdigest()[:32]

    def unchanged(self, url: str, files: list[str], inputs: Any, links: Mapping[str, str]) -> bool:
        """Whether the page at `url` and the files rendered with it (`files`, relative to the
        site) came from the same inputs in the previous release; if so they are linked from
        there and need no rendering. The key is recorded for this release either way."""
        key = self.input_key(inputs, links)
        self.input_keys[url] = key
        if self.previous_dir is None or self.previous_input_keys.get(url) != key:
            return False
        linked: list[Path] = []
        try:
            for relative in files:
                target = self.out_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(self.previous_dir / relative, target)
                linked.append(target)
        except OSError:
            # A file is missing or links are impossible here: render them all. The links made
            # go first, so that writing the new files cannot write into the previous release.
            for target in linked:
                target.unlink()
            return False
        self.written.extend("/" + relative.removesuffix("index.html") for relative in files)
        self.reused.add(url)
        return True

    def tables_key(self, tables: list[str]) -> dict | None:
        """What the tables of portal.db named `tables` hold, without reading them: the resource
        each was loaded from (its file's hash, its schema) and the code and libraries that load
        it (`publish.reuse.code_version`). None when one of them is in portal.db but in no
        published package: its content cannot be told that way. A table in neither is recorded
        as missing."""
        resources = {
            resource["name"]: {"dataset": package["name"], "resource": resource}
            for package in self.packages
            for resource in package["resources"]
        }
        found: dict[str, Any] = {}
        for table in tables:
            if table in resources:
                found[table] = resources[table]
            elif self.table_exists(table):
                return None
            else:
                found[table] = None
        return {"tables": found, "loaded_by": code_version()}

    def carried_over(self, section: str, inputs: Any, pages: Mapping[str, list[str]]) -> bool:
        """Whether the pages of `section` (URL → its files relative to the site, the page's own
        `index.html` among them) came from the same `inputs` in the previous release, as a
        whole: everything they depend on, without their own data (None: that cannot be told,
        render them one by one). If so every file is linked from there and each page keeps the
        key it had (`unchanged`), so the build after this one can still compare page by page.
        The section's key is recorded for this release either way; when a file cannot be
        linked, none of them stays linked."""
        if inputs is None:
            return False
        name = SECTION_KEY_PREFIX + section
        key = self.input_key(inputs, {})
        self.input_keys[name] = key
        previous = self.previous_input_keys
        if self.previous_dir is None or previous.get(name) != key:
            return False
        page_keys = {url: previous.get(url) for url in pages}
        if not all(page_keys.values()):
            return False
        # Strings, not Paths, and each folder made once: a large city's section is a million files.
        out_dir, previous_dir = str(self.out_dir), str(self.previous_dir)
        folders: set[str] = set()
        linked: list[str] = []
        try:
            for files in pages.values():
                for relative in files:
                    target = os.path.join(out_dir, relative)
                    folder = os.path.dirname(target)
                    if folder not in folders:
                        os.makedirs(folder, exist_ok=True)
                        folders.add(folder)
                    os.link(os.path.join(previous_dir, relative), target)
                    linked.append(target)
        except OSError:
            for target in linked:  # as in `unchanged`: rendering must not write into the previous release
                os.unlink(target)
            return False
        self.input_keys.update({url: str(key) for url, key in page_keys.items()})
        self.written.extend("/" + relative.removesuffix("index.html") for files in pages.values() for relative in files)
        self.reused.update(pages)
        self.carried_sections.add(section)
        return True

    def save_input_keys(self) -> None:
        """Record the input keys beside the site, for the next build (through a new file: one
        shared by hard link with the previous release must keep that release's keys)."""
        replace_json(self.out_dir.parent / SITE_INPUTS_FILE, dict(sorted(self.input_keys.items())))

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
        link_or_copy(source, target)


def _strings(text: str) -> list[str]:
    """Every string in a JSON text, keys included, in order (a regular expression over the
    text: walking the data in Python costs more than rendering some pages)."""
    found = _JSON_STRING.findall(text)
    return [json.loads(f'"{value}"') if "\\" in value else value for value in found]
