"""The catalogue page and the catalogue files on the site of the demo build."""

from __future__ import annotations

from rdflib import Graph

from publish.catalogue import read_catalogue
from publish.site.catalogue import catalogue_files, catalogue_rows


def test_rows_say_where_each_dataset_is_published(fixture_build):
    catalogue = read_catalogue(fixture_build)
    rows = {row.entry.id: row for row in catalogue_rows(catalogue, ckan_url="https://ckan.example.org/")}
    row = rows["haushalt-ergebnisplan"]
    assert row.entry.landing_page == "http://127.0.0.1:8000/datensaetze/haushalt-ergebnisplan/"
    assert row.entry.tables == ["haushalt_ergebnisplan"]
    assert row.ckan_url == "https://ckan.example.org/dataset/haushalt-ergebnisplan"
    assert row.dcat_uri == "http://127.0.0.1:8000/datensaetze/haushalt-ergebnisplan/#datensatz"
    assert row.themes == ["Wirtschaft und Finanzen", "Regierung und öffentlicher Sektor"]
    assert row.formats == ["CSV", "JSON"]
    assert all(r.ckan_url is None for r in catalogue_rows(catalogue))
    assert [f["name"] for f in catalogue_files(catalogue)] == ["catalog.ttl", "catalog.rdf", "catalog.jsonld"]


def test_catalogue_page_lists_datasets_and_links_the_files(demo_build):
    html = (demo_build / "site" / "katalog" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Datenkatalog</h1>" in html
    for text in (
        'href="/datensaetze/haushalt-ergebnisplan/"',
        'href="/daten/portal/kita_plaetze"',
        'href="/catalog.ttl"',
        'href="/catalog.jsonld"',
        "Datenlizenz Deutschland – Zero – Version 2.0",
        "01.01.2021 bis 31.12.2026",
        "jährlich",
        "Musterdatenkatalog",
    ):
        assert text in html, text
    assert "CKAN" not in html  # no ckan_url in the demo's site.yaml


def test_site_serves_the_catalogue_at_stable_urls_with_rdf_media_types(demo_server):
    for path, media_type, fmt in (
        ("/catalog.ttl", "text/turtle", "turtle"),
        ("/catalog.rdf", "application/rdf+xml", "xml"),
        ("/catalog.jsonld", "application/ld+json", "json-ld"),
    ):
        response = demo_server.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(media_type), path
        assert len(Graph().parse(data=response.content, format=fmt)) > 100
    assert demo_server.get("/katalog/").status_code == 200
