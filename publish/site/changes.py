"""What changed: per dataset `/datensaetze/<id>/aenderungen/` (its versions, each with a
sentence in plain German and the listed changes), portal-wide `/neu/` ("Was ist neu?"), and an
Atom feed beside each (`aenderungen.atom`, `/neu.atom`) to follow them without an account.

Everything here comes from the version logs (contracts/history.py), which never hold a change
that disclosure control hides. Pages and feeds depend only on the logs, so an unchanged build
writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from contracts.build_folder import VERSIONS_FILE
from contracts.german import german_date, german_measurement, german_period
from contracts.history import (
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RETYPED,
    HASH_KEY_PREFIX,
    KEY_SEPARATOR,
    REASONS,
    ROW_ADDED,
    ROW_REMOVED,
    VALUE_CHANGED,
)
from publish.dataset_failure import for_dataset
from publish.history import PORTAL_CHANGES_TABLE, version_changes, version_log
from publish.site.context import TYPE_WORDS, SiteContext
from publish.site.council_feeds import FeedEntry, atom_feed, parse_time

CHANGES_SHOWN = 100  # per version on a dataset's page; the rest in Datasette and the download
NEWS_SHOWN = 40  # versions on /neu/ and in its feed
NEWS_FEED = "neu.atom"
CHANGES_FEED = "aenderungen.atom"
_PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|\d{2})(-\d{2})?)?$")
PAPER_TABLE = "oparl_paper"
MEETING_TABLE = "oparl_meeting"
COUNCIL_PREFIX = "oparl_"


def render(site: SiteContext) -> None:
    base_url = str(site.portal["site"]["base_url"])
    news: list[dict] = []
    for package in site.packages:
        dataset_id = package["name"]
        with for_dataset(dataset_id, "Website (Änderungen)"):
            log = version_log(site.build, dataset_id)
            if not log:
                continue
            folder = site.build.dataset_dir(dataset_id)
            base = f"datensaetze/{dataset_id}"
            site.publish_file(folder / VERSIONS_FILE, f"{base}/{VERSIONS_FILE}")
            items = []
            for version in reversed(log):
                item = describe_version(package, version, version_changes(site.build, dataset_id, version))
                for path in [version.get("changes"), *version["tables"].values()]:
                    if path:
                        site.publish_file(folder / path, f"{base}/{path}")
                items.append(item)
            site.write_page(
                f"{base}/aenderungen",
                "changes.html",
                package=package,
                items=items,
                base=f"/{base}/",
                keep=json.loads((folder / VERSIONS_FILE).read_text(encoding="utf-8")).get("keep"),
                changes_table=site.build.table_url(PORTAL_CHANGES_TABLE),
                feed=f"/{base}/{CHANGES_FEED}",
            )
            site.write_bytes(
                f"{base}/{CHANGES_FEED}",
                changes_feed(items, f"Änderungen: {package['title']}", base_url, f"/{base}/{CHANGES_FEED}"),
            )
            news += items
    news.sort(key=lambda item: (item["date"], item["dataset"], item["version"]), reverse=True)
    news = news[:NEWS_SHOWN]
    town = site.portal["publisher"]["name"]
    site.write_page("neu", "whats_new.html", days=_by_day(news), feed=f"/{NEWS_FEED}")
    site.write_bytes(NEWS_FEED, changes_feed(news, f"Was ist neu? – {town}", base_url, f"/{NEWS_FEED}", page="/neu/"))


def describe_version(package: dict, version: dict, changes) -> dict:
    """A version for pages and feeds: its sentence, reasons and the first listed changes."""
    shown = []
    council = {"papers": 0, "meetings": 0, "cancelled": 0, "bookkeeping": 0}
    for index, change in enumerate(changes):
        if index < CHANGES_SHOWN:
            shown.append(_readable(package, change))
        if change["table"] == PAPER_TABLE and change["kind"] == ROW_ADDED:
            council["papers"] += 1
        elif change["table"] == MEETING_TABLE and change["kind"] == ROW_ADDED:
            council["meetings"] += 1
        elif (
            change["table"] == MEETING_TABLE
            and change["kind"] == VALUE_CHANGED
            and change["column"] == "cancelled"
            and change["new"] == "true"
        ):
            council["cancelled"] += 1
        elif _bookkeeping(change):
            council["bookkeeping"] += 1
    return {
        "dataset": package["name"],
        "title": package["title"],
        "version": version["version"],
        "date": version["date"],
        "rows": sum(version["rows"].values()),
        "reasons": [REASONS.get(reason, reason) for reason in version["reasons"]],
        "sentence": summary_sentence(package, version, council),
        "counts": version["counts"],
        "changes": shown,
        "more": sum(version["counts"][k] for k in ("rows_added", "rows_removed", "values_changed", "schema_changes"))
        - len(shown),
        "changes_file": version.get("changes"),
        "tables": version["tables"],
    }


def summary_sentence(package: dict, version: dict, council: dict | None = None) -> str:
    """ "14 neue Zeilen, 2 Werte korrigiert: Wartezeit, Oktober 2026 · Bürgerbüro: 9,4 → 9,6";
    council business in its own words ("3 neue Vorlagen, 1 Sitzung abgesagt")."""
    if version["version"] == 1:
        return f"Erste Version mit {_count(sum(version['rows'].values()), 'Zeile', 'Zeilen')}."
    counts = version["counts"]
    parts = []
    council = council or {}
    if council.get("papers"):
        parts.append(_count(council["papers"], "neue Vorlage", "neue Vorlagen"))
    if council.get("meetings"):
        parts.append(_count(council["meetings"], "neue Sitzung", "neue Sitzungen"))
    if council.get("cancelled"):
        parts.append(_count(council["cancelled"], "Sitzung abgesagt", "Sitzungen abgesagt"))
    other_rows = counts["rows_added"] - council.get("papers", 0) - council.get("meetings", 0)
    if other_rows:
        parts.append(_count(other_rows, "neue Zeile", "neue Zeilen"))
    if counts["rows_removed"]:
        parts.append(_count(counts["rows_removed"], "Zeile entfernt", "Zeilen entfernt"))
    corrected = counts["values_changed"] - council.get("cancelled", 0) - council.get("bookkeeping", 0)
    if corrected:
        parts.append(_count(corrected, "Wert korrigiert", "Werte korrigiert"))
    if counts["schema_changes"]:
        parts.append(_count(counts["schema_changes"], "Spalte geändert", "Spalten geändert"))
    if not parts:
        return "Neu geschrieben, ohne sichtbare Änderung der Werte."
    sentence = ", ".join(parts)
    examples = [
        e
        for e in version.get("examples", [])
        if not (e["table"] == MEETING_TABLE and e["column"] == "cancelled") and not _bookkeeping(e)
    ]
    if corrected and examples:
        sentence += ": " + "; ".join(_example(package, e) for e in examples[:2])
    return sentence + "."


def _bookkeeping(change: dict) -> bool:
    """A council object's own time of change: it changes with every edit, so it is no news."""
    return (
        change["kind"] == VALUE_CHANGED
        and change["table"].startswith(COUNCIL_PREFIX)
        and change["column"] == "modified"
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{german_measurement(number)} {one if number == 1 else many}"


def _example(package: dict, change: dict) -> str:
    field = _field(package, change["table"], change["column"])
    title = (field or {}).get("title") or change["column"]
    return f"{title}, {_key_label(change['key'])}: {_value(field, change['old'])} → {_value(field, change['new'])}"


def _readable(package: dict, change: dict) -> dict:
    """One change as the page shows it: what, which row, which column, before and after."""
    field = _field(package, change["table"], change["column"]) if change["column"] else None
    column = (field or {}).get("title") or change["column"] or ""
    kind = change["kind"]
    if kind in (ROW_ADDED, ROW_REMOVED):
        row = json.loads(change["new"] if kind == ROW_ADDED else change["old"])
        what = "neue Zeile" if kind == ROW_ADDED else "Zeile entfernt"
        values = ", ".join(
            f"{_title(package, change['table'], k)}: {_value(_field(package, change['table'], k), v)}"
            for k, v in row.items()
            if v != ""
        )
        return {"what": what, "row": _key_label(change["key"]), "column": "", "old": "", "new": values}
    if kind == VALUE_CHANGED:
        return {
            "what": "Wert korrigiert",
            "row": _key_label(change["key"]),
            "column": column,
            "old": _value(field, change["old"]),
            "new": _value(field, change["new"]),
        }
    words = {
        COLUMN_ADDED: "Spalte hinzugefügt",
        COLUMN_REMOVED: "Spalte entfernt",
        COLUMN_RETYPED: "Spaltentyp geändert",
    }
    return {
        "what": words.get(kind, kind),
        "row": "",
        "column": column,
        "old": TYPE_WORDS.get(change["old"], change["old"] or ""),
        "new": TYPE_WORDS.get(change["new"], change["new"] or ""),
    }


def _field(package: dict, table: str, column: str | None) -> dict | None:
    for resource in package["resources"]:
        if resource["name"] == table:
            return next((f for f in resource["schema"]["fields"] if f["name"] == column), None)
    return None


def _title(package: dict, table: str, column: str) -> str:
    return (_field(package, table, column) or {}).get("title") or column


def _key_label(key: str | None) -> str:
    if not key:
        return ""
    if key.startswith(HASH_KEY_PREFIX):
        return "Zeile ohne Schlüssel"
    return ", ".join(_key_part(part) for part in key.split(KEY_SEPARATOR))


def _key_part(part: str) -> str:
    if _PERIOD.match(part):
        return german_period(part)
    if part.startswith(("https://", "http://")):
        return "Nr. " + part.rstrip("/").rsplit("/", 1)[-1]  # an OParl id: its last segment names the object
    return part


def _value(field: dict | None, text: str | None) -> str:
    if text is None or text == "":
        return "leer"
    if field and field.get("type") in ("number", "integer"):
        try:
            return german_measurement(float(text))
        except ValueError:
            return text
    if field and field.get("type") == "date":
        return german_date(text)
    return text


def _by_day(items: list[dict]) -> list[dict]:
    days: list[dict] = []
    for item in items:
        day = item["date"][:10]
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "items": []})
        days[-1]["items"].append(item)
    return days


def changes_feed(items: list[dict], title: str, site_url: str, feed_path: str, page: str = "") -> bytes:
    """Atom: one entry per version, newest first; an entry's id names dataset and version, so
    a feed reader shows each version once."""
    ordered = sorted(items, key=lambda item: (item["date"], item["dataset"], item["version"]))
    entries = [
        FeedEntry(
            id=f"{site_url.rstrip('/')}/datensaetze/{item['dataset']}/aenderungen/#version-{item['version']}",
            title=f"{item['title']}: Version {item['version']}",
            updated=parse_time(item["date"]) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
            path=f"/datensaetze/{item['dataset']}/aenderungen/#version-{item['version']}",
            summary=item["sentence"],
        )
        for item in ordered
    ]
    updated = entries[-1].updated if entries else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return atom_feed(entries, title, site_url, feed_path, updated, page=page)
