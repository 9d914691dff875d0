"""Population per municipality from the state statistics office's table export (IT.NRW,
Landesdatenbank NRW, GENESIS table 12411-01i "Bevölkerungsstand: Gemeinden, Stichtag"), as
its CSV download is laid out:

```
Landesdatenbank NRW;;
12411-01i: Bevölkerungsstand: Gemeinden, Stichtag;;
Bevölkerung (Anzahl);;
;;31.12.2023
05978004;Bergkamen, Stadt;48693
05978008;Bönen;18338
…
__________;;
(C)opyright Information und Technik Nordrhein-Westfalen, Düsseldorf, 2024
```
`;`-separated, Windows-1252, German numbers (`48.693` too). A row counts when its first cell is
an 8-digit municipality key and its last cell a whole number; `-`, `.`, `x`, `…` (GENESIS
signs for "nothing", "unknown", "secret") give no value. The key date is the last
`dd.mm.yyyy` in the rows above the first data row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

AGS = re.compile(r"^\d{8}$")
KEY_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
WHOLE_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})*$|^\d+$")
MAX_INHABITANTS = 20_000_000  # more than any German municipality; a larger figure is a misread


class PopulationTableUnreadable(ValueError):
    """The export does not have the expected layout; the message is German."""


@dataclass(frozen=True)
class PopulationTable:
    key_date: dt.date
    inhabitants: dict[str, int]  # municipality key → inhabitants


def read_population(content: bytes, encoding: str = "cp1252") -> PopulationTable:
    """Read the export. Raises PopulationTableUnreadable without key date or without any
    municipality row."""
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise PopulationTableUnreadable(f"Die Tabelle ist nicht in {encoding} kodiert") from error
    key_date: dt.date | None = None
    inhabitants: dict[str, int] = {}
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        cells = [cell.strip() for cell in row]
        if not cells:
            continue
        if AGS.match(cells[0]):
            figure = cells[-1]
            if WHOLE_NUMBER.match(figure):
                count = int(figure.replace(".", ""))
                if 0 < count <= MAX_INHABITANTS:
                    inhabitants[cells[0]] = count
            continue
        if not inhabitants:
            for cell in cells:
                match = KEY_DATE.match(cell)
                if match:
                    day, month, year = map(int, match.groups())
                    try:
                        key_date = dt.date(year, month, day)
                    except ValueError:
                        continue
    if key_date is None:
        raise PopulationTableUnreadable("Die Tabelle nennt keinen Stichtag (TT.MM.JJJJ über den Zeilen)")
    if not inhabitants:
        raise PopulationTableUnreadable("Die Tabelle enthält keine Zeile mit Gemeindeschlüssel und Einwohnerzahl")
    return PopulationTable(key_date, inhabitants)
