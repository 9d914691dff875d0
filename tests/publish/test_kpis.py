"""KPI engine against a real SQLite file: values, comparisons, and honest unavailability."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from publish.kpis import KpiDefinition, KpiDefinitionError, evaluate, evaluate_all, target_progress, year_earlier


@pytest.fixture()
def database(tmp_path):
    path = tmp_path / "portal.db"
    connection = sqlite3.connect(path)
    connection.execute("create table anteil (monat text, wert real)")
    rows = [
        (f"{year}-{month:02d}", 10.0 + index)
        for index, (year, month) in enumerate((year, month) for year in (2025, 2026) for month in range(1, 13))
    ]
    connection.executemany("insert into anteil values (?, ?)", rows[:22])  # up to 2026-10
    connection.execute("insert into anteil values ('2026-11', null)")  # a suppressed month
    connection.commit()
    connection.close()
    return path


def definition(**overrides):
    data = {
        "id": "online-share",
        "title": "Online-Anteil",
        "unit": "%",
        "higher_is_better": True,
        "sentence": "{value} % im {period}; Ziel {target} % bis {target_date}.",
        "target": 50,
        "target_date": "2027-12-31",
        "datasets": ["service-sperrmuell"],
        "sql": "select monat as period, wert as value from anteil order by period",
    }
    data.update(overrides)
    return data


OK = {"service-sperrmuell": {"status": "ok"}}


def test_current_previous_year_ago_target_and_sentence(database):
    [result] = evaluate_all([definition()], database, OK)
    assert result.available
    assert (result.current.period, result.current.value) == ("2026-10", 31.0)  # the null month is a gap
    assert result.previous.period == "2026-09" and result.change_previous == 1.0
    assert result.year_ago.period == "2025-10" and result.change_year == 12.0
    assert result.target_progress == 62.0
    assert result.sentence == "31 % im Oktober 2026; Ziel 50 % bis 31.12.2027."
    assert result.is_improvement(result.change_year) is True


def test_failing_sql_is_unavailable_with_reason_not_zero(database):
    [result] = evaluate_all([definition(sql="select period, value from no_such_table")], database, OK)
    assert not result.available
    assert result.current is None and result.series == []
    assert "no_such_table" in result.reason


def test_stale_dataset_makes_the_kpi_unavailable(database):
    datasets = {"service-sperrmuell": {"status": "stale", "stale_reason": "Zeile 17, Feld datum: kein Datum"}}
    [result] = evaluate_all([definition()], database, datasets)
    assert not result.available and "veraltet" in result.reason and "Zeile 17" in result.reason


def test_missing_dataset_and_missing_database(database, tmp_path):
    [result] = evaluate_all([definition()], database, {})
    assert not result.available and "nicht veröffentlicht" in result.reason
    [result] = evaluate_all([definition()], tmp_path / "missing.db", OK)
    assert not result.available and "Datenbank" in result.reason


def test_wrong_columns_and_empty_results(database):
    [wrong] = evaluate_all([definition(sql="select monat, wert from anteil")], database, OK)
    assert not wrong.available and "period, value" in wrong.reason
    [empty] = evaluate_all([definition(sql="select monat as period, wert as value from anteil where 0")], database, OK)
    assert not empty.available and "keine Werte" in empty.reason


def test_queries_cannot_write(database):
    [result] = evaluate_all(
        [definition(sql="delete from anteil returning monat as period, wert as value")], database, OK
    )
    assert not result.available
    assert sqlite3.connect(database).execute("select count(*) from anteil").fetchone()[0] == 23


def test_runaway_query_is_stopped(database):
    slow = (
        "with recursive n(i) as (select 1 union all select i + 1 from n) "
        "select i as period, i as value from n order by i"
    )
    connection = sqlite3.connect(database)
    result = evaluate(KpiDefinition.from_dict(definition(sql=slow)), connection, OK, seconds=0.2)
    assert not result.available and "Zeitlimit" in result.reason


def test_lower_is_better_progress_and_year_arithmetic():
    assert target_progress(20, 15, higher_is_better=False) == 75.0
    assert target_progress(10, 15, higher_is_better=False) == 100.0
    assert target_progress(30, 50, higher_is_better=True) == 60.0
    assert year_earlier("2026-10") == "2025-10" and year_earlier("2026-Q3") == "2025-Q3"
    assert year_earlier("2026") == "2025" and year_earlier("aktuell") is None


def test_definition_errors_name_the_kpi():
    with pytest.raises(KpiDefinitionError, match="online-share: fehlt sql"):
        KpiDefinition.from_dict(definition(sql=""))
    with pytest.raises(KpiDefinitionError, match="unbekannte Platzhalter"):
        KpiDefinition.from_dict(definition(sentence="{wert} %"))


def test_breakdown_rows_and_a_failing_breakdown_does_not_hide_the_value(database):
    breakdown = "select monat as label, wert as value from anteil where monat >= '2026-09' order by monat"
    [result] = evaluate_all([definition(breakdown_sql=breakdown)], database, OK)
    assert result.breakdown == [("2026-09", 30.0), ("2026-10", 31.0), ("2026-11", None)]
    [broken] = evaluate_all([definition(breakdown_sql="select 1")], database, OK)
    assert broken.available and broken.breakdown == [] and "label, value" in broken.breakdown_problem


def test_named_parameters_are_bound_empty_so_the_sql_chooses_its_default(database):
    breakdown = "select monat as label, wert as value from anteil where monat = coalesce(nullif(:monat, ''), '2026-10')"
    [result] = evaluate_all([definition(breakdown_sql=breakdown)], database, OK)
    assert result.breakdown == [("2026-10", 31.0)]


def test_a_running_month_is_bisher_and_never_compared(database):
    """On 7 November 2026 the November row is not final: current and comparisons use October."""
    sql = "select monat as period, coalesce(wert, 3) as value from anteil order by period"
    [result] = evaluate_all([definition(sql=sql)], database, OK, today=date(2026, 11, 7))
    assert result.running.period == "2026-11" and result.running.value == 3
    assert result.current.period == "2026-10" and result.previous.period == "2026-09"
    assert result.sentence.startswith("31 % im Oktober 2026")
    [later] = evaluate_all([definition(sql=sql)], database, OK, today=date(2026, 12, 1))
    assert later.running is None and later.current.period == "2026-11" and later.previous.period == "2026-10"


def test_a_point_in_time_figure_counts_the_running_month(database):
    sql = "select monat as period, coalesce(wert, 3) as value from anteil order by period"
    [result] = evaluate_all([definition(sql=sql, point_in_time=True)], database, OK, today=date(2026, 11, 7))
    assert result.running is None and result.current.period == "2026-11"


def test_yearly_figures_compare_once_and_old_data_say_so(tmp_path):
    path = tmp_path / "portal.db"
    connection = sqlite3.connect(path)
    connection.execute("create table jahre (jahr text, n integer)")
    connection.executemany("insert into jahre values (?, ?)", [("2004", 5), ("2005", 6), ("2006", 4)])
    connection.commit()
    connection.close()
    kpi = definition(
        sql="select jahr as period, n as value from jahre order by period",
        unit="Pläne",
        unit_singular="Plan",
        sentence="{when} waren es {value} {unit}.",
        target=None,
    )
    [result] = evaluate_all([kpi], path, OK, today=date(2026, 12, 7))
    assert result.sentence == "Im Jahr 2006 waren es 4 Pläne."
    assert result.previous.period == "2005" and result.year_ago is None  # the same comparison once
    assert result.old
    assert result.definition.change_amount(result.change_previous) == "−2\u00a0Pläne"
    assert result.definition.change_amount(-1) == "−1\u00a0Plan" and result.definition.amount(1) == "1\u00a0Plan"


def test_percent_changes_are_percentage_points():
    kpi = KpiDefinition.from_dict(definition())
    assert kpi.change_amount(2.2) == "+2,2\u00a0Prozentpunkte" and kpi.change_amount(0) == "±0\u00a0Prozentpunkte"


def test_a_descriptive_count_is_neither_better_nor_worse(database):
    [result] = evaluate_all([definition(higher_is_better=None, target=None)], database, OK, today=date(2026, 12, 7))
    assert result.definition.higher_is_better is None
    assert result.change_previous == 1.0 and result.is_improvement(result.change_previous) is None
