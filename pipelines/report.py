"""Frictionless validation reports, retold as issues a town's editor can act on.

Frictionless's error types and row/field numbers are kept; the message is German and the
`expected` text is derived from the Table Schema (e.g. "Datum im Format TT.MM.JJJJ").
"""

from __future__ import annotations

from frictionless import Report

from pipelines.errors import Issue

_FORMAT_WORDS = {"%d": "TT", "%m": "MM", "%Y": "JJJJ", "%y": "JJ", "%H": "hh", "%M": "mm", "%S": "ss"}
_TYPE_WORDS = {
    "string": "Text",
    "integer": "ganze Zahl",
    "number": "Zahl",
    "boolean": "Wahrheitswert",
    "date": "Datum",
    "datetime": "Zeitpunkt",
    "time": "Uhrzeit",
    "year": "Jahr",
    "yearmonth": "Jahr und Monat",
    "geojson": "GeoJSON-Geometrie",
    "object": "JSON-Objekt",
    "array": "JSON-Liste",
}


def describe_field(field: dict) -> str:
    """A plain German description of what a field accepts."""
    kind = field.get("type", "string")
    text = _TYPE_WORDS.get(kind, kind)
    fmt = field.get("format")
    if kind in ("date", "datetime", "time"):
        if fmt and fmt not in ("default", "any"):
            for code, word in _FORMAT_WORDS.items():
                fmt = fmt.replace(code, word)
            text += f" im Format {fmt}"
        else:
            text += " im ISO-Format (JJJJ-MM-TT)"
    if kind == "number":
        decimal_char, group_char = field.get("decimalChar", "."), field.get("groupChar", "")
        text += f" mit Dezimaltrennzeichen „{decimal_char}“"
        if group_char:
            text += f" und Tausendertrennzeichen „{group_char}“"
    if kind == "integer" and field.get("groupChar"):
        text += f" mit Tausendertrennzeichen „{field['groupChar']}“"
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        text += ", einer von: " + ", ".join(map(str, constraints["enum"]))
    if "minimum" in constraints:
        text += f", mindestens {constraints['minimum']}"
    if "maximum" in constraints:
        text += f", höchstens {constraints['maximum']}"
    if constraints.get("required"):
        text += ", Pflichtfeld"
    return text


def _message(error: dict) -> str:
    cell = error.get("cell")
    kind = error.get("type")
    messages = {
        "type-error": f"„{cell}“ hat nicht den erwarteten Typ",
        "constraint-error": f"„{cell}“ verletzt eine Bedingung ({error.get('note')})",
        "missing-cell": "Zelle fehlt (die Zeile hat zu wenige Spalten)",
        "extra-cell": f"überzählige Zelle „{cell}“ (die Zeile hat zu viele Spalten)",
        "blank-row": "leere Zeile",
        "primary-key": "Schlüssel kommt doppelt vor oder fehlt",
        "unique-error": f"„{cell}“ kommt doppelt vor, muss aber eindeutig sein",
        "incorrect-label": f"Spaltenüberschrift „{error.get('label')}“ passt nicht zum Schema",
        "missing-label": "Spalte fehlt in der Datei",
        "extra-label": "Spalte steht nicht im Schema",
        "duplicate-label": f"Spaltenüberschrift „{error.get('label')}“ kommt doppelt vor",
        "blank-label": "Spaltenüberschrift ist leer",
    }
    if kind in ("source-error", "format-error", "encoding-error", "scheme-error"):
        return _file_message(error)
    if kind == "constraint-error" and cell in (None, "", "None") and "required" in (error.get("note") or ""):
        return "Pflichtfeld ist leer"
    if kind is not None and kind in messages:
        return messages[kind]
    return error.get("message") or kind or "Fehler"


# Frictionless's notes for unreadable files, retold in German (matched as substrings).
_SOURCE_NOTES = {
    "field larger than field limit": (
        "eine Zelle ist länger als 1.000.000 Zeichen (nicht geschlossenes Anführungszeichen?)"
    ),
    "the source is empty": "die Datei ist leer",
    "invalid excel file": "keine gültige Excel-Datei (.xlsx)",
    "does not have a sheet": "das Tabellenblatt aus `sheet:` gibt es in der Datei nicht (Name oder Nummer, 1 = erstes)",
    # ezodf's date-time cells with fractions of a second
    "unconverted data remains": "ein Zeitpunkt mit Sekundenbruchteilen ist nicht lesbar (die Zellen ohne Bruchteile "
    "formatieren)",
    "codec can't decode": "die Zeichenkodierung passt nicht (in dataset.yaml `encoding` angeben, z. B. cp1252)",
}


def _file_message(error: dict) -> str:
    """A German message for an error about the whole file (source, format, encoding)."""
    note = error.get("note") or error.get("message") or ""
    for fragment, message in _SOURCE_NOTES.items():
        if fragment in note:
            return message
    return f"Datei nicht lesbar: {note}" if note else "Datei nicht lesbar"


def issues_from_report(report: Report, file: str, schema: dict | None = None) -> list[Issue]:
    """Every error of a Frictionless report as an Issue (file, row, field, what was expected)."""
    labels = {}
    for field in (schema or {}).get("fields", []):
        labels[field.get("label", field["name"])] = field
    issues = []
    for task in report.to_descriptor().get("tasks", []) or [{}]:
        for error in task.get("errors", []):
            field = labels.get(error.get("fieldName"))
            expected = (
                describe_field(field) if field and error.get("type") in ("type-error", "constraint-error") else None
            )
            if error.get("type") == "incorrect-label" and field is None and error.get("fieldNumber") and schema:
                number = error["fieldNumber"] - 1
                if number < len(schema["fields"]):
                    known = schema["fields"][number]
                    expected = f"Überschrift „{known.get('label', known['name'])}“"
            if error.get("type") in ("incorrect-label",) and field is not None:
                expected = f"Überschrift „{field.get('label', field['name'])}“"
            issues.append(
                Issue(
                    message=_message(error),
                    type=error.get("type", "error"),
                    file=file,
                    row=error.get("rowNumber"),
                    field=error.get("fieldName") or (error.get("label") if "label" in error.get("type", "") else None),
                    expected=expected,
                )
            )
    for error in report.to_descriptor().get("errors", []):
        issues.append(Issue(message=_file_message(error), type=error.get("type", "error"), file=file))
    return issues
