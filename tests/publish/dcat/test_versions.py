"""Earlier versions in the DCAT-AP.de catalogue (issue 19, point 7): each kept version a complete
dcat:Dataset with its downloads, linked by dcat:hasVersion / dcat:isVersionOf /
dcat:previousVersion, over three real builds of changed sources."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from contracts.build_folder import QUALITY_FILE
from contracts.files import file_sha256
from kommune import portal
from publish.catalogue import read_catalogue
from publish.ckan.mapping import package_dict
from publish.dcat.check import check_graph
from publish.dcat.graph import (
    DCAT_HAS_VERSION,
    DCAT_IS_VERSION_OF,
    DCAT_PREVIOUS_VERSION,
    DCAT_VERSION,
    SPDX,
    build_graph,
)
from publish.dcat.write import CATALOGUE_FILES
from tests.conftest import PortalDir, dataset_yaml
from tests.pipelines.test_history import build_version

BASE = "http://127.0.0.1:8000"
PAGE = f"{BASE}/datensaetze/wartezeiten/"
CURRENT = URIRef(PAGE + "#datensatz")
V1, V2 = URIRef(PAGE + "#version-1"), URIRef(PAGE + "#version-2")


@pytest.fixture(scope="module")
def three_versions(tmp_path_factory) -> PortalDir:
    portal_dir = PortalDir(tmp_path_factory.mktemp("versions") / "portal")
    for number in (1, 2, 3):
        build_version(portal_dir, number)
    return portal_dir


def _graph(portal_dir: PortalDir) -> Graph:
    return Graph().parse(portal_dir.out / "catalog.ttl", format="turtle")


def _file_of(portal_dir: PortalDir, url: str):
    """The file in the release a catalogue URL of a dataset download names."""
    assert url.startswith(f"{BASE}/datensaetze/"), url
    return portal_dir.out / "datasets" / url.removeprefix(f"{BASE}/datensaetze/")


def test_earlier_versions_are_datasets_linked_both_ways_with_downloads_in_the_release(three_versions):
    graph = _graph(three_versions)
    assert set(graph.objects(CURRENT, DCAT_HAS_VERSION)) == {V1, V2}
    assert set(graph.subjects(DCAT_IS_VERSION_OF, CURRENT)) == {V1, V2}
    assert set(graph.subject_objects(DCAT_PREVIOUS_VERSION)) >= {(V2, V1), (CURRENT, V2)}
    assert (V1, DCAT_PREVIOUS_VERSION, None) not in graph
    catalog = next(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    for number, version in ((1, V1), (2, V2)):
        assert (version, ns.RDF.type, ns.DCAT.Dataset) in graph and (catalog, ns.DCAT.dataset, version) in graph
        assert str(graph.value(version, DCAT_VERSION)) == str(number)
        assert str(graph.value(version, ns.DCTERMS.title)).startswith(f"Testdaten – Version {number} vom ")
        issued = graph.value(version, ns.DCTERMS.issued)
        assert issued.datatype == ns.XSD.dateTime and issued == graph.value(version, ns.DCTERMS.modified)
        for predicate in (ns.DCTERMS.publisher, ns.DCAT.theme, ns.DCTERMS.accessRights, ns.DCTERMS.spatial):
            assert set(graph.objects(version, predicate)) == set(graph.objects(CURRENT, predicate)), predicate
        downloads = {}
        for distribution in graph.objects(version, ns.DCAT.distribution):
            url = str(graph.value(distribution, ns.DCAT.downloadURL))
            file = _file_of(three_versions, url)
            assert file.is_file(), url
            assert int(graph.value(distribution, ns.DCAT.byteSize)) == file.stat().st_size
            checksum = graph.value(distribution, SPDX.checksum)
            assert str(graph.value(checksum, SPDX.checksumValue)) == file_sha256(file)
            assert graph.value(distribution, ns.DCAT.compressFormat) == URIRef(
                "https://www.iana.org/assignments/media-types/application/gzip"
            )
            downloads[url.removeprefix(PAGE)] = distribution
        # version 1 is the first: its table only; version 2 also lists what changed against 1
        expected = {f"versionen/{number}/wartezeiten.csv.gz"}
        if number == 2:
            expected.add("versionen/2/aenderungen.jsonl.gz")
        assert set(downloads) == expected


def test_the_catalogue_page_the_quality_score_and_ckan_know_only_the_current_datasets(three_versions):
    quality = json.loads((three_versions.out / QUALITY_FILE).read_text(encoding="utf-8"))
    assert set(quality["datasets"]) == {"namen", "wartezeiten"}
    page = (three_versions.out / "site" / "katalog" / "index.html").read_text(encoding="utf-8")
    assert "Testdaten" in page and "Version 1 vom" not in page and "#version-" not in page
    catalogue = read_catalogue(three_versions.out)
    assert [entry.id for entry in catalogue.datasets] == ["namen", "wartezeiten"]
    for entry in catalogue.datasets:
        urls = [resource["url"] for resource in package_dict(catalogue, entry)["resources"]]
        assert not any("/versionen/" in url for url in urls), urls


def test_an_unchanged_rebuild_writes_the_same_catalogue_bytes(three_versions):
    before = {name: (three_versions.out / name).read_bytes() for name in CATALOGUE_FILES}
    assert b"#version-2" in before["catalog.ttl"]
    assert not portal.build(three_versions.root, three_versions.out).failed
    assert {name: (three_versions.out / name).read_bytes() for name in CATALOGUE_FILES} == before
    # The rebuild reuses the files (publish/reuse.py); Turtle written afresh is the same too
    # (RDF/XML and JSON-LD label blank nodes at random, so only reuse keeps them).
    assert build_graph(read_catalogue(three_versions.out)).serialize(format="turtle").encode() == before["catalog.ttl"]


def test_the_version_datasets_pass_the_dcat_ap_de_shapes(three_versions, dcat_reference_dir):
    report = check_graph(_graph(three_versions), dcat_reference_dir)
    assert report.violations == [], "\n".join(map(str, report.violations))
    focus = {str(r.focus) for r in report.warnings}
    # The one warning left, on every dataset alike: the Level vocabulary is not in the
    # reference folder (VALIDATING.md §2).
    assert focus == {"http://dcat-ap.de/def/politicalGeocoding/Level/municipality"}


def test_a_version_no_longer_kept_whole_is_listed_in_the_log_but_not_in_the_catalogue(portal_dir):
    for number in (1, 2, 3):
        build_version(portal_dir, number, with_names=False)
        if number == 1:
            (portal_dir.root / "datasets" / "wartezeiten" / "dataset.yaml").write_text(
                dataset_yaml("{kind: csv, path: sample/daten.csv}", extra="history: {keep: 1}\n"), encoding="utf-8"
            )
    log = json.loads((portal_dir.out / "datasets" / "wartezeiten" / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in log["versions"]] == [1, 2, 3]
    graph = _graph(portal_dir)
    assert set(graph.objects(CURRENT, DCAT_HAS_VERSION)) == {V2}
    assert (V1, None, None) not in graph and (None, None, V1) not in graph
    assert set(graph.subject_objects(DCAT_PREVIOUS_VERSION)) == {(CURRENT, V2)}
