"""The portal's own KPI file on the demo build: the JSON validates against its own published JSON
Schema, the CSV against its own Table Schema (Frictionless), the values are the dashboard's, a
KPI without a value is empty (never 0), and the DCAT catalogue lists both files."""

from __future__ import annotations

import json
import time

import jsonschema
from frictionless import Resource, Schema
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from contracts.kpi_file import CSV_COLUMNS, parse_kpi_file
from publish.build_folder import BuildFolder
from publish.kpis import evaluate_all


def test_the_kpi_file_validates_against_its_own_schema(demo_build):
    site = demo_build / "site"
    document = json.loads((site / "kennzahlen.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads((site / "kennzahlen.schema.json").read_text(encoding="utf-8")))
    assert parse_kpi_file((site / "kennzahlen.json").read_bytes()).publisher.municipality_key == "05978040"

    schema = Schema.from_descriptor(json.loads((site / "kennzahlen.tableschema.json").read_text(encoding="utf-8")))
    report = Resource(path="kennzahlen.csv", basepath=str(site), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    header = (site / "kennzahlen.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == CSV_COLUMNS


def test_the_kpi_file_holds_the_dashboard_values_and_no_zero_for_missing(demo_build):
    build = BuildFolder.open(demo_build)
    results = evaluate_all(build.portal["kpis"], build.database, {p["name"]: p["kommune"] for p in build.packages})
    kpi_file = demo_build / "site" / "kennzahlen.json"
    published = {kpi.id: kpi for kpi in parse_kpi_file(kpi_file.read_bytes()).kpis}
    days_since_build = (time.time() - kpi_file.stat().st_mtime) / 86400
    assert list(published) == [result.definition.id for result in results]
    for result in results:
        entry = published[result.definition.id]
        if result.current is None:
            assert entry.value is None and entry.period is None
        elif "julianday('now')" in result.definition.sql:
            # an age in days: the build wrote it earlier than this test evaluates it again
            assert entry.period == result.current.period
            assert entry.value is not None
            assert 0 <= result.current.value - entry.value <= days_since_build + 0.1
        else:
            assert (entry.value, entry.period) == (result.current.value, result.current.period)
        assert entry.source_query.endswith(f"/daten/portal/{result.definition.id}")
        assert entry.licence == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


def test_the_dcat_catalogue_lists_the_kpi_file(demo_build):
    graph = Graph().parse(demo_build / "catalog.ttl")
    dataset = URIRef("http://127.0.0.1:8000/digitalisierung/#datensatz")
    assert (None, DCAT.dataset, dataset) in graph
    downloads = {
        str(url) for dist in graph.objects(dataset, DCAT.distribution) for url in graph.objects(dist, DCAT.downloadURL)
    }
    assert downloads == {"http://127.0.0.1:8000/kennzahlen.json", "http://127.0.0.1:8000/kennzahlen.csv"}
    conforms = {
        str(c) for dist in graph.objects(dataset, DCAT.distribution) for c in graph.objects(dist, DCTERMS.conformsTo)
    }
    assert conforms == {
        "http://127.0.0.1:8000/kennzahlen.schema.json",
        "http://127.0.0.1:8000/kennzahlen.tableschema.json",
    }
    page = (demo_build / "site" / "katalog" / "index.html").read_text(encoding="utf-8")
    assert 'href="/digitalisierung/">Kennzahlen der Digitalisierung</a>' in page
