"""Every page type of the portal, one line each, with the address of one example page.

A new page type (council meeting, plan, dashboard …) is one more line in PAGE_TYPES. Where the
address depends on the data, `path` is a function of the build, so the suite follows whatever
the demo portal contains instead of hard-coding ids.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from datasette.utils import tilde_encode

from publish.build_folder import BuildFolder
from publish.datasette.summaries import summary_in_build


class NoExamplePage(LookupError):
    """The build has nothing to show for a page type (e.g. no dataset at all)."""


@dataclass(frozen=True)
class PageType:
    name: str
    path: str | Callable[[BuildFolder], str]
    status: int = 200
    # Budgets are generous ceilings that catch a page suddenly pulling in a library or big images.
    max_requests: int = 12
    max_kilobytes: int = 250

    def url_path(self, build: BuildFolder) -> str:
        return self.path(build) if callable(self.path) else self.path


def _first_package(build: BuildFolder) -> dict:
    if not build.packages:
        raise NoExamplePage("the build has no published dataset")
    return build.packages[0]


def _first_table(build: BuildFolder) -> str:
    return _first_package(build)["resources"][0]["name"]


def _first_theme(build: BuildFolder) -> str:
    return _first_package(build)["kommune"]["themes"][0]["code"].lower()


def _first_page_under(folder: str) -> Callable[[BuildFolder], str]:
    """The first page (in name order) of a section with one page per thing, e.g. a meeting."""

    def path(build: BuildFolder) -> str:
        pages = sorted(p.parent for p in (build.site_dir / folder).glob("*/index.html"))
        if not pages:
            raise NoExamplePage(f"the build has no page under /{folder}/")
        return "/" + pages[0].relative_to(build.site_dir).as_posix() + "/"

    return path


def _dataset_with_totals(build: BuildFolder) -> str:
    """The page of a dataset whose table holds total rows: preview, summaries and the total-row note."""
    for package in build.packages:
        if (build.dataset_dir(package["name"]) / "disclosure-audit.json").exists():
            return f"/datensaetze/{package['name']}/"
    raise NoExamplePage("no service statistics with total rows")


def _dataset_with_summary_queries(build: BuildFolder) -> str:
    """The page of a dataset that links its counts per facet and month (publish/datasette/summaries.py)."""
    for package in build.packages:
        if any(summary_in_build(build, package["name"], resource) for resource in package["resources"]):
            return f"/datensaetze/{package['name']}/"
    raise NoExamplePage("no table with facets and a month")


def _geometry_table(build: BuildFolder) -> str:
    """Datasette's page of the first table with a geometry column (it shows a map)."""
    for package in build.packages:
        for resource in package["resources"]:
            if resource.get("kommune", {}).get("geometry"):
                return build.table_url(resource["name"])
    raise NoExamplePage("no table with a geometry column")


def _first_row(build: BuildFolder) -> str:
    """Datasette's address of the first row of the first table (primary key, else rowid)."""
    table = _first_table(build)
    connection = sqlite3.connect(f"file:{build.database}?mode=ro", uri=True)
    try:
        keys = [
            row[1] for row in sorted(connection.execute(f'pragma table_info("{table}")'), key=lambda r: r[5]) if row[5]
        ]
        columns = ", ".join(f'"{key}"' for key in keys) if keys else "rowid"
        first = connection.execute(f'select {columns} from "{table}" order by {columns} limit 1').fetchone()
    finally:
        connection.close()
    if first is None:
        raise NoExamplePage(f"table {table} is empty")
    return build.table_url(table) + "/" + ",".join(tilde_encode(str(value)) for value in first)


