"""Datasette in German inside the portal's frame: the template overrides in
site_templates/datasette/ plus the plugin publish/datasette/plugin.py, checked over real HTTP
against `kommune serve` (the browser suite checks the same pages for accessibility)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from contracts.german import file_size
from publish.build_folder import BuildFolder
from publish.datasette import plugin as datasette_portal
from tests.browser.page_types import PAGE_TYPES, NoExamplePage

DATASETTE_PAGES = [p for p in PAGE_TYPES if p.name.startswith("datasette-")]

# Phrases of Datasette's English templates; none may reach a citizen.
ENGLISH = [
    "Powered by",
    "Custom SQL query",
    "This data as",
    "Run SQL",
    "Advanced export",
    "Next page",
    "rows in",
    ">home<",
    "Data license",
    "Data source",
    "Queries took",
    "Apply",
    "remove filter",
    "Error 404",
    "Table not found",
    "Download SQLite DB",
    "hidden table",
    "View and edit SQL",
]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<!--.*?-->", " ", html, flags=re.S)


@pytest.mark.parametrize("page_type", DATASETTE_PAGES, ids=[p.name for p in DATASETTE_PAGES])
def test_datasette_page_speaks_german_in_the_portal_frame(demo_server, demo_build, page_type):
    try:
        path = page_type.url_path(BuildFolder.open(demo_build))
    except NoExamplePage as reason:
        pytest.skip(str(reason))
    response = demo_server.get(path)
    assert response.status_code == page_type.status
    html = response.text
    assert '<html lang="de">' in html
    assert 'class="site-header"' in html and 'aria-label="Hauptnavigation"' in html
    assert 'class="site-footer"' in html and "Über das Portal und Kontakt" in html
    assert 'href="/static/style.css"' in html
    assert 'href="#inhalt"' in html and '<main id="inhalt"' in html
    english = [phrase for phrase in ENGLISH if phrase in visible_text(html)]
    assert english == [], f"English left on {path}: {english}"


def test_table_page_calls_the_table_by_its_german_title(demo_server, demo_build):
    build = BuildFolder.open(demo_build)
    resource = build.packages[0]["resources"][0]
    html = demo_server.get(build.table_url(resource["name"])).text
    assert f"<h1>{resource['title']}" in html
    assert "Zeilen" in html and "Anwenden" in html


def test_filter_description_is_german(demo_server, demo_build):
    build = BuildFolder.open(demo_build)
    table = build.packages[0]["resources"][0]["name"]
    column = build.packages[0]["resources"][0]["schema"]["fields"][0]["name"]
    html = demo_server.get(f"{build.table_url(table)}?{column}__startswith=0&_sort_desc={column}").text
    heading = re.search(r'<h2 class="row-count">(.*?)</h2>', html, flags=re.S).group(1)
    assert f"{column} beginnt mit „0“" in heading
    assert f"absteigend sortiert nach {column}" in heading


def test_sql_errors_are_explained_in_german_with_status_400(demo_server, demo_build):
    build = BuildFolder.open(demo_build)
    response = demo_server.get(f"{build.datasette_path}portal", params={"sql": "delete from x"})
    assert response.status_code == 400
    assert "<h1>Die Abfrage konnte nicht ausgeführt werden</h1>" in response.text
    assert "Die Abfrage muss mit SELECT oder WITH beginnen." in response.text
    assert 'class="site-header"' in response.text


def test_json_errors_stay_datasettes_own(demo_server, demo_build):
    build = BuildFolder.open(demo_build)
    response = demo_server.get(f"{build.datasette_path}portal/gibt_es_nicht.json")
    assert response.status_code == 404
    assert response.json()["ok"] is False


def test_plugin_gives_nothing_to_a_datasette_that_serves_no_build(tmp_path):
    """Datasette's plugin manager is global: an unrelated Datasette in the same process must not
    get the portal's variables (nor fail)."""
    from datasette.app import Datasette

    datasette_portal.register()
    stray = Datasette(files=[str(tmp_path / "other.db")])
    assert datasette_portal.extra_template_vars(stray, None) == {}


def test_plugin_reads_the_portal_of_the_release_it_serves(demo_build):
    from datasette.app import Datasette

    build = BuildFolder.open(demo_build)
    variables = datasette_portal.extra_template_vars(Datasette(immutables=[str(build.database)]), None)
    assert variables["publisher"]["name"] == build.portal["publisher"]["name"]
    assert (
        variables["table_titles"][build.packages[0]["resources"][0]["name"]]
        == build.packages[0]["resources"][0]["title"]
    )
    assert variables["datasette_path"] == build.datasette_path


@pytest.mark.parametrize("page_type", DATASETTE_PAGES, ids=[p.name for p in DATASETTE_PAGES])
def test_every_link_on_a_datasette_page_works(demo_server, demo_build, page_type):
    """Sort, facet, export and show/hide links included: Datasette builds some of them from the
    request path, which doubled the /daten/ prefix until serve.py handed it the path without it."""
    try:
        path = page_type.url_path(BuildFolder.open(demo_build))
    except NoExamplePage as reason:
        pytest.skip(str(reason))
    html = demo_server.get(path).text
    links = sorted({unescape(href) for href in re.findall(r'href="(/[^"#]*)', html)})
    assert links, "no links found"
    broken = [
        (link, status) for link in links if (status := demo_server.get(link, follow_redirects=True).status_code) >= 400
    ]
    assert broken == []


def test_database_size_is_written_like_every_size_on_the_site(demo_server, demo_build):
    """ "2,2 MB" on the site's download lists, so not Datasette's "2.2 MB" on its database page."""
    build = BuildFolder.open(demo_build)
    html = demo_server.get(f"{build.datasette_path}portal").text
    size = re.search(r'\.db</a> <span class="meta">\(([^)]+)\)</span>', html)
    assert size and size.group(1) == file_size(build.database.stat().st_size) and "," in size.group(1)
