"""Memory bounds for the SQL that visitors send to Datasette (a Datasette plugin).

Datasette's 1 s time limit does not bound memory: `select randomblob(1000000000)` finished
within it and took the server to 7.6 GB (issue 15). Three bounds close that, each where SQLite
or Python holds the bytes:

- SQLite refuses to build any single string or blob longer than `VALUE_LIMIT_BYTES`
  (SQLITE_LIMIT_LENGTH on each of Datasette's connections): randomblob, printf('%.*c'),
  zeroblob, group_concat and friends stop at that size instead of allocating gigabytes.
- Rows are counted while Datasette fetches them: once one query's result passes
  `RESULT_LIMIT_BYTES` the fetch stops with `ResultTooLarge` (many rows of big values).
- All of SQLite's memory in the serving process is capped by `HEAP_LIMIT_BYTES`
  (`pragma hard_heap_limit`, process-wide): sorts and temporary tables spill or fail instead
  of growing without bound.
- `printf`/`format` answer NULL for a width or precision beyond the value limit before SQLite
  sees it, as SQLite answers when the result passes its length limit – but SQLite 3.40 first
  pads one character at a time, deaf to the time limit (`printf('%.*c', 333333333, 'x')` held a
  thread for 21 s).

Each refusal reaches the visitor as a German message (HTTP 400), through Datasette's own
error handling of failed queries.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref

from datasette import hookimpl
from datasette.plugins import pm

PLUGIN_NAME = "offene-kommune-sql-limits"

#: Larger than any cell the portal stores (the biggest are plan geometries, some hundred KB).
VALUE_LIMIT_BYTES = 8 * 2**20
#: Datasette returns at most 1,000 rows per page; with this bound they average 32 KB each.
RESULT_LIMIT_BYTES = 32 * 2**20
HEAP_LIMIT_BYTES = 256 * 2**20
#: What a non-text, non-blob value costs in a fetched row (a Python int or float object).
_SCALAR_BYTES = 32

VALUE_TOO_BIG = (
    f"Ein einzelner Wert der Abfrage wäre größer als {VALUE_LIMIT_BYTES // 2**20} MB geworden. "
    "So große Werte liefert dieses Portal nicht aus."
)
RESULT_TOO_BIG = (
    f"Das Ergebnis der Abfrage ist größer als {RESULT_LIMIT_BYTES // 2**20} MB. Bitte weniger Zeilen "
    "oder Spalten abfragen (LIMIT, WHERE) oder den Datensatz als Datei herunterladen."
)
OUT_OF_MEMORY = (
    "Die Abfrage braucht mehr Arbeitsspeicher, als das Portal einer Abfrage gibt. Bitte die Abfrage "
    "vereinfachen oder den Datensatz als Datei herunterladen."
)

# SQLite's own messages for its limits, and the German one each becomes.
_GERMAN = {"string or blob too big": VALUE_TOO_BIG, "out of memory": OUT_OF_MEMORY}


class ResultTooLarge(sqlite3.OperationalError):
    """A query's fetched rows passed RESULT_LIMIT_BYTES. An OperationalError, so Datasette
    reports it like any failed query (400 with the message) instead of as a server error."""


def register() -> None:
    """Register the plugin with Datasette (once per process; Datasette's plugin manager is global)."""
    import publish.datasette.sql_limits as plugin

    if not pm.is_registered(plugin) and pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_LIMIT_BYTES)
    # Process-wide; the pragma only ever lowers the limit, so running it per connection is harmless.
    conn.execute(f"pragma hard_heap_limit={HEAP_LIMIT_BYTES}")
    conn.row_factory = _counting_row_factory
    for name in ("printf", "format"):
        conn.create_function(name, -1, _bounded_printf, deterministic=True)


_fetching = threading.local()  # per SQL thread: the cursor being fetched and its bytes so far


def _counting_row_factory(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
    """Datasette's `sqlite3.Row`, after adding the row's size to its cursor's total; raises
    ResultTooLarge once the total passes the limit. A new cursor starts from zero."""
    if getattr(_fetching, "cursor", lambda: None)() is not cursor:
        _fetching.cursor, _fetching.bytes = weakref.ref(cursor), 0
    _fetching.bytes += sum(len(value) if isinstance(value, (str, bytes)) else _SCALAR_BYTES for value in row)
    if _fetching.bytes > RESULT_LIMIT_BYTES:
        _fetching.bytes = 0
        raise ResultTooLarge(RESULT_TOO_BIG)
    return sqlite3.Row(cursor, row)


# A conversion of SQLite's printf: flags, width, precision (digits or `*` from the arguments), type.
_CONVERSION = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])")
_plain_printf = threading.local()  # per SQL thread: a connection whose printf is SQLite's own


def _bounded_printf(template, *arguments):
    """SQLite's printf, or None when a width or precision passes VALUE_LIMIT_BYTES. (Not an
    error: Datasette turns on tracebacks of SQL functions, so every refusal would log one.)"""
    if template is None:
        return None
    position = 0
    for width, precision, kind in _CONVERSION.findall(str(template)):
        for size in (width, precision):
            if size == "*":
                size = arguments[position] if position < len(arguments) else 0
                position += 1
            try:
                too_big = abs(int(size or 0)) > VALUE_LIMIT_BYTES
            except (TypeError, ValueError):
                too_big = False
            if too_big:
                return None
        position += kind != "%"
    connection = getattr(_plain_printf, "connection", None)
    if connection is None:
        connection = _plain_printf.connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_LIMIT_BYTES)
    placeholders = ", ".join("?" * (len(arguments) + 1))
    return connection.execute(f"select printf({placeholders})", (template, *arguments)).fetchone()[0]


def german_errors(database) -> None:
    """Make `database.execute` (a Datasette Database) report SQLite's limit errors in German.
    Datasette shows a failed query's message as it is; SQLite's are English and technical."""
    execute = database.execute

    async def execute_with_german_errors(*args, **kwargs):
        try:
            return await execute(*args, **kwargs)
        except sqlite3.Error as error:
            german = _GERMAN.get(str(error))
            if german is None:
                raise
            raise type(error)(german) from None

    database.execute = execute_with_german_errors
