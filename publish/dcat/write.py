"""Write the DCAT-AP.de catalogue into ``build/`` as Turtle, RDF/XML and JSON-LD."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from rdflib import Graph

from publish.build_folder import BuildFolder
from publish.catalogue import read_catalogue
from publish.dcat.graph import build_graph

# file name in build/ -> (rdflib format, media type the site serves it with)
CATALOGUE_FILES: dict[str, tuple[str, str]] = {
    "catalog.ttl": ("turtle", "text/turtle"),
    "catalog.rdf": ("pretty-xml", "application/rdf+xml"),
    "catalog.jsonld": ("json-ld", "application/ld+json"),
}


def register_media_types() -> None:
    """Teach Python's mimetypes (used by the static file server) the catalogue's types:
    harvesters decide by Content-Type how to parse the file."""
    for name, (_fmt, media_type) in CATALOGUE_FILES.items():
        mimetypes.add_type(media_type, Path(name).suffix)


def _write_atomically(path: Path, text: str) -> None:
    # A harvester may fetch the file while a build runs: never let it see half a file.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_catalogue(build: BuildFolder | Path) -> Graph:
    """Build the catalogue from a build and write catalog.ttl/.rdf/.jsonld into its root.

    Returns the graph. Raises publish.catalogue.CatalogueError when the build lacks
    metadata the catalogue needs.
    """
    build = build if isinstance(build, BuildFolder) else BuildFolder.open(build)
    graph = build_graph(read_catalogue(build))
    for name, (fmt, _media_type) in CATALOGUE_FILES.items():
        _write_atomically(build.root / name, graph.serialize(format=fmt))
    return graph
