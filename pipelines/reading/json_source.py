"""Records in a JSON or JSON Lines file, as the rows of a table.

The file is parsed with the standard library (strict JSON: what a town's export tool writes
and every other reader accepts); the common near-JSON of scrapers and hand-written exports —
objects one after the other without an enclosing list, or a comma before `]`, `}` or the end
of the file — is refused with the line and the fix, never guessed at. Each record becomes a
row by the schema's column labels; a value inside a nested object is reached only by a path
the dataset declares (`adresse.plz`), so nothing is flattened by accident.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.errors import Issue

_WHITESPACE = re.compile(r"[ \t\n\r]*")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
_FIX_CONCATENATED = (
    "die Objekte in eckige Klammern [ … ] einschließen und durch Kommas trennen, "
    "oder je Zeile genau ein Objekt ohne Komma schreiben und format: jsonl angeben"
)
_FIX_TRAILING_COMMA = "das Komma vor dem schließenden ] oder } (bzw. am Dateiende) entfernen"


class JsonSourceError(ValueError):
    """The file cannot be read as the declared JSON records; `issues` say where and how to fix it."""

    def __init__(self, summary: str, issues: list[Issue]):
        super().__init__(summary)
        self.summary = summary
        self.issues = issues


@dataclass
class Records:
    """The records of a file and, where the file tells, the line each starts on."""

    items: list
    lines: list[int] | None  # None: the records lie nested inside one document


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _syntax_issue(text: str, error: json.JSONDecodeError, shown_name: str, line_offset: int = 0) -> Issue:
    """A German description of a JSON syntax error, naming the near-JSON mistakes by their fix."""
    before = text[: error.pos].rstrip()
    line = error.lineno + line_offset
    if error.msg == "Extra data":
        rest = text[error.pos :].lstrip(" \t\r\n,")
        if rest.startswith(("{", "[")):
            return Issue(
                type="format-error",
                file=shown_name,
                row=line,
                message=f"nach dem ersten Objekt folgt in Zeile {line}, Spalte {error.colno} ein weiteres "
                "ohne umschließende Liste (aneinandergehängte Objekte sind kein JSON)",
                expected=_FIX_CONCATENATED,
            )
        return Issue(
            type="format-error",
            file=shown_name,
            row=line,
            message=f"nach dem Ende des JSON-Dokuments folgt in Zeile {line}, Spalte {error.colno} weiterer Text",
            expected="genau ein JSON-Dokument je Datei",
        )
    if before.endswith(",") and text[error.pos : error.pos + 1] in ("]", "}", ""):
        comma_line = _line_of(text, len(before) - 1) + line_offset
        return Issue(
            type="format-error",
            file=shown_name,
            row=comma_line,
            message=f"überzähliges Komma in Zeile {comma_line} vor "
            f"{'dem Dateiende' if error.pos >= len(text.rstrip()) else 'einem schließenden ' + text[error.pos]}",
            expected=_FIX_TRAILING_COMMA,
        )
    return Issue(
        type="format-error",
        file=shown_name,
        row=line,
        message=f"kein gültiges JSON in Zeile {line}, Spalte {error.colno}",
        expected="gültiges JSON (z. B. mit einem JSON-Prüfprogramm die Stelle ansehen)",
    )


def decode_text(data: bytes, encoding: str, shown_name: str) -> str:
    """The file's text; a wrong encoding is reported with the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise JsonSourceError(
            f"{shown_name} ist nicht in {encoding} kodiert",
            [
                Issue(
                    type="encoding-error",
                    file=shown_name,
                    row=line,
                    message=f"Byte 0x{data[error.start]:02x} in Zeile {line} ist in {encoding} kein gültiges Zeichen",
                    expected=f"Text in der Kodierung {encoding} "
                    "(oder die richtige Kodierung als source.encoding angeben)",
                )
            ],
        ) from error


def parse_json_lines(text: str, shown_name: str) -> Records:
    """One JSON value per non-empty line. Every broken line is reported, not only the first."""
    items, lines, issues = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
            lines.append(number)
        except json.JSONDecodeError as error:
            issues.append(_syntax_issue(line, error, shown_name, number - 1))
    if issues:
        raise JsonSourceError(f"{len(issues)} Zeile(n) in {shown_name} sind kein JSON", issues)
    return Records(items, lines)


def _skip_space(text: str, position: int) -> int:
    """The first position at or after `position` that is no JSON whitespace."""
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position  # never None: the pattern matches nothing, too


def _top_level_array_lines(text: str) -> list[int] | None:
    """The line on which each element of a top-level array starts (None if the text is no array)."""
    position = _skip_space(text, 0)
    if text[position : position + 1] != "[":
        return None
    decoder, lines = json.JSONDecoder(), []
    position = _skip_space(text, position + 1)
    while text[position : position + 1] not in ("]", ""):
        lines.append(_line_of(text, position))
        _, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position)
        if text[position : position + 1] == ",":
            position = _skip_space(text, position + 1)
    return lines


