"""The SQL limits of publish/datasette/sql_limits.py on a plain SQLite connection prepared like Datasette's."""

from __future__ import annotations

import sqlite3

import pytest

from publish.datasette import sql_limits


@pytest.fixture
def connection():
    conn = sqlite3.connect(":memory:")
    sql_limits.prepare_connection(conn, "portal", None)
    yield conn
    conn.close()


def test_a_value_beyond_the_limit_is_refused_by_sqlite(connection):
    with pytest.raises(sqlite3.DataError, match="too big"):
        connection.execute(f"select randomblob({sql_limits.VALUE_LIMIT_BYTES + 1})").fetchall()
    assert (
        len(connection.execute(f"select randomblob({sql_limits.VALUE_LIMIT_BYTES})").fetchone()[0])
        == sql_limits.VALUE_LIMIT_BYTES
    )


def test_rows_are_counted_while_fetched(connection):
    rows = sql_limits.RESULT_LIMIT_BYTES // 2**20 + 1
    big = (
        f"with recursive c(x) as (select 1 union all select x + 1 from c limit {rows}) "
        "select randomblob(1048576) from c"
    )
    with pytest.raises(sql_limits.ResultTooLarge) as refused:
        connection.execute(big).fetchall()
    assert str(refused.value) == sql_limits.RESULT_TOO_BIG
    small = big.replace(f"limit {rows}", f"limit {rows - 2}")
    assert len(connection.execute(small).fetchall()) == rows - 2  # a new query starts from zero
    assert connection.execute("select 1 as one").fetchone()["one"] == 1  # still Datasette's sqlite3.Row


def test_printf_beyond_the_value_limit_is_null_without_padding(connection):
    assert sql_limits._bounded_printf("%.*c", 333_333_333, "x") is None
    assert sql_limits._bounded_printf("%0100000000d", 1) is None
    assert connection.execute("select format('%.*c', 333333333, 'x')").fetchone()[0] is None
    assert connection.execute("select printf('%05.1f|%*d|%s|%%', 2.25, 4, 7, 'a')").fetchone()[0] == "002.3|   7|a|%"
    assert connection.execute("select printf('%.3s', 'abcdef'), printf(null)").fetchone()[:] == ("abc", None)
