"""JSON and JSON Lines files of records → the `json` kind.

The records are found where the file keeps them (the file itself is the list, or the first
list of objects under a key, e.g. `daten.eintraege`); nested objects become columns by a
declared path (`adresse.plz`), lists stay JSON text. Each column is typed from its values as
in a spreadsheet: native numbers and booleans as they are, text by the German reading of
`draft_column` ("39,20" a number, "07.03.2022" a date, "01067" a code).
"""

from __future__ import annotations

from typing import Any

from pipelines.add.columns import ColumnDraft, draft_column
from pipelines.add.draft import Draft, DraftFailed, Probe
from pipelines.add.drafters.spreadsheet import _typed_column
from pipelines.add.names import column_names, title_from_heading
from pipelines.reading.json_source import (
    JSON_LINES_SUFFIXES,
    JsonSourceError,
    decode_text,
    load_document,
    parse_json,
    parse_json_lines,
)

_GEOJSON_MARKS = (b'"FeatureCollection"', b'"Feature"')
MAX_DEPTH = 3  # nested objects deeper than this stay JSON text


class JsonDrafter:
    kind = "json"

    def recognises(self, probe: Probe) -> int:
        if any(mark in probe.head[:4096] for mark in _GEOJSON_MARKS):
            return 0  # GeoJSON has its own kind
        score = 1 if probe.suffix in (".json", *JSON_LINES_SUFFIXES) else 0
        if probe.head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith((b"{", b"[")):
            score += 2
        return score

    def draft(self, probe: Probe) -> Draft:
        name = probe.path.name
        try:
            text = decode_text(probe.path.read_bytes(), "utf-8", name)
            lines = probe.suffix in JSON_LINES_SUFFIXES or _looks_like_lines(text)
            records_path = None if lines else _records_path(load_document(text, name))
            records = parse_json_lines(text, name) if lines else parse_json(text, name, records_path)
        except JsonSourceError as error:
            first = error.issues[0]
            raise DraftFailed(f"{first.message}. Abhilfe: {first.expected}") from error
        items = [item for item in records.items if isinstance(item, dict)]
        if not items:
            raise DraftFailed('die Datei enthält keine Liste von Objekten ({"spalte": wert, …})')
        if len(items) < len(records.items):
            raise DraftFailed(f"{len(records.items) - len(items)} Einträge der Liste sind keine Objekte")
        paths = _column_paths(items)
        decided = [
            f"{'JSON Lines' if lines else 'JSON'} mit {len(items)} Datensätzen"
            + (f" unter „{records_path}“" if records_path else "")
        ]
        undecided: list[str] = []
        source: dict = {"kind": "json"}
        if lines and probe.suffix not in JSON_LINES_SUFFIXES:
            source["format"] = "jsonl"
        if records_path:
            source["records"] = records_path
        headings = [".".join(path) for path in paths]
        names = column_names([heading.replace(".", " ") for heading in headings])
        nested = {heading: heading for heading, path in zip(headings, paths, strict=True) if len(path) > 1}
        if nested:
            source["columns"] = nested
            decided.append(f"verschachtelte Werte als eigene Spalten: {', '.join(sorted(nested))}")
        fields = []
        for number, (column_name, heading, path) in enumerate(zip(names, headings, paths, strict=True), start=1):
            drafted = _column([_value(item, path) for item in items], heading)
            field = {
                "name": column_name,
                **({"label": heading} if heading != column_name else {}),
                **drafted.field,
                "title": title_from_heading(heading, number),
                "description": f"Wert „{heading}“ der Quelldatei.",
            }
            fields.append(field)
            decided += [note for note in (drafted.decided, *drafted.notes) if note]
            undecided += [drafted.undecided] if drafted.undecided else []
        return Draft(source=source, schema={"fields": fields}, decided=decided, undecided=undecided)


def _looks_like_lines(text: str) -> bool:
    """One object per line and more than one line (JSON Lines without the suffix)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines)


def _records_path(document, prefix: tuple[str, ...] = ()) -> str | None:
    """The dotted path of the first list of objects (None: the document itself is one)."""
    if isinstance(document, list):
        return ".".join(prefix) or None
    if isinstance(document, dict) and len(prefix) < MAX_DEPTH:
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                return ".".join((*prefix, key))
        for key, value in document.items():
            if isinstance(value, dict):
                found = _records_path(value, (*prefix, key))
                if found:
                    return found
    if prefix:
        return None
    raise DraftFailed("in der Datei steht keine Liste von Objekten ([{…}, {…}]), auch nicht unter einem Schlüssel")


def _column_paths(items: list[dict]) -> list[tuple[str, ...]]:
    """Every key path in the records, in first-seen order; objects are followed, lists are not."""
    paths: list[tuple[str, ...]] = []

    def walk(record: dict, prefix: tuple[str, ...]):
        for key, value in record.items():
            path = (*prefix, str(key))
            if isinstance(value, dict) and value and len(path) < MAX_DEPTH:
                walk(value, path)
            elif path not in paths:
                paths.append(path)

    for item in items:
        walk(item, ())
    return paths


def _value(record: dict, path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _column(values: list, heading: str) -> ColumnDraft:
    filled = [value for value in values if value is not None]
    if filled and all(isinstance(value, list) for value in filled):
        return ColumnDraft({"type": "array"}, decided=f"„{heading}“: Liste (als JSON-Text)")
    if any(isinstance(value, (dict, list)) for value in filled):
        return ColumnDraft({"type": "any"}, undecided=f"„{heading}“ mischt Objekte und Werte: als JSON-Text übernommen")
    if filled and all(isinstance(value, str) for value in filled):
        return draft_column([value if value is not None else "" for value in values], heading)
    return _typed_column(values, heading)


DRAFTER = JsonDrafter()