def load_document(text: str, shown_name: str):
    """The parsed JSON document; near-JSON raises `JsonSourceError` with line and fix."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonSourceError(
            f"{shown_name} ist kein gültiges JSON", [_syntax_issue(text, error, shown_name)]
        ) from error


def parse_json(text: str, shown_name: str, records_path: str | None) -> Records:
    """The list of records at `records_path` (dotted keys, None: the document is the list)."""
    document = load_document(text, shown_name)
    found = document
    walked: list[str] = []
    for key in records_path.split(".") if records_path else []:
        if isinstance(found, dict) and key in found:
            found = found[key]
        elif isinstance(found, list) and key.isdigit() and int(key) < len(found):
            found = found[int(key)]
        else:
            where = ".".join(walked) or "oberste Ebene"
            keys = (
                ", ".join(sorted(map(str, found))[:12])
                if isinstance(found, dict)
                else "(keine Schlüssel: eine Liste oder ein Wert)"
            )
            raise JsonSourceError(
                f"{shown_name}: Pfad „{records_path}“ fehlt",
                [
                    Issue(
                        type="format-error",
                        file=shown_name,
                        field="records",
                        message=f"„{key}“ gibt es unter {where} nicht; dort stehen: {keys}",
                        expected="source.records: der Pfad zur Liste der Datensätze, Schlüssel durch Punkte getrennt",
                    )
                ],
            )
        walked.append(key)
    if not isinstance(found, list):
        hint = (
            f" Die Liste steht vermutlich unter einem dieser Schlüssel: {', '.join(sorted(found)[:12])}"
            if isinstance(found, dict)
            else ""
        )
        raise JsonSourceError(
            f"{shown_name}: keine Liste von Datensätzen",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    field="records",
                    message=f"an der Stelle „{records_path or 'oberste Ebene'}“ steht keine Liste, sondern "
                    f"{'ein Objekt' if isinstance(found, dict) else 'ein einzelner Wert'}.{hint}",
                    expected="source.records: der Pfad zur Liste der Datensätze",
                )
            ],
        )
    return Records(found, _top_level_array_lines(text) if not records_path else None)


def _lookup(record: dict, path: list[str]) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _cell_text(value, field: dict) -> str:
    """A JSON value as the text the schema's field reads back to it (CSV cells are text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        values = field.get("trueValues" if value else "falseValues")
        return values[0] if values else ("true" if value else "false")
    if isinstance(value, (int, float)):
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", field.get("decimalChar", ".")) if field.get("type") == "number" else text
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_records_csv(
    records: Records, schema: dict, columns: dict[str, str], target: Path, shown_name: str
) -> tuple[list[str], int]:
    """Write the records as a UTF-8 CSV whose header is the schema's labels; return the record
    keys no column reads (for a warning) and how many records had them.

    Raises `JsonSourceError` when a record is no object or a column would get a nested
    object its type cannot hold (the fix names `source.columns`).
    """
    fields = schema["fields"]
    labels = [field.get("label", field["name"]) for field in fields]
    # Only a declared path is split at dots: a key may itself hold one ("Wartezeit in Min.").
    paths = [columns[label].split(".") if label in columns else [label] for label in labels]
    read_keys = {path[0] for path in paths}
    unread: dict[str, int] = {}
    issues: list[Issue] = []
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(labels)
        for number, record in enumerate(records.items, start=1):
            line = records.lines[number - 1] if records.lines else None
            if not isinstance(record, dict):
                issues.append(
                    Issue(
                        type="format-error",
                        file=shown_name,
                        row=line,
                        message=f"Datensatz {number} ist kein Objekt, sondern {type(record).__name__}",
                        expected='eine Liste von Objekten {"spalte": wert, …}',
                    )
                )
                continue
            for key in record.keys() - read_keys:
                unread[key] = unread.get(key, 0) + 1
            row = []
            for field, label, path in zip(fields, labels, paths, strict=True):
                value = _lookup(record, path)
                if isinstance(value, (dict, list)) and field.get("type") not in ("object", "array", "geojson", "any"):
                    nested = (
                        ", ".join(f"{label}.{key}" for key in list(value)[:5])
                        if isinstance(value, dict)
                        else f"{label}.0"
                    )
                    issues.append(
                        Issue(
                            type="format-error",
                            file=shown_name,
                            field=label,
                            row=line,
                            message=f"Datensatz {number}: „{label}“ enthält ein verschachteltes "
                            f"{'Objekt' if isinstance(value, dict) else 'Liste'}",
                            expected=f"in source.columns den Pfad zum Wert angeben, z. B. {nested}",
                        )
                    )
                    value = None
                row.append(_cell_text(value, field))
            writer.writerow(row)
            if len(issues) >= 200:
                break
    if issues:
        raise JsonSourceError(f"{len(issues)} Datensätze in {shown_name} passen nicht zur Tabelle", issues)
    return sorted(unread), max(unread.values(), default=0)
