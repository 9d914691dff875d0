"""The portal's catalogue as a DCAT-AP.de 3.0 RDF graph (rdflib).

Follows the DCAT-AP.de 3.0 specification (``spec-3.0`` in the reference folder) and the
Konventionen GovData checks: licence on every distribution (K32), attribution text for
BY licences (K35), download URL also as access URL (K39), spatial coverage mirrored from
the political geocoding (K11), Musterdatenkatalog as ``dct:references``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from contracts.german import german_date
from publish.catalogue import Catalogue, Contact, DatasetEntry, Distribution, EarlierVersion
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
DCAT_HAS_VERSION = URIRef(str(DCAT) + "hasVersion")
DCAT_IS_VERSION_OF = URIRef(str(DCAT) + "isVersionOf")
DCAT_PREVIOUS_VERSION = URIRef(str(DCAT) + "previousVersion")
DATASETTE_DOCS = URIRef("https://docs.datasette.io/en/stable/json_api.html")


# The URIs name things by the pages that describe them, so that every URI in the catalogue
# opens a page of the portal: the catalogue page, the dataset page, the about page.
def catalogue_uri(catalogue: Catalogue) -> URIRef:
    return URIRef(f"{catalogue.base_url}/katalog/#katalog")


def dataset_uri(catalogue: Catalogue, entry: DatasetEntry) -> URIRef:
    return URIRef(f"{entry.landing_page}#datensatz")


def version_uri(entry: DatasetEntry, number: int) -> URIRef:
    """An earlier version of a dataset, named by the dataset's page (the page lists it under
    „Änderungen“)."""
    return URIRef(f"{entry.landing_page}#version-{number}")


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
    graph: Graph,
    catalogue: Catalogue,
    entry: DatasetEntry,
    dist: Distribution,
    service: URIRef,
    modified: str | None,
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
    if dist.media_type_uri:
        graph.add((node, DCAT.mediaType, URIRef(dist.media_type_uri)))
    if dist.compress_format_uri:
        graph.add((node, DCAT.compressFormat, URIRef(dist.compress_format_uri)))
    graph.add((node, DCTERMS.license, URIRef(entry.licence.uri)))
    if entry.licence.attribution:
        graph.add((node, DCATDE.licenseAttributionByText, Literal(entry.publisher.name, lang="de")))
    graph.add((node, ADMS.status, STATUS_COMPLETED))
    graph.add((node, DCTERMS.language, LANGUAGE_DEU))
    if modified:
        graph.add((node, DCTERMS.modified, _datetime(modified)))
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


def _add_terms(graph: Graph, node: URIRef, entry: DatasetEntry) -> None:
    """What a dataset and each of its versions say alike: language, access, keywords, themes,
    geocoding level, contributor."""
    graph.add((node, DCTERMS.language, LANGUAGE_DEU))
    graph.add((node, DCTERMS.accessRights, ACCESS_PUBLIC))
    for keyword in entry.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="de")))
    for theme in entry.themes:
        graph.add((node, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    # dcatde:politicalGeocodingURI is deprecated in 3.0: the key URI lives in dct:spatial.
    graph.add((node, DCATDE.politicalGeocodingLevelURI, URIRef(entry.political_geocoding_level_uri)))
    if entry.publisher.contributor_id:
        graph.add((node, DCATDE.contributorID, URIRef(entry.publisher.contributor_id)))


def _add_dataset(graph: Graph, catalogue: Catalogue, entry: DatasetEntry, publisher: URIRef, service: URIRef) -> URIRef:
    node = dataset_uri(catalogue, entry)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCTERMS.title, Literal(entry.title, lang="de")))
    graph.add((node, DCTERMS.description, Literal(entry.public_description, lang="de")))
    graph.add((node, DCTERMS.publisher, _publisher_for(graph, catalogue, entry, publisher)))
    graph.add((node, DCAT.contactPoint, _add_contact(graph, entry.contact)))
    graph.add((node, DCAT.landingPage, URIRef(entry.landing_page)))
    _add_terms(graph, node, entry)
    graph.add((node, DCTERMS.spatial, _add_location(graph, entry)))
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
        graph.add((node, DCAT.distribution, _add_distribution(graph, catalogue, entry, dist, service, entry.modified)))
    if entry.tables:
        graph.add((service, DCAT.servesDataset, node))
    return node


def _add_earlier_versions(
    graph: Graph, catalogue: Catalogue, entry: DatasetEntry, current: URIRef, service: URIRef
) -> list[URIRef]:
    """Each kept earlier version as a complete dcat:Dataset (DCAT-AP.de wants a dataset as the
    target of dcat:hasVersion), linked both ways with the current one (DCAT 3 version
    hierarchy) and to its predecessor where both are kept (version chain). Publisher, contact,
    licence, themes and coverage are the current dataset's: a version changes the data, not who
    publishes it under which terms."""
    nodes = []
    kept = {version.number for version in entry.earlier_versions}
    # The contact is a blank node: a copy each, since a shared one would be written with a
    # random label and change the catalogue's bytes on every build.
    shared = [(p, o) for p in (DCTERMS.publisher, DCTERMS.spatial) for o in graph.objects(current, p)]
    for version in entry.earlier_versions:
        node = version_uri(entry, version.number)
        nodes.append(node)
        _add_version(graph, catalogue, entry, version, node, service)
        for predicate, obj in shared:
            graph.add((node, predicate, obj))
        graph.add((node, DCAT.contactPoint, _add_contact(graph, entry.contact)))
        graph.add((current, DCAT_HAS_VERSION, node))
        graph.add((node, DCAT_IS_VERSION_OF, current))
        if version.number - 1 in kept:
            graph.add((node, DCAT_PREVIOUS_VERSION, version_uri(entry, version.number - 1)))
    if entry.version and int(entry.version) - 1 in kept:
        graph.add((current, DCAT_PREVIOUS_VERSION, version_uri(entry, int(entry.version) - 1)))
    return nodes


def _add_version(
    graph: Graph, catalogue: Catalogue, entry: DatasetEntry, version: EarlierVersion, node: URIRef, service: URIRef
) -> None:
    date = german_date(version.date)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCTERMS.title, Literal(f"{entry.title} – Version {version.number} vom {date}", lang="de")))
    graph.add(
        (
            node,
            DCTERMS.description,
            Literal(
                f"Version {version.number} des Datensatzes „{entry.title}“, wie das Portal sie am {date} "
                f"veröffentlicht hat ({version.notes[:1].lower()}{version.notes[1:]}). "
                f"Die aktuelle Version und alle Änderungen: "
                f"{entry.landing_page}aenderungen/\n\n{entry.public_description}",
                lang="de",
            ),
        )
    )
    graph.add((node, DCAT.landingPage, URIRef(f"{entry.landing_page}aenderungen/#version-{version.number}")))
    _add_terms(graph, node, entry)
    graph.add((node, DCTERMS.issued, _datetime(version.date)))
    graph.add((node, DCTERMS.modified, _datetime(version.date)))
    graph.add((node, DCAT_VERSION, Literal(str(version.number))))
    graph.add((node, ADMS.versionNotes, Literal(version.notes, lang="de")))
    if entry.musterdatenkatalog:
        graph.add((node, DCTERMS.references, URIRef(entry.musterdatenkatalog)))
    for dist in version.distributions:
        graph.add((node, DCAT.distribution, _add_distribution(graph, catalogue, entry, dist, service, version.date)))


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
            node = _add_dataset(graph, catalogue, entry, publisher, service)
            graph.add((catalog, DCAT.dataset, node))
            for version in _add_earlier_versions(graph, catalogue, entry, node, service):
                graph.add((catalog, DCAT.dataset, version))
    return graph
