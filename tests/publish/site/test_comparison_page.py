"""The comparison page on the demo build (peers answered from the bundled recording): the plain
sentence with rank, every town with value or "keine Angabe" and its reason (never 0), source and
date of each value, the demo marked as such, the own KPI file compared with the peers' files,
and the dashboard linking it."""

from __future__ import annotations

import re
from html import unescape


def page_html(demo_build) -> str:
    return (demo_build / "site" / "digitalisierung" / "vergleich" / "index.html").read_text(encoding="utf-8")


def as_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def page_text(demo_build) -> str:
    html = page_html(demo_build)
    return as_text(html[html.index("<main") : html.index("</main>")])


def section(demo_build, figure: str) -> str:
    html = page_html(demo_build)
    start = html.index(f'<section class="comparison" aria-labelledby="{figure}">')
    return as_text(html[start : html.index("</section>", start)])


def test_the_sentence_gives_rank_among_the_peers_with_values(demo_build):
    text = page_text(demo_build)
    assert "Werne liegt bei den offenen Datensätzen je 10.000 Einwohner auf Platz 4 von 9. " in text
    assert "Für 1 Kommune gibt es keine Angabe." in text
    assert "Median 3,24 Datensätze je 10.000 Einwohner" in text
    assert "Spanne 1,14 bis 5,44 Datensätze je 10.000 Einwohner" in text


def test_missing_values_say_keine_angabe_with_reason_and_are_never_ranked_or_zero(demo_build):
    datasets = section(demo_build, "offene-datensaetze")
    assert "– Bönen keine Angabe nicht im Datenkatalog geführt" in datasets
    freshness = section(demo_build, "ratsinformation-aktualitaet")
    assert "– Selm keine Angabe nicht abrufbar (Server antwortete mit HTTP 503)" in freshness
    assert "– Holzwickede keine Angabe keine Schnittstelle bekannt" in freshness
    assert not re.search(r"Bönen 0\b|Selm 0 Tage", page_text(demo_build))


def test_each_value_names_its_source_and_date_and_the_demo_is_marked(demo_build):
    html = page_html(demo_build)
    assert '<a href="https://ckan.opendata-nrw.example/organization/stadt-kamen">ckan.opendata-nrw.example</a>' in html
    assert "Demo-Daten:" in html and "erfunden" in html
    text = page_text(demo_build)
    assert "3 Kamen 4,90 21 Datensätze, 42.838 Einwohner 26.11.2026 ckan.opendata-nrw.example" in text


def test_the_own_kpi_file_is_compared_with_the_peers_files_and_hostile_files_stay_out(demo_build):
    online = section(demo_build, "reifegrad-3-anteil")
    assert "Unna 61 % November 2026 www.unna.example (kennzahlen.json)" in online
    assert "Werne (diese Stadt)" in online and "Schwerte keine Angabe Datei abgelehnt" in online
    html = page_html(demo_build)
    assert "<script>alert" not in html and "alert(" not in html


def test_the_dashboard_links_the_comparison(demo_build):
    dashboard = (demo_build / "site" / "digitalisierung" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/digitalisierung/vergleich/">Vergleich mit anderen Kommunen</a>' in dashboard
