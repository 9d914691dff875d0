"""Across releases: a period, once published, is final.

Comparing two releases must not narrow a value hidden in the earlier one (one complaint more,
a margin hidden before shown now, and the old value follows by subtraction). So:

- the open period — the latest one in the records, which later records still change — is
  never published;
- a closed period is published once and then repeated unchanged in every later release: same
  values, same hidden cells. Records that arrive late for it are counted in the audit (how
  many periods would have changed), not published;
- the published form (groups, months or quarters) is kept from the first release, so a
  released period and a new one have the same shape.

Period tables never share a total, so a new period adds nothing about an old one. The state
(what was published, per period, with its audit tallies) lives in the dataset's build state
(`.build-state/datasets/<id>/`); it holds nothing that was not published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "disclosure-releases.json"


class FormChanged(ValueError):
    """The declared form can no longer make the released one; names the way out."""


@dataclass
class Released:
    """What earlier releases published: the form and each closed period's rows and tallies."""

    form: list[str]
    period_field: str
    columns: list[str]
    periods: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, state_dir: Path) -> Released | None:
        path = state_dir / STATE_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["form"], data["period_field"], data["columns"], data["periods"])

    def save(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        temporary = state_dir / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(self.__dict__, ensure_ascii=False), encoding="utf-8")
        temporary.replace(state_dir / STATE_FILE)  # atomic: a crash leaves the old state


def finalise(
    form_name: list[str],
    period_field: str,
    row_field: str,
    column_field: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    tallies: dict[str, dict[str, int]],
    released: Released | None,
) -> tuple[list[dict[str, Any]], Released, dict]:
    """The rows of this release: released periods unchanged, new closed periods as computed,
    the open period left out. Returns rows, the state to save, and the audit entries that
    describe the released rows (cells, hidden share, hidden cells, `releases`).

    Raises FormChanged if the form differs from the released one (the caller pins it).
    """
    if released is not None and (released.form != form_name or released.period_field != period_field):
        raise FormChanged(
            f"Die Veröffentlichungsform {form_name} weicht von der früheren ({released.form}) ab: frühere "
            f"Zeiträume blieben sonst nicht unverändert. Für eine neue Reihe {STATE_FILE} im Build-Zustand löschen."
        )
    state = released or Released(form_name, period_field, columns)
    before = len(state.periods)
    by_period: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_period.setdefault(row[period_field], []).append(row)
    open_period = max(by_period) if by_period else None
    late = 0
    for period, computed in sorted(by_period.items()):
        if period == open_period:
            continue
        if period in state.periods:
            late += state.periods[period]["rows"] != computed
        else:
            state.periods[period] = {"rows": computed, **tallies[period]}
    final = [row for period in sorted(state.periods) for row in state.periods[period]["rows"]]
    hidden = [row for row in final if row["gesperrt"]]
    audit = {
        "periods_released_before": before,
        "periods_new": len(state.periods) - before,
        "open_period_withheld": open_period,
        "released_periods_with_late_changes": late,
    }
    summary = {
        "months": len(state.periods),
        "cells": len(final),
        "cells_published": len(final) - len(hidden),
        "cells_suppressed": {
            reason: sum(entry[reason] for entry in state.periods.values()) for reason in ("primary", "secondary")
        },
        "hidden_share": round(len(hidden) / len(final), 4) if final else 0.0,
        "suppressed_cells": [
            {"monat": row[period_field], "zeile": row[row_field], "spalte": row[column_field]} for row in hidden
        ],
        "releases": audit,
    }
    return final, state, summary
