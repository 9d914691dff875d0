"""The portal's catalogue as a DCAT-AP.de 3.0 RDF graph (rdflib).

Follows the DCAT-AP.de 3.0 specification (``spec-3.0`` in the reference folder) and the
Konventionen GovData checks: licence on every distribution (K32), attribution text for
BY licences (K35), download URL also as access URL (K39), spatial coverage mirrored from
the political geocoding (K11), Musterdatenkatalog as ``dct:references``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from publish.catalogue import Catalogue, Contact, DatasetEntry, Distribution
from publish.dataset_failure import for_dataset

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_DEU = URIRef(EU + "language/DEU")
ACCESS_PUBLIC = URIRef(EU + "access-right/PUBLIC")
STATUS_COMPLETED = URIRef(EU + "distribution-status/COMPLETED")
DATA_THEME_SCHEME = URIRef(EU + "data-theme")
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
SHA256 = SPDX.checksumAlgorithm_sha256
# DCAT 3 (DCAT-AP.de 3.0); rdflib's closed DCAT namespace predates it
DCAT_VERSION = URIRef(str(DCAT) + "version")
DATASETTE_DOCS = URIRef("https://docs.datasette.io/en/stable/json_api.html")


# The URIs name things by the pages that describe them, so that every URI in the catalogue
# opens a page of the portal: the catalogue page, the dataset page, the about page.
def catalogue_uri(catalogue: Catalogue) -> URIRef:
    return URIRef(f"{catalogue.base_url}/katalog/#katalog")


def dataset_uri(catalogue: Catalogue, entry: DatasetEntry) -> URIRef:
    return URIRef(f"{entry.landing_page}#datensatz")


def distribution_uri(catalogue: Catalogue, entry: DatasetEntry, dist: Distribution) -> URIRef:
    return URIRef(f"{entry.landing_page}#verteilung-{dist.key.replace(':', '-')}")


def publisher_uri(catalogue: Catalogue, entry: DatasetEntry | None = None) -> URIRef:
    """The catalogue's publisher, or a dataset's own where it overrides the publisher."""
    suffix = f"-{entry.id}" if entry is not None else ""
    return URIRef(f"{catalogue.base_url}/ueber/#herausgeber{suffix}")


def service_uri(catalogue: Catalogue) -> URIRef:
    return URIRef(f"{catalogue.base_url}/katalog/#datasette")


def _bind(graph: Graph) -> None:
    for prefix, namespace in {
        "dcat": DCAT,
        "dct": DCTERMS,
        "foaf": FOAF,
        "dcatde": DCATDE,
        "dcatap": DCATAP,
        "vcard": VCARD,
        "spdx": SPDX,
        "adms": ADMS,
        "skos": SKOS,
        "xsd": XSD,
    }.items():
        graph.bind(prefix, namespace, override=True)


def _datetime(value: str) -> Literal:
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    return Literal(value, datatype=XSD.dateTime)


def _add_agent(graph: Graph, node: URIRef, name: str, agent_type: str, homepage: str | None) -> None:
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(name, lang="de")))
    graph.add((node, DCTERMS.type, URIRef(PUBLISHER_TYPE + agent_type)))
    if homepage:
        graph.add((node, FOAF.homepage, URIRef(homepage)))


def _add_contact(graph: Graph, contact: Contact) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, RDF.type, VCARD.Organization))
    if contact.name:
        graph.add((node, VCARD.fn, Literal(contact.name, lang="de")))
    if contact.email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{contact.email}")))
    if contact.url:
        graph.add((node, VCARD.hasURL, URIRef(contact.url)))
    if contact.phone:
        graph.add((node, VCARD.hasTelephone, URIRef("tel:" + contact.phone.replace(" ", "-"))))
    return node


def _add_location(graph: Graph, entry: DatasetEntry) -> URIRef:
    """The municipality key URI as dct:spatial (K11), typed as a dct:Location with its name."""
    location = URIRef(entry.political_geocoding_uri)
    graph.add((location, RDF.type, DCTERMS.Location))
    graph.add((location, SKOS.prefLabel, Literal(entry.spatial_name, lang="de")))
    return location


def _add_distribution(
    graph: Graph, catalogue: Catalogue, entry: DatasetEntry, dist: Distribution, service: URIRef
) -> URIRef:
    node = distribution_uri(catalogue, entry, dist)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(dist.title, lang="de")))
    if dist.description:
        graph.add((node, DCTERMS.description, Literal(dist.description, lang="de")))
    graph.add((node, DCAT.accessURL, URIRef(dist.access_url)))
    if dist.download_url:
        graph.add((node, DCAT.downloadURL, URIRef(dist.download_url)))
    graph.add((node, DCTERMS["format"], URIRef(dist.file_type_uri)))
    graph.add((node, DCAT.mediaType, URIRef(dist.media_type_uri)))
    graph.add((node, DCTERMS.license, URIRef(entry.licence.uri)))
    if entry.licence.attribution:
        graph.add((node, DCATDE.licenseAttributionByText, Literal(entry.publisher.name, lang="de")))
    graph.add((node, ADMS.status, STATUS_COMPLETED))
    graph.add((node, DCTERMS.language, LANGUAGE_DEU))
    if entry.modified:
        graph.add((node, DCTERMS.modified, _datetime(entry.modified)))
    if dist.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
    if dist.sha256:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SHA256))
        graph.add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))
    if dist.conforms_to:
        graph.add((node, DCTERMS.conformsTo, URIRef(dist.conforms_to)))
    if dist.is_api:
        graph.add((node, DCAT.accessService, service))
    return node


def _add_dataset(graph: Graph, catalogue: Catalogue, entry: DatasetEntry, publisher: URIRef, service: URIRef) -> URIRef:
    node = dataset_uri(catalogue, entry)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCTERMS.title, Literal(entry.title, lang="de")))
    graph.add((node, DCTERMS.description, Literal(entry.public_description, lang="de")))
    graph.add((node, DCTERMS.publisher, _publisher_for(graph, catalogue, entry, publisher)))
    graph.add((node, DCAT.contactPoint, _add_contact(graph, entry.contact)))
    graph.add((node, DCAT.landingPage, URIRef(entry.landing_page)))
    graph.add((node, DCTERMS.language, LANGUAGE_DEU))
    graph.add((node, DCTERMS.accessRights, ACCESS_PUBLIC))
    for keyword in entry.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="de")))
    for theme in entry.themes:
        graph.add((node, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    graph.add((node, DCTERMS.spatial, _add_location(graph, entry)))
    # dcatde:politicalGeocodingURI is deprecated in 3.0: the key URI lives in dct:spatial.
    graph.add((node, DCATDE.politicalGeocodingLevelURI, URIRef(entry.political_geocoding_level_uri)))
    if entry.publisher.contributor_id:
        graph.add((node, DCATDE.contributorID, URIRef(entry.publisher.contributor_id)))
    if entry.temporal_start or entry.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if entry.temporal_start:
            graph.add((period, DCAT.startDate, Literal(entry.temporal_start, datatype=XSD.date)))
        if entry.temporal_end:
            graph.add((period, DCAT.endDate, Literal(entry.temporal_end, datatype=XSD.date)))
    if entry.frequency:
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{entry.frequency}")))
    if entry.issued:
        graph.add((node, DCTERMS.issued, _datetime(entry.issued)))
    if entry.modified:
        graph.add((node, DCTERMS.modified, _datetime(entry.modified)))
    if entry.version:
        # dcat:version, not owl:versionInfo: DCAT-AP.de 3.0 marks the latter deprecated
        graph.add((node, DCAT_VERSION, Literal(entry.version)))
    if entry.musterdatenkatalog:
        graph.add((node, DCTERMS.references, URIRef(entry.musterdatenkatalog)))
    for dist in entry.distributions:
        graph.add((node, DCAT.distribution, _add_distribution(graph, catalogue, entry, dist, service)))
    if entry.tables:
        graph.add((service, DCAT.servesDataset, node))
    return node


def _publisher_for(graph: Graph, catalogue: Catalogue, entry: DatasetEntry, default: URIRef) -> URIRef:
    """The catalogue's publisher node, or a separate node where a dataset overrides it."""
    if entry.publisher == catalogue.publisher:
        return default
    node = publisher_uri(catalogue, entry)
    _add_agent(graph, node, entry.publisher.name, entry.publisher.type, entry.publisher.homepage)
    return node


