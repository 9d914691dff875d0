"""Rows of the site's catalogue page."""
from __future__ import annotations

from publish.catalogue import read_catalogue
from publish.site.catalogue import catalogue_files, catalogue_rows


def test_rows_say_where_each_dataset_is_published(fixture_build):
    catalogue = read_catalogue(fixture_build)
    rows = {row.id: row for row in catalogue_rows(catalogue, ckan_url="https://ckan.example.org/")}
    row = rows["gewerbeanmeldungen"]
    assert row.site_url == "http://127.0.0.1:8000/datensaetze/gewerbeanmeldungen/"
    assert row.datasette_urls == ["http://127.0.0.1:8000/datasette/portal/gewerbeanmeldungen"]
    assert row.ckan_url == "https://ckan.example.org/dataset/gewerbeanmeldungen"
    assert row.dcat_uri == "http://127.0.0.1:8000/katalog/datensatz/gewerbeanmeldungen"
    assert row.frequency == "monatlich" and row.temporal == "seit 01.01.2026"
    assert row.themes == ["Wirtschaft und Finanzen"] and row.formats == ["CSV", "JSON"]
    assert rows["sitzungen"].temporal == "01.01.2026 bis 31.12.2026"


def test_without_ckan_no_ckan_link(fixture_build):
    assert all(row.ckan_url is None for row in catalogue_rows(read_catalogue(fixture_build)))
    names = [f["name"] for f in catalogue_files(read_catalogue(fixture_build))]
    assert names == ["catalog.ttl", "catalog.rdf", "catalog.jsonld"]
