"""The portal's catalogue as read from ``build/``: one entry per published dataset.

DCAT-AP.de (``publish/dcat``), CKAN (``publish/ckan``) and the site's catalogue page all
describe the same datasets with the same URLs, sizes and checksums; this module computes
them once from ``build/portal.json`` and ``build/datasets/<id>/datapackage.json`` so the
three cannot drift apart.
"""

from publish.catalogue.model import (
    SAMPLE_NOTE,
    Agent,
    Catalogue,
    CatalogueError,
    Contact,
    DatasetEntry,
    Distribution,
    EarlierVersion,
    Licence,
)
from publish.catalogue.reader import file_digest, file_format, read_catalogue

__all__ = [
    "SAMPLE_NOTE",
    "Agent",
    "Catalogue",
    "CatalogueError",
    "Contact",
    "DatasetEntry",
    "Distribution",
    "EarlierVersion",
    "Licence",
    "file_digest",
    "file_format",
    "read_catalogue",
]