def build_graph(catalogue: Catalogue) -> Graph:
    """Return the whole catalogue (catalog, datasets, distributions, Datasette service)."""
    graph = Graph()
    _bind(graph)
    catalog = catalogue_uri(catalogue)
    publisher = publisher_uri(catalogue)
    _add_agent(graph, publisher, catalogue.publisher.name, catalogue.publisher.type, catalogue.publisher.homepage)

    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(catalogue.title, lang="de")))
    graph.add((catalog, DCTERMS.description, Literal(catalogue.description, lang="de")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, URIRef(catalogue.base_url + "/")))
    graph.add((catalog, DCTERMS.language, LANGUAGE_DEU))
    graph.add((catalog, DCTERMS.license, URIRef(catalogue.licence.uri)))
    graph.add((catalog, DCAT.themeTaxonomy, DATA_THEME_SCHEME))
    graph.add((catalog, DCAT.contactPoint, _add_contact(graph, catalogue.contact)))
    spatial = URIRef(catalogue.publisher.political_geocoding_uri)
    graph.add((catalog, DCTERMS.spatial, spatial))
    modified = sorted(e.modified for e in catalogue.datasets if e.modified)
    issued = sorted(e.issued for e in catalogue.datasets if e.issued)
    if issued:
        graph.add((catalog, DCTERMS.issued, _datetime(issued[0])))
    if modified:
        graph.add((catalog, DCTERMS.modified, _datetime(modified[-1])))

    service = service_uri(catalogue)
    graph.add((catalog, DCAT.service, service))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal(f"Datasette-API {catalogue.title}", lang="de")))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Lesende JSON-API über alle Tabellen des Portals: filtern, sortieren, SQL-Abfragen, CSV-Export.",
                lang="de",
            ),
        )
    )
    graph.add((service, DCAT.endpointURL, URIRef(catalogue.datasette_url)))
    graph.add((service, DCAT.endpointDescription, DATASETTE_DOCS))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCTERMS.license, URIRef(catalogue.licence.uri)))
    graph.add((service, DCTERMS.accessRights, ACCESS_PUBLIC))
    graph.add((service, DCTERMS["format"], URIRef(EU + "file-type/JSON")))

    for entry in catalogue.all_entries:
        with for_dataset(entry.id, "DCAT-Katalog"):
            graph.add((catalog, DCAT.dataset, _add_dataset(graph, catalogue, entry, publisher, service)))
    return graph