def _faceted_table(build: BuildFolder) -> str:
    """A table page with a facet value chosen: facet lists, a filter row and the "remove" cross."""
    metadata = json.loads((build.root / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    for database in metadata.get("databases", {}).values():
        for table, options in database.get("tables", {}).items():
            for facet in options.get("facets", []):
                connection = sqlite3.connect(f"file:{build.database}?mode=ro", uri=True)
                try:
                    value = connection.execute(
                        f'select "{facet}" from "{table}" where "{facet}" is not null limit 1'
                    ).fetchone()
                finally:
                    connection.close()
                if value is not None:
                    return build.table_url(table) + "?" + urlencode({facet: value[0]}, quote_via=quote)
    raise NoExamplePage("no table declares a facet")


def _canned_query(build: BuildFolder) -> str:
    metadata = json.loads((build.root / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    for name, database in metadata.get("databases", {}).items():
        for query in database.get("queries", {}):
            return f"{build.datasette_path}{name}/{query}"
    raise NoExamplePage("no canned query (metadata/kpis.yaml is empty)")


def _kpi_with_target(build: BuildFolder) -> str:
    """The page of the first KPI that has a target (status shape, target line in the chart)."""
    for kpi in build.portal.get("kpis", []):
        if kpi.get("target") is not None:
            return f"/digitalisierung/kennzahlen/{kpi['id']}/"
    raise NoExamplePage("no KPI with a target")


def _query(build: BuildFolder) -> str:
    table = _first_table(build)
    return f"{build.datasette_path}portal?" + urlencode({"sql": f"select * from {table} limit 20"}, quote_via=quote)


# Every kind of SQL error Datasette reports, each with its own page (publish/datasette/german.py).
FAILING_QUERIES = {
    "spalte": "select gibt_es_nicht from {table}",
    "syntax": "select * from where",
    "nur-lesen": "delete from {table}",
    # Counts without end until the SQL time limit stops it.
    "zeitlimit": "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n",
}


def _failing_query(sql: str) -> Callable[[BuildFolder], str]:
    def path(build: BuildFolder) -> str:
        return f"{build.datasette_path}portal?" + urlencode(
            {"sql": sql.format(table=_first_table(build))}, quote_via=quote
        )

    return path


PAGE_TYPES: list[PageType] = [
    PageType("startseite", "/"),
    PageType("datensatzliste", "/datensaetze/"),
    PageType("datensatz", lambda b: f"/datensaetze/{_first_package(b)['name']}/"),
    PageType("datensatz-vorschau-summen", lambda b: _dataset_with_totals(b)),
    PageType("datensatz-zaehlungen", _dataset_with_summary_queries),
    PageType("pruefbericht", lambda b: f"/datensaetze/{_first_package(b)['name']}/pruefbericht/"),
    PageType("aenderungen", lambda b: f"/datensaetze/{_first_package(b)['name']}/aenderungen/"),
    PageType("was-ist-neu", "/neu/"),
    PageType("thema", lambda b: f"/datensaetze/thema/{_first_theme(b)}/"),
    PageType("bereich", lambda b: f"/datensaetze/bereich/{_first_package(b)['kommune']['family']}/"),
    PageType("stand-der-daten", "/bericht/"),
    PageType("ueber", "/ueber/"),
    PageType("impressum", "/impressum/"),
    PageType("datenschutz", "/datenschutz/"),
    PageType("barrierefreiheit", "/barrierefreiheit/"),
    PageType("nicht-gefunden", "/gibt-es-nicht/", status=404),
    PageType("digitalisierung", "/digitalisierung/", max_kilobytes=400),
    PageType("kennzahl", _first_page_under("digitalisierung/kennzahlen")),
    PageType("kennzahl-mit-ziel", _kpi_with_target),
    PageType("fahrplan", "/digitalisierung/fahrplan/"),
    PageType("datenschutz-statistik", "/digitalisierung/datenschutz/"),
    PageType("vergleich", "/digitalisierung/vergleich/"),
    PageType("katalog", "/katalog/"),
    PageType("datenwuensche", "/datenwuensche/"),
    PageType("datenwunsch-formular", "/datenwuensche/neu/"),
    PageType("datenwunsch-danke", "/datenwuensche/danke/"),
    PageType("rat", "/rat/"),
    PageType("rat-sitzungen", "/rat/sitzungen/"),
    PageType("rat-sitzung", _first_page_under("rat/sitzungen")),
    PageType("rat-vorlagen", "/rat/vorlagen/", max_kilobytes=400),
    PageType("rat-vorlage", _first_page_under("rat/vorlagen")),
    PageType("rat-gremium", _first_page_under("rat/gremien")),
    PageType("rat-personen", "/rat/personen/"),
    PageType("rat-person", _first_page_under("rat/personen")),
    PageType("rat-suche", "/rat/suche/"),
    PageType("rat-karte", "/rat/karte/"),
    PageType("rat-strassen", "/rat/karte/strassen/"),
    PageType("rat-strasse", "/rat/karte/strassen/bahnhofstrasse/"),
    PageType("rat-ortsteil", _first_page_under("rat/karte/ortsteile")),
    PageType("rat-strasse-gesucht", "/rat/karte/strasse/?q=Bahnhofstr.%2012"),  # answered by the server
    # a word that stands only inside the demo's documents: hits with snippets, answered by the server
    PageType("rat-suche-ergebnisse", "/rat/suche/?q=Fledermausquartiere"),
    PageType("rat-begriffe", "/rat/begriffe/"),
    PageType("suche", "/suche/"),
    PageType("suche-ergebnisse", "/suche/?q=Stra%C3%9Fe"),  # answered by the server, also without JavaScript
    PageType("bauen-und-planen", "/bauen-und-planen/", max_kilobytes=400),
    PageType("planstand", _first_page_under("bauen-und-planen/stand")),
    PageType("bebauungsplan", _first_page_under("bauen-und-planen/plaene"), max_kilobytes=400),
    PageType("datasette-start", lambda b: b.datasette_path),
    PageType("datasette-datenbank", lambda b: f"{b.datasette_path}portal"),
    PageType("datasette-tabelle", lambda b: b.table_url(_first_table(b))),
    PageType("datasette-tabelle-gefiltert", _faceted_table),
    PageType("datasette-tabelle-karte", _geometry_table, max_kilobytes=400),
    PageType("datasette-zeile", _first_row),
    PageType("datasette-abfrage", _query),
    PageType("datasette-gespeicherte-abfrage", _canned_query),
    PageType(
        "datasette-abfragefehler", lambda b: f"{b.datasette_path}portal?sql=select+*+from+gibt_es_nicht", status=400
    ),
    *[PageType(f"datasette-fehler-{name}", _failing_query(sql), status=400) for name, sql in FAILING_QUERIES.items()],
    PageType("datasette-nicht-gefunden", lambda b: f"{b.datasette_path}portal/gibt_es_nicht", status=404),
]
