"""A hidden cell that changes never appears in a change list (issue 19, disclosure control).

A real build of the demo bulky-waste statistics, then a new series (the town deleted the
disclosure state to publish corrections, docs/decisions/disclosure-across-releases.md) from
an export with other records: cells hidden in one version and shown, or shown differently, in
the other. The complete delta in the history store has such changes (so this test can
fail); no list a visitor can reach does: the change file, portal_changes, the page, the feeds.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import sqlite3

import feedparser

from contracts.build_folder import VERSIONS_FILE
from contracts.history import KEY_SEPARATOR, VALUE_CHANGED, read_changes
from kommune import portal
from pipelines.demo.service_records import write_export
from pipelines.history.store import DELTAS
from publish.site.changes import _readable

DATASET = "service-sperrmuell"
ROW = re.compile(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>")


def _cells(text: str) -> dict[tuple[str, str], str]:
    """(key, column) -> value of a published statistics table (key: period, row, column label)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    key_fields = [name for name in rows[0] if name in ("monat", "quartal")] + ["leistung", "kanal"]
    return {
        (KEY_SEPARATOR.join(row[name] for name in key_fields), column): value
        for row in rows
        for column, value in row.items()
    }


def hidden_cell_changes(changes, before: dict, after: dict) -> list[dict]:
    return [
        change
        for change in changes
        if change["kind"] == VALUE_CHANGED
        and (before.get((change["key"], change["column"])) == "" or after.get((change["key"], change["column"])) == "")
    ]


def test_a_hidden_cell_that_changes_is_in_no_change_list(portal_dir):
    folder = portal_dir.add_demo(DATASET)
    assert not portal.build(portal_dir.root, portal_dir.out).failed
    write_export(DATASET, folder / "sample" / "sperrmuell.csv", seed=7)
    (portal_dir.root / ".build-state" / "datasets" / DATASET / "disclosure-releases.json").unlink()
    assert not portal.build(portal_dir.root, portal_dir.out).failed

    dataset_dir = portal_dir.out / "datasets" / DATASET
    log = json.loads((dataset_dir / VERSIONS_FILE).read_text(encoding="utf-8"))
    first, second = log["versions"]
    (table,) = second["hashes"]
    before = _cells(gzip.decompress((dataset_dir / first["tables"][table]).read_bytes()).decode("utf-8"))
    after = _cells((dataset_dir / f"{table}.csv").read_text(encoding="utf-8"))
    assert any(value == "" for value in before.values()) and any(value == "" for value in after.values())

    store = portal_dir.root / ".build-state" / "history" / DATASET
    complete = list(read_changes(store / DELTAS / second["delta"]))
    assert hidden_cell_changes(complete, before, after), "the new series changes no hidden cell: test is void"

    listed = list(read_changes(dataset_dir / second["changes"]))
    assert listed, "the new series lists no change at all"
    assert hidden_cell_changes(listed, before, after) == []
    assert hidden_cell_changes(second["examples"], before, after) == []

    db = sqlite3.connect(portal_dir.out / "portal.db")
    db.row_factory = sqlite3.Row
    in_database = [dict(row) for row in db.execute("select * from portal_changes where dataset = ?", [DATASET])]
    assert len(in_database) == len(listed)
    assert hidden_cell_changes(in_database, before, after) == []

    # the page and the feeds: no row of the change table, no sentence names a hidden change
    package = json.loads((dataset_dir / "datapackage.json").read_text(encoding="utf-8"))
    hidden = [_readable(package, change) for change in hidden_cell_changes(complete, before, after)]
    site = portal_dir.out / "site"
    page = (site / "datensaetze" / DATASET / "aenderungen" / "index.html").read_text(encoding="utf-8")
    shown = {tuple(html.unescape(cell) for cell in row) for row in ROW.findall(page)}
    assert shown, "the page lists no change: test is void"
    assert not {tuple(change.values()) for change in hidden} & shown
    for feed_path in (site / "datensaetze" / DATASET / "aenderungen.atom", site / "neu.atom"):
        feed = feedparser.parse(feed_path.read_bytes())
        summaries = " ".join(entry.summary for entry in feed.entries)
        assert any(entry.title.endswith("Version 2") for entry in feed.entries)
        assert not [c for c in hidden if f"{c['column']}, {c['row']}: {c['old']} → {c['new']}" in summaries]
