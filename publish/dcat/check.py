"""Validate a DCAT-AP.de catalogue with pyshacl against the official 3.0 shapes.

The shapes and the controlled vocabularies they check against are not part of the project:
their folder is a setting (``reference_dir``; the CLI takes it from ``--shapes`` or the
environment variable ``KOMMUNE_DCAT_SHAPES``, default ``../shared/reference/dcat-ap-de``
beside the portal). How the files fit together is described in that folder's
VALIDATING.md; in short: five shape files form the shapes graph, the vocabularies are
merged into the data graph (their ``skos:inScheme`` triples are what the vocabulary
checks look at), and only results about nodes of our own data count.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_ENV = "KOMMUNE_DCAT_SHAPES"
DEFAULT_SHAPES_DIR = Path("..") / "shared" / "reference" / "dcat-ap-de"

SHAPE_FILES = (
    "shacl-3.0/semic-dcat-ap-3.0.0/dcat-ap-SHACL.ttl",
    "shacl-3.0/dcat-ap-SHACL-DE.ttl",
    "shacl-3.0/dcat-ap-spec-german-additions.ttl",
    "shacl-3.0/dcat-ap-de-deprecated.ttl",
    "shacl-3.0/dcat-ap-de-controlledvocabularies.ttl",
)
# The old 1.0.2 validator's rdf:List file does nothing for the 3.0 checks (VALIDATING.md).
SKIPPED_VOCABULARIES = {"dcat-ap-de-lists_v1.0.2.ttl"}


class ShapesNotFound(Exception):
    """The folder with the official shapes and vocabularies is missing or incomplete."""


@dataclass(frozen=True)
class ShaclResult:
    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str
    value: str
    message: str
    component: str = ""  # the SHACL constraint that failed, e.g. "MinCountConstraintComponent"

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        value = f" (Wert: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class ShaclReport:
    results: list[ShaclResult] = field(default_factory=list)

    def of(self, severity: str) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == severity]

    @property
    def violations(self) -> list[ShaclResult]:
        return self.of("Violation")

    @property
    def warnings(self) -> list[ShaclResult]:
        return self.of("Warning")

    @property
    def conforms(self) -> bool:
        return not self.violations


def shapes_dir(portal_dir: Path, option: str | Path | None = None) -> Path:
    """Resolve the shapes folder: explicit option, then $KOMMUNE_DCAT_SHAPES, then the default."""
    chosen = option or os.environ.get(SHAPES_ENV)
    path = Path(chosen) if chosen else Path(portal_dir) / DEFAULT_SHAPES_DIR
    return path.resolve()


def _require(reference_dir: Path, relative: str) -> Path:
    path = reference_dir / relative
    if not path.is_file():
        raise ShapesNotFound(
            f"{path} fehlt: die offiziellen DCAT-AP.de-3.0-Shapes werden in {reference_dir} erwartet "
            f"(Einstellung --shapes oder {SHAPES_ENV})"
        )
    return path


@functools.lru_cache(maxsize=4)
def load_shapes(reference_dir: Path) -> Graph:
    """The shapes graph of the five 3.0 shape files; parsed once per folder and process."""
    graph = Graph()
    for relative in SHAPE_FILES:
        graph.parse(_require(reference_dir, relative), format="turtle")
    return graph


def _vocabulary_format(path: Path) -> str | None:
    if path.suffix == ".ttl":
        return "turtle"
    if path.suffix in {".rdf", ".xml"}:
        return "xml"
    return None


@functools.lru_cache(maxsize=4)
def load_vocabularies(reference_dir: Path) -> Graph:
    """All vocabularies the shapes check against (~146 000 triples); parsed once per folder."""
    folder = reference_dir / "vocabularies"
    if not folder.is_dir():
        raise ShapesNotFound(f"{folder} fehlt: Vokabulare für die DCAT-AP.de-Prüfung nicht gefunden")
    graph = Graph()
    for path in sorted(folder.iterdir()):
        fmt = _vocabulary_format(path)
        if fmt and path.name not in SKIPPED_VOCABULARIES:
            graph.parse(path, format=fmt)
    return graph


def _text(node: Node | None) -> str:
    return "" if node is None else str(node)


def _path(node: Node | None) -> str:
    """A result's property; complex paths (a blank node of alternatives) name none."""
    return str(node) if isinstance(node, URIRef) else ""


def check_graph(data: Graph, reference_dir: Path) -> ShaclReport:
    """Validate ``data`` and return the results about its own nodes.

    Raises ShapesNotFound when the shapes or vocabularies are not in ``reference_dir``.
    Results whose focus node occurs only in the vocabularies (e.g. the ADMS file's
    ``foaf:maker``) are not ours and are left out, as VALIDATING.md explains.
    """
    # pyshacl takes about a second to import; only `kommune check` needs it, not every command.
    from pyshacl import validate

    reference_dir = Path(reference_dir).resolve()
    shapes = load_shapes(reference_dir)
    merged = Graph()
    merged += load_vocabularies(reference_dir)
    merged += data
    _conforms, report_graph, _text_report = validate(
        merged,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=True,
        inplace=True,
    )
    own_nodes = set(data.subjects()) | set(data.objects())
    results = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(result, SH.focusNode)
        if focus not in own_nodes:
            continue
        severity = _text(report_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        messages = [str(m) for m in report_graph.objects(result, SH.resultMessage)]
        german = [
            str(m) for m in report_graph.objects(result, SH.resultMessage) if getattr(m, "language", None) == "de"
        ]
        results.append(
            ShaclResult(
                severity=severity,
                focus=_text(focus),
                path=_path(report_graph.value(result, SH.resultPath)),
                value=_text(report_graph.value(result, SH.value)),
                message=(german or messages or [""])[0],
                component=_text(report_graph.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            )
        )
    # The same value node reached from several datasets gives identical results: report it once.
    unique = sorted(set(results), key=lambda r: (r.severity, r.focus, r.path, r.message))
    return ShaclReport(unique)


def check_catalogue_file(path: Path, reference_dir: Path) -> ShaclReport:
    """Validate a catalogue file (Turtle, RDF/XML or JSON-LD by suffix, else sniffed)."""
    from publish.dcat.source import read_source

    return check_graph(read_source(path), reference_dir)
