""" "Worum geht es?" on a paper page: its kind in one sentence, its way through the committees
with dates, and the decision when there is one; the glossary the pages link to."""

from __future__ import annotations

from publish.site.council_terms import TERM_SLUGS, TERMS, paper_summary

NOW = "2026-11-25T12:00:00+01:00"


def consultation(org, start, role, result=None, authoritative=None, **extra):
    return {
        "organization_name": org,
        "meeting": f"m-{start}",
        "meeting_start": start,
        "role": role,
        "result": result,
        "authoritative": authoritative,
        "meeting_cancelled": False,
        **extra,
    }


def test_a_proposal_decided_by_the_council_says_what_it_is_where_it_went_and_the_decision():
    summary = paper_summary(
        {"paper_type": "Beschlussvorlage"},
        [
            consultation("Bauausschuss", "2026-03-10T17:00:00+01:00", "Vorberatung", "empfohlen", False),
            consultation(
                "Rat der Stadt Werne", "2026-03-26T18:00:00+01:00", "Entscheidung", "ungeändert beschlossen", True
            ),
        ],
        NOW,
    )
    assert summary.kind_slug == "beschlussvorlage" and "Vorschlag der Verwaltung" in summary.kind_sentence
    assert summary.path_sentences[0] == "Die Beratungsfolge hat 2 Stationen, 2 davon sind erledigt."
    assert "Rat der Stadt Werne (Entscheidung) am 26.03.2026 – ungeändert beschlossen" in summary.path_sentences[1]
    assert summary.decision == "Rat der Stadt Werne am 26.03.2026: ungeändert beschlossen"


def test_an_open_proposal_names_the_next_meeting_and_a_postponement_is_no_decision():
    summary = paper_summary(
        {"paper_type": "Antrag", "originator_name": "SPD-Fraktion"},
        [
            consultation("Schulausschuss", "2026-10-01T17:00:00+02:00", "Vorberatung", "vertagt"),
            consultation("Rat der Stadt Werne", "2026-12-10T18:00:00+01:00", "Entscheidung", None, True),
        ],
        NOW,
    )
    assert (
        summary.kind_sentence
        == "Dieser Antrag ist ein Vorschlag von SPD-Fraktion, über den ein Gremium entscheiden soll."
    )
    assert summary.path_sentences[-1] == "Als Nächstes: Rat der Stadt Werne (Entscheidung) am 10.12.2026."
    assert summary.decision is None


def test_taking_note_of_a_question_is_no_decision_and_unknown_kinds_are_drucksachen():
    question = paper_summary(
        {"paper_type": "Anfrage"},
        [consultation("Rat der Stadt Werne", "2026-02-01T18:00:00+01:00", "Kenntnisnahme", "zur Kenntnis genommen")],
        NOW,
    )
    assert question.kind_slug == "anfrage" and question.decision is None
    other = paper_summary({"paper_type": "Bericht"}, [], NOW)
    assert other.kind_slug == "drucksache" and "(Bericht)" in other.kind_sentence
    assert other.path_sentences == ["Eine Beratung in einem Gremium ist nicht veröffentlicht."]


def test_the_glossary_explains_the_terms_the_issue_names_once_each():
    assert len(TERM_SLUGS) == len(TERMS)
    assert {"drucksache", "beschlussvorlage", "antrag", "anfrage", "niederschrift", "top", "offenlage"} <= TERM_SLUGS
    assert "satzungsbeschluss" in TERM_SLUGS and all(term.explanation.endswith(".") for term in TERMS)
