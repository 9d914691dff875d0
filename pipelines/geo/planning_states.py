"""The planning-state vocabulary: where a development plan stands in its procedure.

Each state has a stable key (stored in the data), a plain German label, a colour for maps
and legends, its place in the usual order of the procedure, and whether a plan in that
state is still "im Verfahren" (counted by the dashboard KPI).

Sources name states in two ways, both accepted by `resolve_state`:
- XPlanung `rechtsstand` codes (BP_Rechtsstand / FP_Rechtsstand, e.g. 4000 = in Kraft
  getreten), as the NRW plan inventory and XPlanGML files carry them;
- German words as town GIS exports write them ("rechtskräftig", "Offenlage", ...).
A dataset may add its own values in `dataset.yaml` (`state_values`), which win over both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanningState:
    key: str
    label: str
    colour: str  # hex colour; chosen to stay distinguishable for colour-blind readers
    order: int
    in_procedure: bool
    description: str


# Order follows the procedure of the Baugesetzbuch (§§ 2-10 BauGB); the end states follow.
STATES: tuple[PlanningState, ...] = (
    PlanningState(
        "aufstellungsbeschluss",
        "Aufstellungsbeschluss",
        "#56b4e9",
        1,
        True,
        "Der Rat hat beschlossen, den Plan aufzustellen.",
    ),
    PlanningState(
        "fruehzeitige-beteiligung",
        "Frühzeitige Beteiligung",
        "#0072b2",
        2,
        True,
        "Bürgerinnen, Bürger und Behörden können sich früh zu den Zielen äußern.",
    ),
    PlanningState("im-verfahren", "Im Verfahren", "#7f7fbf", 3, True, "Der Entwurf wird erarbeitet oder überarbeitet."),
    PlanningState(
        "offenlage",
        "Offenlage",
        "#e69f00",
        4,
        True,
        "Der Entwurf liegt öffentlich aus; jede Person kann Stellung nehmen.",
    ),
    PlanningState(
        "satzungsbeschluss",
        "Satzungsbeschluss",
        "#cc79a7",
        5,
        True,
        "Der Rat hat den Plan beschlossen; er wird mit der Bekanntmachung gültig.",
    ),
    PlanningState(
        "rechtskraeftig", "Rechtskräftig", "#009e73", 6, False, "Der Plan ist in Kraft und gilt für Bauvorhaben."
    ),
    PlanningState("aufgehoben", "Aufgehoben", "#999999", 7, False, "Der Plan wurde aufgehoben und gilt nicht mehr."),
    PlanningState(
        "eingestellt",
        "Verfahren eingestellt",
        "#666666",
        8,
        False,
        "Das Verfahren wurde beendet, ohne dass der Plan in Kraft trat.",
    ),
)

STATES_BY_KEY: dict[str, PlanningState] = {state.key: state for state in STATES}

# XPlanung rechtsstand codes (BP_Rechtsstand and FP_Rechtsstand share these numbers).
XPLANUNG_CODES: dict[str, str] = {
    "1000": "aufstellungsbeschluss",
    "2000": "im-verfahren",  # Entwurf
    "2100": "fruehzeitige-beteiligung",  # FruehzeitigeBehoerdenBeteiligung
    "2200": "fruehzeitige-beteiligung",  # FruehzeitigeOeffentlichkeitsBeteiligung
    "2300": "im-verfahren",  # BehoerdenBeteiligung
    "2400": "offenlage",  # OeffentlicheAuslegung
    "3000": "satzungsbeschluss",  # Satzung (BP) / Plan (FP)
    "4000": "rechtskraeftig",  # InkraftGetreten (BP) / Wirksamkeit (FP)
    "4500": "rechtskraeftig",  # TeilweiseUntergegangen: still in force in part
    "5000": "aufgehoben",  # Untergegangen
    "50000": "aufgehoben",  # Aufgehoben
    "50100": "aufgehoben",  # AusserKraft
}

# German words as they appear in town exports, normalised by `_normalise`.
GERMAN_WORDS: dict[str, str] = {
    "aufstellungsbeschluss": "aufstellungsbeschluss",
    "aufstellung": "aufstellungsbeschluss",
    "fruhzeitige beteiligung": "fruehzeitige-beteiligung",
    "fruehzeitige beteiligung": "fruehzeitige-beteiligung",
    "fruhzeitige offentlichkeitsbeteiligung": "fruehzeitige-beteiligung",
    "fruhzeitige behordenbeteiligung": "fruehzeitige-beteiligung",
    "im verfahren": "im-verfahren",
    "entwurf": "im-verfahren",
    "in aufstellung": "im-verfahren",
    "offenlage": "offenlage",
    "offentliche auslegung": "offenlage",
    "auslegung": "offenlage",
    "satzungsbeschluss": "satzungsbeschluss",
    "satzung": "satzungsbeschluss",
    "rechtskraftig": "rechtskraeftig",
    "rechtsverbindlich": "rechtskraeftig",
    "in kraft": "rechtskraeftig",
    "in kraft getreten": "rechtskraeftig",
    "inkraftgetreten": "rechtskraeftig",
    "wirksam": "rechtskraeftig",
    "aufgehoben": "aufgehoben",
    "ausser kraft": "aufgehoben",
    "untergegangen": "aufgehoben",
    "eingestellt": "eingestellt",
    "verfahren eingestellt": "eingestellt",
}


class UnknownPlanningState(ValueError):
    """A source value that names no planning state (neither code, word nor declared value)."""

    def __init__(self, value: object):
        super().__init__(f"unknown planning state {value!r}")
        self.value = value


def _normalise(value: object) -> str:
    """Lower-case, strip accents and punctuation, so "Rechtskräftig" == "rechtskraftig".

    Floats such as 4000.0 (the NRW inventory writes codes as floats) become "4000".
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKD", str(value).strip().lower().replace("ß", "ss"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(\d+) 0$", r"\1", text)  # "4000.0" written as text


def resolve_state(value: object, declared: dict[str, str] | None = None) -> PlanningState:
    """Return the planning state a source value stands for.

    `declared` maps source values to state keys (from `dataset.yaml`) and is consulted
    first, then XPlanung codes, then German words. Raises `UnknownPlanningState` for an
    empty or unknown value and `KeyError` when a declared mapping names no state key.
    """
    if value is None or str(value).strip() == "":
        raise UnknownPlanningState(value)
    normalised = _normalise(value)
    for source, key in (declared or {}).items():
        if _normalise(source) == normalised:
            return STATES_BY_KEY[key]
    known = XPLANUNG_CODES.get(normalised) or GERMAN_WORDS.get(normalised)
    if known is None:
        raise UnknownPlanningState(value)
    return STATES_BY_KEY[known]


def expected_values_text() -> str:
    """A German one-liner listing what `resolve_state` accepts, for error reports."""
    labels = ", ".join(state.label for state in STATES)
    return f"ein Verfahrensstand ({labels}) oder ein XPlanung-Rechtsstand-Code (z. B. 4000)"
