"""The catalogue graph of the demo build carries what DCAT-AP.de and the issue ask for."""

from __future__ import annotations

import hashlib

from rdflib import Literal, URIRef
from rdflib import namespace as ns

from publish.catalogue import read_catalogue
from publish.dcat import build_graph
from publish.dcat.graph import DCATDE, SPDX, VCARD, dataset_uri
from tests.publish.conftest import edit_json

EU = "http://publications.europa.eu/resource/authority/"
XSD = ns.XSD


def test_dataset_fields(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    entry = catalogue.dataset("haushalt-ergebnisplan")
    node = dataset_uri(catalogue, entry)
    assert graph.value(node, ns.DCTERMS.title) == Literal("Haushalt – Ergebnisplan nach Produktbereichen", lang="de")
    assert str(graph.value(node, ns.DCTERMS.description)).endswith("keine amtlichen Zahlen der Stadt Werne.")
    assert set(graph.objects(node, ns.DCAT.theme)) == {URIRef(EU + "data-theme/ECON"), URIRef(EU + "data-theme/GOVE")}
    assert {str(k) for k in graph.objects(node, ns.DCAT.keyword)} == {
        "Haushalt",
        "Finanzen",
        "Ergebnisplan",
        "Produktbereich",
    }
    assert graph.value(node, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
    assert graph.value(node, ns.DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05978040"
    )
    assert graph.value(node, DCATDE.politicalGeocodingLevelURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    )
    assert graph.value(node, DCATDE.contributorID) == URIRef("http://dcat-ap.de/def/contributors/openNRW")
    assert graph.value(node, ns.DCTERMS.references) == URIRef(
        "https://musterdatenkatalog.de/def/musterdatensatz/finanzen/haushalt/plan"
    )
    assert graph.value(node, ns.DCTERMS.modified) == Literal(entry.modified, datatype=XSD.dateTime)
    assert graph.value(node, ns.DCTERMS.issued) == Literal(entry.issued, datatype=XSD.dateTime)
    period = graph.value(node, ns.DCTERMS.temporal)
    assert graph.value(period, ns.DCAT.startDate) == Literal("2021-01-01", datatype=XSD.date)
    assert graph.value(period, ns.DCAT.endDate) == Literal("2026-12-31", datatype=XSD.date)
    contact = graph.value(node, ns.DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:opendata@werne.de")
    assert graph.value(contact, VCARD.hasURL) == URIRef("https://www.werne.de/")
    publisher = graph.value(node, ns.DCTERMS.publisher)
    assert (publisher, ns.FOAF.name, Literal("Stadt Werne", lang="de")) in graph
    assert graph.value(publisher, ns.DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")


def test_distributions_have_urls_formats_licence_size_and_checksum(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    node = dataset_uri(catalogue, catalogue.dataset("kita-plaetze"))
    csv_file = fixture_build / "datasets" / "kita-plaetze" / "kita_plaetze.csv"
    csv = next(
        d
        for d in graph.objects(node, ns.DCAT.distribution)
        if graph.value(d, ns.DCTERMS["format"]) == URIRef(EU + "file-type/CSV")
    )
    url = URIRef("http://127.0.0.1:8000/datensaetze/kita-plaetze/kita_plaetze.csv")
    assert graph.value(csv, ns.DCAT.accessURL) == url and graph.value(csv, ns.DCAT.downloadURL) == url
    assert graph.value(csv, ns.DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(csv, ns.DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")
    assert graph.value(csv, DCATDE.licenseAttributionByText) is None  # dl-zero needs no attribution
    assert graph.value(csv, ns.DCAT.byteSize).toPython() == csv_file.stat().st_size
    checksum = graph.value(csv, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(csv_file.read_bytes()).hexdigest()
    by = next(graph.objects(dataset_uri(catalogue, catalogue.dataset("haushalt-ergebnisplan")), ns.DCAT.distribution))
    assert graph.value(by, DCATDE.licenseAttributionByText) == Literal("Stadt Werne", lang="de")
    # CSV, JSON, API, datapackage.json, the change log (versions.json)
    assert len(list(graph.objects(node, ns.DCAT.distribution))) == 5


def test_datasette_is_a_data_service_serving_every_dataset(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    (service,) = list(graph.subjects(ns.RDF.type, ns.DCAT.DataService))
    assert graph.value(service, ns.DCAT.endpointURL) == URIRef("http://127.0.0.1:8000/daten/portal")
    assert set(graph.objects(service, ns.DCAT.servesDataset)) == {
        dataset_uri(catalogue, entry) for entry in catalogue.datasets
    }
    api = list(graph.subjects(ns.DCAT.accessService, service))
    tables = [table for entry in catalogue.datasets for table in entry.tables]
    assert "haushalt_ergebnisplan" in tables and "kita_plaetze" in tables
    assert {str(graph.value(a, ns.DCAT.accessURL)) for a in api} == {
        f"http://127.0.0.1:8000/daten/portal/{table}" for table in tables
    }


def test_base_url_is_a_setting(fixture_build):
    edit_json(fixture_build / "portal.json", lambda p: p["site"].update(base_url="https://daten.werne.de/"))
    graph = build_graph(read_catalogue(fixture_build))
    urls = {str(o) for o in graph.objects(None, ns.DCAT.downloadURL)}
    portal_files = {"https://daten.werne.de/kennzahlen.json", "https://daten.werne.de/kennzahlen.csv"}
    assert portal_files <= urls  # the open KPI file (docs/kpi-file.md) lies at the site's root
    assert all(u.startswith("https://daten.werne.de/datensaetze/") for u in urls - portal_files)
