"""Datasette's column facet, answered from `portal_facet_counts` when a table is unfiltered.

`portal_facet_counts` (publish/datasette/facet_counts.py) holds, per declared facet column, exactly the
rows Datasette's facet query returns for the whole table. `StoredCountsColumnFacet` is
Datasette 0.65's `ColumnFacet` with one change: for a request without filters or search, the
per-column query is replaced by a read of the stored rows. Links, labels, truncation and the
JSON shape stay Datasette's own. Filtered requests, other columns and bigger facet sizes than
were stored run Datasette's query as before.

Datasette registers its facet classes as the built-in plugin `datasette.facets`; two classes of
type "column" would both run, so `register()` takes that plugin's place with this module
(Datasette's date and array facets unchanged).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.plugins import pm
from datasette.utils import detect_json1, escape_sqlite

from publish.datasette.facet_counts import FACET_COUNTS_TABLE, VALUES_KEPT

BUILT_IN_FACETS = "datasette.facets"
PLUGIN_NAME = "offene-kommune-facets"
# Datasette 0.65's per-column facet SQL (facets.py, ColumnFacet.facet_results).
_FACET_SQL = re.compile(
    r"^\s*select (?P<column>.+?) as value, count\(\*\) as count from \(.*\)\s*where .+ is not null"
    r"\s*group by .+ order by count desc, value limit (?P<limit>\d+)\s*$",
    re.S,
)


def register() -> None:
    """Put this module in the place of Datasette's built-in facet plugin (once per process)."""
    import publish.datasette.facets as plugin

    if pm.get_plugin(BUILT_IN_FACETS) is not None:
        pm.unregister(name=BUILT_IN_FACETS)
    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)


@hookimpl
def register_facet_classes():
    classes = [StoredCountsColumnFacet, DateFacet]
    if detect_json1():
        classes.append(ArrayFacet)
    return classes


class StoredCountsColumnFacet(ColumnFacet):
    """ColumnFacet reading whole-table counts from portal_facet_counts (see the module docstring)."""

    async def facet_results(self):
        stored = await self._stored_columns() if self._whole_table() else {}
        if not stored:
            return await super().facet_results()
        datasette = self.ds
        self.ds = _StoredFacetQueries(datasette, self.table, stored)
        try:
            return await super().facet_results()
        finally:
            self.ds = datasette

    def _whole_table(self) -> bool:
        """True when the rows faceted are all rows of the table: no filter, search or _where."""
        if not self.table or self.params:
            return False
        sql = " ".join(self.sql.split())
        return sql.endswith(f" from {escape_sqlite(self.table)}") and " where " not in sql.lower()

    async def _stored_columns(self) -> dict[str, int]:
        """Column → number of stored values, for this table; {} without the counts table."""
        database = self.ds.get_database(self.database)
        if FACET_COUNTS_TABLE not in await database.table_names():
            return {}
        rows = await database.execute(
            f"select column_name, count(*) from [{FACET_COUNTS_TABLE}] where table_name = ? group by column_name",
            [self.table],
        )
        return {row[0]: row[1] for row in rows}


class _StoredFacetQueries:
    """Datasette, except that `execute` answers the whole-table facet query of a stored column
    from portal_facet_counts; every other attribute is the real Datasette's."""

    def __init__(self, datasette, table: str, stored: dict[str, int]):
        self._datasette, self._table = datasette, table
        self._stored = {escape_sqlite(column): (column, values) for column, values in stored.items()}

    def __getattr__(self, name):
        return getattr(self._datasette, name)

    async def execute(self, database, sql, params=None, **options):
        match = _FACET_SQL.match(sql)
        if match and match["column"] in self._stored:
            column, values = self._stored[match["column"]]
            limit = int(match["limit"])
            # Fewer values stored than VALUES_KEPT means the column has no more; otherwise only
            # limits up to what was stored can be answered.
            if values < VALUES_KEPT or limit <= values:
                return await self._datasette.execute(
                    database,
                    f"select value, count from [{FACET_COUNTS_TABLE}] where table_name = ? and column_name = ?"
                    " order by rank limit ?",
                    [self._table, column, limit],
                    **options,
                )
        return await self._datasette.execute(database, sql, params, **options)
