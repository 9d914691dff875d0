import datetime as dt

from publish.site.planning_data import (
    displayed_state,
    natural_key,
    path_through_council,
    plan_slug,
    plan_title,
    timeline,
)


def test_slugs_and_titles():
    bplan = {"id": "x", "nummer": "42", "name": "Wohnen am Hagen", "planart": "Bebauungsplan"}
    fnp = {"id": "y", "nummer": "FNP 27", "name": "Windenergie Horst", "planart": "Änderung des Flächennutzungsplans"}
    assert (plan_slug(bplan), plan_title(bplan)) == ("bebauungsplan-42", "Bebauungsplan Nr. 42 „Wohnen am Hagen“")
    assert (plan_slug(fnp), plan_title(fnp)) == (
        "fnp-aenderung-27",
        "27. Änderung des Flächennutzungsplans „Windenergie Horst“",
    )
    assert plan_slug({"id": "z", "nummer": "12 a/Ä", "planart": None}) == "bebauungsplan-12-a-ae"


def test_plans_sort_by_number_with_land_use_changes_last():
    assert sorted(["FNP 27", "42a", "4", "17", "42"], key=natural_key) == ["4", "17", "42", "42a", "FNP 27"]


def test_path_through_council_interleaves_meetings_by_date():
    steps = timeline(
        {
            "aufstellungsbeschluss": "2023-03-21",
            "offenlage_beginn": "2026-11-02",
            "offenlage_ende": "2026-12-04",
            "verfahrensstand": "offenlage",
        }
    )
    meetings = [
        {"name": "Rat", "start": "2023-03-21T17:00:00", "url": "/m1"},
        {"name": "Planungsausschuss", "start": "2026-09-15T17:00:00", "url": "/m2"},
    ]
    path = path_through_council(steps, meetings)
    assert [entry["label"] for entry in path] == [
        "Rat",
        "Aufstellungsbeschluss",
        "Planungsausschuss",
        "Offenlage",
        "Satzungsbeschluss",
        "Inkrafttreten",
    ]
    assert [entry["date"] for entry in path][-2:] == [None, None]


def test_discontinued_and_repealed_plans_end_their_timeline():
    assert timeline({"verfahrensstand": "eingestellt"})[-1]["label"] == "Verfahren eingestellt"
    assert timeline({"verfahrensstand": "aufgehoben", "aufhebung": "2019-12-10"})[-1] == {
        "label": "Aufhebung",
        "date": "2019-12-10",
        "until": None,
    }


def test_row_urls_match_datasettes_tilde_encoding(tmp_path):
    from datasette.utils import tilde_encode

    from publish.build_folder import BuildFolder

    build = BuildFolder(tmp_path)
    build.__dict__["portal"] = {"site": {"datasette_path": "/daten/"}}  # what portal.json would say
    for key in ["DE_05978040_BP_42", "https://ris.werne.example/oparl/paper/12?x=1", "a b.c~ä"]:
        assert build.row_url("oparl_paper", key) == f"/daten/portal/oparl_paper/{tilde_encode(key)}"


def test_an_ended_public_display_no_longer_reads_as_running():
    state = {"value": "offenlage", "label": "Offenlage", "colour": "#e69f00"}
    plan = {"offenlage_beginn": "2026-11-02", "offenlage_ende": "2026-12-04"}
    assert displayed_state(plan, state, dt.date(2026, 12, 4))["label"] == "Offenlage"  # the last day still counts
    ended = displayed_state(plan, state, dt.date(2026, 12, 5))
    assert ended["label"] == "Offenlage beendet am 04.12.2026" and ended["value"] == "offenlage"
    assert displayed_state({}, state, dt.date(2026, 12, 5)) == state  # no end date known: as recorded
