"""SHACL check of the demo catalogue against the official DCAT-AP.de 3.0 shapes and vocabularies."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib import namespace as ns

from publish.catalogue import read_catalogue
from publish.dcat import build_graph
from publish.dcat.check import ShapesNotFound, check_catalogue_file, check_graph, shapes_dir


def test_demo_catalogue_has_no_violations(fixture_build, dcat_reference_dir):
    report = check_graph(build_graph(read_catalogue(fixture_build)), dcat_reference_dir)
    assert report.violations == [], "\n".join(map(str, report.violations))
    # The one warning left: the Level vocabulary is not in the reference folder (VALIDATING.md §2).
    assert {r.focus for r in report.warnings} == {"http://dcat-ap.de/def/politicalGeocoding/Level/municipality"}


@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.rdf", "catalog.jsonld"])
def test_every_file_the_build_writes_passes(fixture_build, dcat_reference_dir, name):
    report = check_catalogue_file(fixture_build / name, dcat_reference_dir)
    assert report.conforms and report.warnings


def test_check_finds_our_defects(fixture_build, dcat_reference_dir):
    """Loading the vocabularies does not silence the checks: broken data gives violations."""
    graph = build_graph(read_catalogue(fixture_build))
    dataset = next(graph.subjects(ns.DCAT.distribution, None))
    graph.remove((dataset, ns.DCTERMS.publisher, None))
    graph.set((dataset, ns.DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/XXXX")))
    distribution = next(graph.objects(dataset, ns.DCAT.distribution))
    graph.remove((distribution, ns.DCTERMS.license, None))
    report = check_graph(graph, dcat_reference_dir)
    paths = {r.path for r in report.violations}
    assert str(ns.DCTERMS.publisher) in paths
    assert str(ns.DCTERMS.license) in paths
    assert any(r.focus.endswith("data-theme/XXXX") for r in report.violations)


def test_missing_shapes_folder_is_a_clear_error(tmp_path, fixture_build):
    with pytest.raises(ShapesNotFound, match="KOMMUNE_DCAT_SHAPES"):
        check_graph(build_graph(read_catalogue(fixture_build)), tmp_path)


def test_shapes_folder_setting_order(tmp_path, monkeypatch):
    monkeypatch.delenv("KOMMUNE_DCAT_SHAPES", raising=False)
    assert shapes_dir(tmp_path) == (tmp_path / ".." / "shared" / "reference" / "dcat-ap-de").resolve()
    monkeypatch.setenv("KOMMUNE_DCAT_SHAPES", str(tmp_path / "env"))
    assert shapes_dir(tmp_path) == (tmp_path / "env").resolve()
    assert shapes_dir(tmp_path, tmp_path / "opt") == (tmp_path / "opt").resolve()
