"""Write the DCAT-AP.de catalogue into ``build/`` as Turtle, RDF/XML and JSON-LD."""
from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph

from publish.catalogue import read_catalogue
from publish.dcat.graph import build_graph

# file name in build/ -> (rdflib format, media type the site serves it with)
CATALOGUE_FILES: dict[str, tuple[str, str]] = {
    "catalog.ttl": ("turtle", "text/turtle"),
    "catalog.rdf": ("pretty-xml", "application/rdf+xml"),
    "catalog.jsonld": ("json-ld", "application/ld+json"),
}


def _write_atomically(path: Path, text: str) -> None:
    # A harvester may fetch the file while a build runs: never let it see half a file.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_catalogue(build_dir: Path) -> Graph:
    """Build the catalogue from ``build_dir`` and write catalog.ttl/.rdf/.jsonld into it.

    Returns the graph. Raises publish.catalogue.CatalogueError when build/ lacks
    metadata the catalogue needs.
    """
    build_dir = Path(build_dir)
    graph = build_graph(read_catalogue(build_dir))
    for name, (fmt, _media_type) in CATALOGUE_FILES.items():
        _write_atomically(build_dir / name, graph.serialize(format=fmt))
    return graph
