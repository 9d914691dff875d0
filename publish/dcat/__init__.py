"""DCAT-AP.de 3.0 catalogue of the portal: build it from ``build/``, write it, check it."""

from publish.dcat.graph import build_graph
from publish.dcat.write import CATALOGUE_FILES, write_catalogue

__all__ = ["CATALOGUE_FILES", "build_graph", "write_catalogue"]
