"""Any character in a text cell round-trips: source → cleaned CSV → portal.db (issue 15, point 5),
and the published CSV has a line break outside quotes only at the end of a record (issue 16)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.spreadsheet import LINE_BREAKS
from pipelines.output import write_resource
from publish.database import _rows, load_resource
from tests.conftest import GERMAN_SCHEMA, dataset_yaml, run_kommune
from tests.contracts.test_spreadsheet import breaks_outside_quotes
from tests.reliability.test_bad_inputs import add_good, report_of

SCHEMA = {
    "fields": [
        {"name": "nr", "type": "integer"},
        {"name": "text", "type": "string"},
        {"name": "daten", "type": "object"},
    ]
}
# Any character a Python str can hold and UTF-8 can write (surrogates cannot be encoded).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6))
def test_any_text_round_trips_through_the_published_csv_into_sqlite(tmp_path, cells):
    rows = [[index, text, {"k": other}] for index, (text, other) in enumerate(cells)]
    resource = write_resource(tmp_path, "t", SCHEMA, rows, title="T").descriptor()
    published = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert breaks_outside_quotes(published, "\n") == []
    db = sqlite_utils.Database(memory=True)
    load_resource(db, resource, _rows(tmp_path / "t.csv", SCHEMA))
    stored = db.conn.execute("select nr, text, daten from t order by nr").fetchall()
    # An empty text is a missing value in CSV, as everywhere in the portal.
    assert stored == [
        (index, text or None, json.dumps({"k": other}, ensure_ascii=False, separators=(",", ":")))
        for index, (text, other) in enumerate(cells)
    ]


def test_line_breaks_of_every_kind_in_a_source_are_published_whole(portal_dir):
    """The carriage-return attack of issue 15 and its relatives, through a real `kommune build`:
    before, a bare CR crashed the build (IndexError in publish/database.py) and no dataset was
    published; U+0085/U+2028 were written unquoted."""
    texts = [f"Nord{char}Süd" for char in LINE_BREAKS] + ["\rAnfang", "Ende\r", "=1+1\r", "\u2028;=1"]
    body = io.StringIO()
    writer = csv.writer(body, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Datum", "Betrag", "Ort"])
    for day, text in enumerate(texts, start=1):
        writer.writerow([f"{day:02d}.01.2020", "1,00", text])
    portal_dir.add(
        "umbrueche",
        dataset_yaml('{kind: csv, path: sample/d.csv, encoding: utf-8, delimiter: ";"}'),
        GERMAN_SCHEMA,
        {"sample/d.csv": body.getvalue().encode("utf-8")},
    )
    add_good(portal_dir)
    result = run_kommune("build", "-C", str(portal_dir.root), "--out", str(portal_dir.out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert {k: v["status"] for k, v in report_of(portal_dir.out).items()} == {"umbrueche": "ok", "gut": "ok"}
    published = (portal_dir.out / "datasets" / "umbrueche" / "umbrueche.csv").read_text(encoding="utf-8")
    assert breaks_outside_quotes(published, "\n") == []
    with sqlite3.connect(portal_dir.out / "portal.db") as db:
        assert [ort for (ort,) in db.execute("select ort from umbrueche order by datum")] == texts
        assert db.execute("select count(*) from gut").fetchone() == (2,)
