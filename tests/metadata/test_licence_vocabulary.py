"""metadata/licences.yaml holds the complete DCAT-AP.de licence vocabulary (checked against the
official vocabulary file where it lies), so a town can name any licence GovData knows."""

from __future__ import annotations

import rdflib
import yaml
from rdflib.namespace import RDF, SKOS

from tests.conftest import REPO


def test_every_dcat_ap_de_licence_has_a_code(reference_dir):
    graph = rdflib.Graph()
    graph.parse(reference_dir / "dcat-ap-de" / "vocabularies" / "dcat-ap-de-licenses_20210721.rdf")
    official = {str(s) for s in graph.subjects(RDF.type, SKOS.Concept)}
    licences = yaml.safe_load((REPO / "metadata" / "licences.yaml").read_text(encoding="utf-8"))
    ours = {str(entry["uri"]) for entry in licences.values()}
    assert official - ours == set()
    assert ours - official == set()  # no URI GovData would not know
    assert licences["cc-by-de/3.0"]["uri"] == "http://dcat-ap.de/def/licenses/cc-by-de/3.0"
    assert len(official) == 34
