"""`kommune check [FILE|URL]` on foreign catalogues, through the real CLI in a subprocess.

The three catalogues in catalogues/ were written for these tests, each with known defects
(old or wrong dcatde namespace, licence and format as text, missing publisher, blank-node
distributions and agents, an unknown theme, a deprecated property). They are checked
against the official shapes in ../shared/reference, read where they lie.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publish.dcat.source import CatalogueUnreadable, read_source
from tests.conftest import REPO, run_kommune

CATALOGUES = Path(__file__).parent / "catalogues"
BLANK_NODE_ID = re.compile(r"\b[nN][0-9a-f]{20,}\b")


def _check(*args: str, shapes: Path) -> tuple[int, str, str]:
    result = run_kommune("check", *args, "--shapes", str(shapes), cwd=REPO)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


def _section(text: str, heading: str) -> str:
    """The lines of one dataset's block in the text report (up to the next blank line)."""
    start = text.index(heading)
    end = text.find("\n\n", start)
    return text[start : end if end > 0 else None]


def test_turtle_catalogue_grouped_by_dataset_and_distribution(dcat_reference_dir):
    code, out, _err = _check(str(CATALOGUES / "foreign.ttl"), shapes=dcat_reference_dir)
    assert code == 1
    assert not BLANK_NODE_ID.search(out), out
    budget = _section(out, "Datensatz „Haushaltsplan 2024“ (Kennung: haushalt-2024)")
    trees = _section(out, "Datensatz „Baumkataster“ (Kennung: baumkataster)")
    # The old namespace is named as such, with the right property to use instead.
    assert "Verstoß (falscher Namensraum): <http://dcat-ap.de/def/dcatde/1_0/contributorID>" in budget
    assert "richtig ist dcatde:contributorID" in budget
    # The unknown theme is reported at the dataset that uses it, by the property it uses.
    assert (
        "Verstoß (Vokabular): dcat:theme  Wert: <http://publications.europa.eu/resource/authority/data-theme/XXXX>"
    ) in budget
    # The publisher is a blank node without name: named by its place, not by an id.
    assert "Verstoß (Form): dct:publisher › foaf:name" in budget
    assert "Warnung (veraltet): owl:versionInfo" in budget and "durch dcat:version ersetzen" in budget
    # The blank-node distribution is found under its dataset by its title.
    distribution = budget[budget.index("  Verteilung „Haushalt als CSV“") :]
    assert 'Verstoß (Form): dct:license  Wert: "CC-BY 4.0" (Text)' in distribution
    assert "Lizenz als IRI aus dem Lizenz-Vokabular" in distribution
    assert 'Verstoß (Vokabular): dct:format  Wert: "csv" (Text)' in distribution
    assert "Verstoß (Form): dct:publisher\n" in trees and "Pflichtangabe fehlt" in trees
    assert "Verstoß (Form): dcat:contactPoint" in trees and "vcard:hasEmail" in trees
    # The correct distribution of the tree dataset has nothing to report.
    assert "geojson" not in trees
    assert out.rstrip().endswith("DCAT-AP.de: 8 Verstöße, 2 Warnungen, 0 Hinweise.")


def test_rdfxml_catalogue_as_json_report(dcat_reference_dir, tmp_path):
    report = tmp_path / "bericht.json"
    code, out, _err = _check(
        str(CATALOGUES / "foreign.rdf"), "--format", "json", "--output", str(report), shapes=dcat_reference_dir
    )
    assert code == 1 and "5 Verstöße, 1 Warnung" in out
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 5, "Warning": 1, "Info": 0}
    [dataset] = document["datasets"]
    assert (dataset["title"], dataset["identifier"]) == ("Wahlergebnisse Gemeinderat", "wahl-2020")
    own = {(f["kind"], f["property"]) for f in dataset["findings"]}
    assert own == {
        ("falscher Namensraum", "<http://dcat-ap.de/def/dcatde/1.0/contributorID>"),
        ("Form", "dct:publisher"),
    }
    [distribution] = dataset["distributions"]
    assert distribution["label"] == "Verteilung „Ergebnisse als Tabelle“" and distribution["iri"] == ""
    by_property = {(f["property"], f["severity"], f["kind"]): f for f in distribution["findings"]}
    licence = by_property[("dct:license", "Violation", "Form")]
    assert licence["value"] == '"Datenlizenz Deutschland Namensnennung" (Text)'
    assert ("dct:format", "Violation", "Vokabular") in by_property
    assert all(f["explanation"] for f in distribution["findings"])


