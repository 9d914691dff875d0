"""Rules that span files: codes used in one file exist in the file that defines them, and
what several datasets publish fits together in one portal.

Checked by `kommune validate` and before every build (pipelines.declarations.load_portal), so a
mistake here is a declaration problem naming its file and key, never a failure while publishing.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing

from contracts.portal_tables import DERIVED_SUFFIXES, RESERVED_PREFIX, SITE_TABLES
from pipelines.config.dataset import DatasetConfig
from pipelines.config.portal import Kpi
from pipelines.errors import ConfigProblem
from pipelines.kinds import KINDS
from pipelines.kinds.contract import FOLDER_NAME, DeclaredTable

MAX_HEADLINE_KPIS = 6  # tiles that fit the dashboard's first screen at 1280×900 (two rows of three)


def cross_dataset_problems(
    metadata: dict, datasets: dict[str, DatasetConfig], all_ids: set[str]
) -> list[ConfigProblem]:
    """Codes used in one file must exist in the file that defines them."""
    problems = []
    licences = metadata.get("licences") or {}
    themes = metadata.get("themes")
    publisher = metadata.get("publisher")
    if publisher and licences and publisher.licence not in licences:
        problems.append(
            ConfigProblem(
                "metadata/publisher.yaml", "licence", f"Lizenz „{publisher.licence}“ fehlt in metadata/licences.yaml"
            )
        )
    for dataset in datasets.values():
        label = f"datasets/{dataset.id}/dataset.yaml"
        if licences and dataset.licence not in licences:
            problems.append(
                ConfigProblem(
                    label,
                    "licence",
                    f"Lizenz „{dataset.licence}“ fehlt in metadata/licences.yaml; "
                    f"bekannt: {', '.join(sorted(licences))}",
                )
            )
        if themes:
            problems += [
                ConfigProblem(label, f"themes.{index}", f"Thema „{theme}“ fehlt in metadata/themes.yaml")
                for index, theme in enumerate(dataset.themes)
                if theme not in themes.data_themes
            ]
            if dataset.musterdatenkatalog and dataset.musterdatenkatalog not in themes.musterdatenkatalog:
                problems.append(
                    ConfigProblem(
                        label,
                        "musterdatenkatalog",
                        f"„{dataset.musterdatenkatalog}“ fehlt in metadata/themes.yaml (musterdatenkatalog)",
                    )
                )
    headline = [kpi.id for kpi in metadata.get("kpis") or [] if kpi.headline]
    if len(headline) > MAX_HEADLINE_KPIS:
        problems.append(
            ConfigProblem(
                "metadata/kpis.yaml",
                "headline",
                f"{len(headline)} Kennzahlen mit headline: true; höchstens {MAX_HEADLINE_KPIS} "
                "passen auf den ersten Bildschirm des Dashboards",
            )
        )
    seen: set[str] = set()
    for index, kpi in enumerate(metadata.get("kpis") or []):
        problems += [
            ConfigProblem("metadata/kpis.yaml", f"{index}.datasets", f"Datensatz „{name}“ gibt es nicht")
            for name in kpi.datasets
            if name not in all_ids
        ]
        # The id names the KPI's page and its canned query in Datasette: a second one would hide the first.
        if kpi.id in seen:
            problems.append(ConfigProblem("metadata/kpis.yaml", f"{index}.id", f"Kennzahl „{kpi.id}“ gibt es schon"))
        seen.add(kpi.id)
    register = metadata.get("datenwuensche")
    problems += [
        ConfigProblem(
            "metadata/datenwuensche.yaml", f"wishes.{index}.dataset", f"Datensatz „{wish.dataset}“ gibt es nicht"
        )
        for index, wish in enumerate(register.wishes if register else [])
        if wish.dataset and wish.dataset not in all_ids
    ]
    return problems


# How freely a dataset's editor chose a table's name: when two datasets publish the same
# table, those that chose more freely are told to rename, so adding `datasets/oparl-meeting`
# fails the new dataset and not the council data whose table names the kind fixes.
_NAMING_FREEDOM = {"source.kind": 0, FOLDER_NAME: 1, "source.resource": 2}
_RENAME_HINT = {
    "source.kind": "die Quellenart legt die Namen fest",
    FOLDER_NAME: "bitte den Ordner umbenennen",
    "source.resource": "bitte einen anderen Namen unter source.resource wählen",
}
QUERY_SECONDS = 2.0  # a check on empty tables; a query still running then is not judged


def declared_tables(datasets: dict[str, DatasetConfig]) -> dict[str, list[tuple[str, DeclaredTable]]]:
    """Every table the datasets will publish, by name, with the datasets that declare it."""
    tables: dict[str, list[tuple[str, DeclaredTable]]] = {}
    for dataset_id, dataset in sorted(datasets.items()):
        for table in KINDS[dataset.kind].tables(dataset):
            tables.setdefault(table.name, []).append((dataset_id, table))
    return tables


def table_problems(tables: dict[str, list[tuple[str, DeclaredTable]]]) -> list[ConfigProblem]:
    """Table names are unique in portal.db, keep clear of the names publish/ uses itself, and
    a table the site reads by name (contracts.portal_tables.SITE_TABLES) has its columns."""
    problems = []
    for name, declared in sorted(tables.items()):
        if name.startswith(RESERVED_PREFIX) or name.endswith(DERIVED_SUFFIXES):
            reserved = (
                f"Tabellenname „{name}“ ist dem Portal vorbehalten (beginnt mit {RESERVED_PREFIX} "
                f"oder endet auf {' / '.join(DERIVED_SUFFIXES)})"
            )
            problems += [_table_problem(dataset_id, table, reserved) for dataset_id, table in declared]
        if len(declared) > 1:
            least = min(_NAMING_FREEDOM[table.named_by] for _, table in declared)
            to_rename = [(i, t) for i, t in declared if _NAMING_FREEDOM[t.named_by] > least] or declared
            for dataset_id, table in to_rename:
                others = ", ".join(f"datasets/{other}" for other, _ in declared if other != dataset_id)
                problems.append(
                    _table_problem(
                        dataset_id,
                        table,
                        f"Tabelle „{name}“ veröffentlicht auch {others}; Tabellennamen gelten im "
                        f"ganzen Portal ({_RENAME_HINT[table.named_by]})",
                    )
                )
        wanted = SITE_TABLES.get(name)
        for dataset_id, table in declared:
            missing = [column for column in wanted or () if table.columns is not None and column not in table.columns]
            if missing:
                problems.append(
                    _table_problem(
                        dataset_id,
                        table,
                        f"die Website liest die Tabelle „{name}“ mit den Spalten "
                        f"{', '.join(wanted or ())}; es fehlen {', '.join(missing)} "
                        "(anderen Namen wählen oder die Spalten liefern)",
                    )
                )
    return problems


def _table_problem(dataset_id: str, table: DeclaredTable, message: str) -> ConfigProblem:
    return ConfigProblem(f"datasets/{dataset_id}/dataset.yaml", table.named_by, message)


def foreign_key_problems(
    datasets: dict[str, DatasetConfig], tables: dict[str, list[tuple[str, DeclaredTable]]]
) -> list[ConfigProblem]:
    """A foreign key in a schema.yaml points at a table some dataset publishes, and at its
    columns where the declaration decides them (portal.db would otherwise drop the key)."""
    problems = []
    for dataset_id, dataset in sorted(datasets.items()):
        for index, key in enumerate((dataset.table_schema or {}).get("foreignKeys", [])):
            reference = key.get("reference") if isinstance(key, dict) else None
            target = reference.get("resource") if isinstance(reference, dict) else None
            if not target:  # a key within the table itself; Frictionless checked it
                continue
            label, field = f"datasets/{dataset_id}/schema.yaml", f"foreignKeys.{index}.reference.resource"
            if target not in tables:
                problems.append(
                    ConfigProblem(label, field, f"Tabelle „{target}“ veröffentlicht kein Datensatz des Portals")
                )
                continue
            columns = tables[target][0][1].columns
            fields = reference.get("fields") if isinstance(reference, dict) else None
            fields = [fields] if isinstance(fields, str) else fields or []
            missing = [name for name in fields if columns is not None and name not in columns]
            if missing:
                problems.append(
                    ConfigProblem(
                        label,
                        f"foreignKeys.{index}.reference.fields",
                        f"Spalte {', '.join(missing)} fehlt in Tabelle „{target}“",
                    )
                )
    return problems


def kpi_query_problems(kpis: list[Kpi], tables: dict[str, list[tuple[str, DeclaredTable]]]) -> list[ConfigProblem]:
    """Each KPI's `sql` and `breakdown_sql` compile against the portal's tables and return the
    columns the dashboard reads. Run on empty tables in memory: columns known only after a
    build (geodata, service statistics) accept any name the query uses, so for those only
    the table name is checked."""
    problems = []
    for index, kpi in enumerate(kpis):
        for key, sql, first in (("sql", kpi.sql, "period"), ("breakdown_sql", kpi.breakdown_sql, "label")):
            message = _query_problem(sql, tables, (first, "value")) if sql else None
            if message:
                problems.append(
                    ConfigProblem("metadata/kpis.yaml", f"{index}.{key}", f"Kennzahl „{kpi.id}“: {message}")
                )
    return problems


def _query_problem(sql: str, tables: dict[str, list[tuple[str, DeclaredTable]]], wanted: tuple[str, str]) -> str | None:
    words = list(dict.fromkeys(word.lower() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql)))
    open_tables = set()  # tables whose columns a declaration does not decide
    with closing(sqlite3.connect(":memory:")) as db:
        for name, declared in tables.items():
            columns = declared[0][1].columns
            if columns is None or len(declared) > 1:
                open_tables.add(name)
            _create(db, name, words if columns is None or name in open_tables else columns)
        # publish/'s own tables (portal_datasets, …) and the derived ones (…_fts) exist only in
        # portal.db: a query may read them, with any column.
        for word in (word for word in words if word not in tables):
            if word.startswith(RESERVED_PREFIX) or any(
                word == f"{name}{suffix}" for name in tables for suffix in DERIVED_SUFFIXES
            ):
                open_tables.add(word)
                _create(db, word, words)
        deadline = time.monotonic() + QUERY_SECONDS
        db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        # Named parameters (:monat) stay empty, as when publish.kpis computes the figure.
        parameters = dict.fromkeys(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", sql), "")
        try:
            cursor = db.execute(sql, parameters)
        except sqlite3.Error as error:
            return _german(str(error), open_tables & set(words))
        returned = [description[0] for description in cursor.description or ()]
    if not set(wanted) <= set(returned):
        return f"die Abfrage liefert die Spalten {', '.join(returned) or '(keine)'}, erwartet: {', '.join(wanted)}"
    return None


def _create(db: sqlite3.Connection, name: str, columns: Iterable[str]) -> None:
    names = list(dict.fromkeys(column.lower() for column in columns)) or ["rowid_"]
    db.execute(f"CREATE TABLE [{name}] ({', '.join(f'[{column}]' for column in names)})")


def _german(error: str, open_tables_read: set[str]) -> str | None:
    """The sqlite error as a message for the editor; None where the check cannot judge."""
    if error == "interrupted":
        return None
    if error.startswith("no such table: "):
        return f"Tabelle „{error.removeprefix('no such table: ')}“ veröffentlicht kein Datensatz des Portals"
    if error.startswith(("no such column: ", "ambiguous column name: ")) and open_tables_read:
        return None  # a table whose columns only a build knows took every name as a column
    if error.startswith("no such column: "):
        return f"Spalte „{error.removeprefix('no such column: ')}“ gibt es in den gelesenen Tabellen nicht"
    return f"SQL-Fehler: {error}"
