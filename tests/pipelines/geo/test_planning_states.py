import pytest

from pipelines.geo.planning_states import STATES, UnknownPlanningState, resolve_state


@pytest.mark.parametrize(
    "value, key",
    [
        (4000, "rechtskraeftig"),
        (4000.0, "rechtskraeftig"),
        ("4000", "rechtskraeftig"),
        ("1000", "aufstellungsbeschluss"),
        (2200, "fruehzeitige-beteiligung"),
        (2400, "offenlage"),
        (3000, "satzungsbeschluss"),
        (50000, "aufgehoben"),
        ("Rechtskräftig", "rechtskraeftig"),
        ("rechtsverbindlich", "rechtskraeftig"),
        ("Öffentliche Auslegung", "offenlage"),
        ("Frühzeitige Beteiligung", "fruehzeitige-beteiligung"),
        ("außer Kraft", "aufgehoben"),
        ("Verfahren eingestellt", "eingestellt"),
    ],
)
def test_codes_and_german_words_resolve(value, key):
    assert resolve_state(value).key == key


def test_declared_values_win():
    assert resolve_state("9999", {"9999": "eingestellt"}).key == "eingestellt"
    assert resolve_state(4000, {"4000": "aufgehoben"}).key == "aufgehoben"


@pytest.mark.parametrize("value", [None, "", "irgendwas", 1234])
def test_unknown_values_raise(value):
    with pytest.raises(UnknownPlanningState):
        resolve_state(value)


def test_vocabulary_is_complete_and_distinct():
    assert len({state.colour for state in STATES}) == len(STATES)
    assert [state.order for state in STATES] == sorted(state.order for state in STATES)
    in_procedure = {state.key for state in STATES if state.in_procedure}
    assert in_procedure == {
        "aufstellungsbeschluss",
        "fruehzeitige-beteiligung",
        "im-verfahren",
        "offenlage",
        "satzungsbeschluss",
    }
