"""The catalogue graph carries what DCAT-AP.de and the issue ask for."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib import namespace as ns

from publish.catalogue import read_catalogue
from publish.dcat import build_graph
from publish.dcat.graph import DCATDE, SPDX, VCARD, dataset_uri

EU = "http://publications.europa.eu/resource/authority/"


def test_dataset_fields(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    node = dataset_uri(catalogue, catalogue.dataset("gewerbeanmeldungen"))
    assert graph.value(node, ns.DCTERMS.title) == Literal("Gewerbeanmeldungen", lang="de")
    assert set(graph.objects(node, ns.DCAT.theme)) == {URIRef(EU + "data-theme/ECON")}
    assert graph.value(node, ns.DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    assert graph.value(node, ns.DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05978040")
    assert graph.value(node, DCATDE.politicalGeocodingLevelURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality")
    assert graph.value(node, DCATDE.contributorID) == URIRef("http://dcat-ap.de/def/contributors/openNRW")
    assert graph.value(node, ns.DCTERMS.references) == URIRef(
        "https://musterdatenkatalog.de/def/musterdatensatz/wirtschaft/gewerbeanmeldung")
    assert graph.value(node, ns.DCTERMS.modified) == Literal("2026-11-25T19:00:01+00:00", datatype=ns.XSD.dateTime)
    period = graph.value(node, ns.DCTERMS.temporal)
    assert graph.value(period, ns.DCAT.startDate) == Literal("2026-01-01", datatype=ns.XSD.date)
    assert graph.value(period, ns.DCAT.endDate) is None
    contact = graph.value(node, ns.DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:wirtschaft@werne.de")
    assert graph.value(contact, VCARD.hasURL) == URIRef("https://www.werne.de/wirtschaft")
    assert (graph.value(node, ns.DCTERMS.publisher), ns.FOAF.name, Literal("Stadt Werne", lang="de")) in graph


def test_distributions_have_urls_formats_licence_size_and_checksum(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    node = dataset_uri(catalogue, catalogue.dataset("gewerbeanmeldungen"))
    csv_file = fixture_build / "datasets" / "gewerbeanmeldungen" / "gewerbeanmeldungen.csv"
    csv = next(d for d in graph.objects(node, ns.DCAT.distribution)
               if graph.value(d, ns.DCTERMS["format"]) == URIRef(EU + "file-type/CSV"))
    url = URIRef("http://127.0.0.1:8000/datensaetze/gewerbeanmeldungen/gewerbeanmeldungen.csv")
    assert graph.value(csv, ns.DCAT.accessURL) == url and graph.value(csv, ns.DCAT.downloadURL) == url
    assert graph.value(csv, ns.DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(csv, ns.DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    assert graph.value(csv, ns.DCAT.byteSize).toPython() == csv_file.stat().st_size
    import hashlib
    checksum = graph.value(csv, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(csv_file.read_bytes()).hexdigest()


def test_datasette_is_a_data_service_serving_every_dataset(fixture_build):
    catalogue = read_catalogue(fixture_build)
    graph = build_graph(catalogue)
    (service,) = list(graph.subjects(ns.RDF.type, ns.DCAT.DataService))
    assert graph.value(service, ns.DCAT.endpointURL) == URIRef("http://127.0.0.1:8000/datasette/portal")
    assert set(graph.objects(service, ns.DCAT.servesDataset)) == {
        dataset_uri(catalogue, entry) for entry in catalogue.datasets}
    api = [d for d in graph.subjects(ns.DCAT.accessService, service)]
    assert len(api) == 2


def test_base_url_is_a_setting(fixture_build):
    from tests.publish.conftest import edit_json
    edit_json(fixture_build / "portal.json", lambda p: p["site"].update(base_url="https://daten.werne.de/"))
    graph = build_graph(read_catalogue(fixture_build))
    urls = {str(o) for o in graph.objects(None, ns.DCAT.downloadURL)}
    assert urls and all(u.startswith("https://daten.werne.de/datensaetze/") for u in urls)
