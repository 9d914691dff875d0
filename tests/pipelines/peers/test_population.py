"""The IT.NRW table export: key date, German thousands, GENESIS signs for no value, and refusal
of a file without the expected layout."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.demo.peers import OWN, PEERS, population_csv
from pipelines.peers.population import PopulationTableUnreadable, read_population


def test_the_recorded_export_gives_every_town_with_its_key_date():
    table = read_population(population_csv([OWN, *PEERS]))
    assert table.key_date == dt.date(2023, 12, 31)
    assert table.inhabitants["05978040"] == 29_704 and table.inhabitants["05978024"] == 86_404
    assert len(table.inhabitants) == 10


def test_signs_for_no_value_give_no_value_not_zero():
    content = "12411-01i;;\n;;31.12.2023\n05978040;Werne;29.704\n05978008;Bönen;-\n05978012;X;.\n05978016;Y;0\n"
    table = read_population(content.encode("cp1252"))
    assert table.inhabitants == {"05978040": 29_704}


@pytest.mark.parametrize(
    "content",
    [b"", b"05978040;Werne;29704\n", b";;31.12.2023\nGemeinde;Werne;29704\n", "ä".encode("utf-16")],
)
def test_an_export_without_key_date_or_rows_is_refused(content):
    with pytest.raises(PopulationTableUnreadable):
        read_population(content)
