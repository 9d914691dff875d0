"""Bounding-box search for tables with geometry: an R*Tree beside the table.

A resource whose `kommune.geometry` names its GeoJSON column carries the columns
`bbox_west`, `bbox_sued`, `bbox_ost`, `bbox_nord` (degrees, WGS84). portal.db then gets a
virtual table `<table>_rtree(id, min_x, max_x, min_y, max_y)` keyed by the table's rowid —
measured fastest for map windows (docs/decisions/geometry-storage.md), and built into SQLite,
so Datasette needs no extension. Query it like:

    select p.* from bebauungsplaene p join bebauungsplaene_rtree r on p.rowid = r.id
    where r.max_x >= :west and r.min_x <= :east and r.max_y >= :south and r.min_y <= :north
"""

from __future__ import annotations

import sqlite_utils

BBOX_COLUMNS = ("bbox_west", "bbox_ost", "bbox_sued", "bbox_nord")  # in R*Tree order: x, x, y, y


def rtree_name(table: str) -> str:
    return f"{table}_rtree"


# SQLite keeps an R*Tree in three shadow tables beside the virtual one.
RTREE_SHADOW_SUFFIXES = ("_rowid", "_node", "_parent")


def rtree_tables(table: str) -> list[str]:
    """The R*Tree of `table` and its shadow tables: helpers no visitor needs to see listed."""
    return [rtree_name(table)] + [rtree_name(table) + suffix for suffix in RTREE_SHADOW_SUFFIXES]


def create_rtree(db: sqlite_utils.Database, resource: dict) -> str | None:
    """Create and fill the R*Tree for `resource` if it declares a geometry column and has the
    bbox columns; return the R*Tree's name, or None when the resource has no geometry."""
    if not resource.get("kommune", {}).get("geometry"):
        return None
    table = resource["name"]
    columns = {field["name"] for field in resource["schema"]["fields"]}
    if not set(BBOX_COLUMNS) <= columns:
        return None
    name = rtree_name(table)
    with db.conn:
        db.execute(f"drop table if exists [{name}]")
        db.execute(f"create virtual table [{name}] using rtree(id, min_x, max_x, min_y, max_y)")
        db.execute(
            f"insert into [{name}] select rowid, {', '.join(BBOX_COLUMNS)} from [{table}] "
            f"where {' and '.join(f'{column} is not null' for column in BBOX_COLUMNS)}"
        )
    return name