@pytest.fixture
def catalogue_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the test catalogues."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(CATALOGUES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_jsonld_catalogue_from_an_address_as_html_report(dcat_reference_dir, catalogue_server, tmp_path):
    report = tmp_path / "bericht.html"
    code, out, _err = _check(
        f"{catalogue_server}/foreign.jsonld", "--format", "html", "--output", str(report), shapes=dcat_reference_dir
    )
    assert code == 1 and "Bericht geschrieben" in out
    page = report.read_text(encoding="utf-8")
    assert "<h2>Datensatz „Badestellen“</h2>" in page and "Kennung: <code>badestellen</code>" in page
    assert "<h3>Verteilung „Messwerte als JSON“</h3>" in page
    assert "&lt;https://dcat-ap.de/def/dcatde/maintainer&gt;" in page and "falscher Namensraum" in page
    assert "&quot;CC BY 4.0&quot; (Text)" in page
    # Self-contained and shareable: no script, no external stylesheet, image or font.
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert not BLANK_NODE_ID.search(page)


def test_own_build_files_conform(fixture_build, dcat_reference_dir):
    code, out, _err = _check(str(fixture_build / "catalog.rdf"), shapes=dcat_reference_dir)
    assert code == 0, out
    assert "DCAT-AP.de: 0 Verstöße" in out


@pytest.mark.parametrize(
    "content, expected",
    [
        (b'@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:title "kaputt', "kein lesbares Turtle"),
        (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description", "kein lesbares RDF/XML"),
        (b"\x00\xff\xfe binary", "kein lesbares"),
        (b"", "ist leer"),
    ],
)
def test_unreadable_file_exits_2_with_a_german_message(dcat_reference_dir, tmp_path, content, expected):
    broken = tmp_path / "katalog"
    broken.write_bytes(content)
    code, _out, err = _check(str(broken), shapes=dcat_reference_dir)
    assert code == 2 and expected in err, err


def test_unreachable_or_missing_sources_exit_2(dcat_reference_dir, catalogue_server, tmp_path):
    for source, expected in [
        (str(tmp_path / "fehlt.ttl"), "gibt es nicht"),
        (f"{catalogue_server}/fehlt.ttl", "HTTP 404"),
        ("ftp://example.org/katalog.ttl", "nur Dateien und http(s)-Adressen"),
    ]:
        code, _out, err = _check(source, shapes=dcat_reference_dir)
        assert code == 2 and expected in err, (source, err)


def test_source_reader_caps_size_and_sniffs_the_format(tmp_path, catalogue_server):
    """The reader alone (no shapes needed): format from content when the suffix says nothing."""
    copy = tmp_path / "ohne-endung"
    copy.write_bytes((CATALOGUES / "foreign.rdf").read_bytes())
    assert len(read_source(copy)) > 10
    with pytest.raises(CatalogueUnreadable, match="größer als"):
        read_source(CATALOGUES / "foreign.ttl", max_bytes=100)
    with pytest.raises(CatalogueUnreadable, match="größer als"):
        read_source(f"{catalogue_server}/foreign.ttl", max_bytes=100)


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path, catalogue_server):
    """A JSON-LD file naming a remote @context would make rdflib fetch any address, uncapped."""
    hostile = tmp_path / "katalog.jsonld"
    hostile.write_text(
        json.dumps(
            {
                "@context": [f"{catalogue_server}/foreign.jsonld"],
                "@id": "https://example.org/d",
                "@type": "dcat:Dataset",
            }
        )
    )
    with pytest.raises(CatalogueUnreadable, match="externen JSON-LD-Kontext"):
        read_source(hostile)
    assert len(read_source(CATALOGUES / "foreign.jsonld")) > 10  # an embedded context is fine


def test_govdata_quick_test_conforms_and_its_r5r_hash_namespace_is_a_warning(dcat_reference_dir):
    """GovData's own quick test (official example, read where it lies) writes dcatap: as `r5r#`,
    as the DE shapes do: named as a wrong namespace, but only as a warning."""
    code, out, _err = _check(
        str(dcat_reference_dir / "examples" / "shacl-testcase_v3.0_quicktest.ttl"), shapes=dcat_reference_dir
    )
    assert code == 0, out
    assert "Warnung (falscher Namensraum): <http://data.europa.eu/r5r#availability>" in out
    assert "richtig ist dcatap:availability" in out
    assert "DCAT-AP.de: 0 Verstöße" in out
