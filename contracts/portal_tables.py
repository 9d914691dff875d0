"""Table names in portal.db with a meaning beyond their dataset.

`publish/` writes tables of its own and reads some dataset tables by name (the planning
map's town boundary, the permit statistics, the peer comparison's tables);
`pipelines.portal_rules` keeps declarations from colliding with them, so a clash is a
declaration problem and never a failure while publishing.
"""

from __future__ import annotations

from contracts.peer_comparison import TOWNS_SCHEMA, TOWNS_TABLE, VALUES_SCHEMA, VALUES_TABLE

# publish/ names the tables it adds to portal.db with this prefix (portal_datasets, portal_summaries,
# portal_facet_counts); no dataset table may start with it.
RESERVED_PREFIX = "portal_"
# Tables derived from a dataset table (sqlite-utils' full-text index `<table>_fts`, the R*Tree
# `<table>_rtree`, publish.geometry_index): no dataset table may end like them.
DERIVED_SUFFIXES = ("_fts", "_rtree")

BOUNDARY_TABLE = "stadtgrenze"  # the frame of the planning map
PERMITS_TABLE = "baugenehmigungen"  # building-permit statistics on the planning pages
STREETS_TABLE = "strassen"  # the street register: council business is matched to its streets
# The columns the site reads from each table it finds by name.
SITE_TABLES: dict[str, tuple[str, ...]] = {
    BOUNDARY_TABLE: ("geometrie", "name"),
    STREETS_TABLE: ("id", "name", "ortsteil", "geometrie"),
    PERMITS_TABLE: (
        "jahr",
        "gebaeudeart",
        "baugenehmigungen",
        "baufertigstellungen",
        "wohnungen_genehmigt",
        "wohnungen_fertiggestellt",
        "wohnflaeche_m2",
    ),
    # the comparison page (publish/site/comparison.py) reads the peers kind's tables
    TOWNS_TABLE: tuple(field["name"] for field in TOWNS_SCHEMA["fields"]),
    VALUES_TABLE: tuple(field["name"] for field in VALUES_SCHEMA["fields"]),
}
