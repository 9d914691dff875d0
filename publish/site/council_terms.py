"""Plain words for council business: the glossary (`/rat/begriffe/`) and "Worum geht es?".

`TERMS` explains the words the council pages use; the pages link a term to its entry
(`/rat/begriffe/#<slug>`) where it stands as a label, a heading or a paper's kind.
`paper_summary` says in three short parts what a paper is, where it is on its way through the
committees, and what was decided — from the paper's kind and its consultations as the council
system reports them, never guessed beyond that.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.german import german_date
from contracts.german_folding import normalise

PAGE = "rat/begriffe"


@dataclass(frozen=True)
class Term:
    slug: str
    word: str
    explanation: str


TERMS: list[Term] = [
    Term(
        "drucksache",
        "Drucksache (Vorlage)",
        "Ein Schriftstück, über das der Rat oder ein Ausschuss berät. Jede Drucksache hat eine Nummer, "
        "z. B. 012/2026 (die zwölfte des Jahres 2026). Es gibt verschiedene Arten: Beschlussvorlage, "
        "Mitteilungsvorlage, Antrag, Anfrage.",
    ),
    Term(
        "beschlussvorlage",
        "Beschlussvorlage",
        "Ein Vorschlag der Verwaltung, über den ein Gremium entscheiden soll. Sie enthält den Vorschlag "
        "für den Beschluss und die Begründung.",
    ),
    Term(
        "mitteilungsvorlage",
        "Mitteilungsvorlage",
        "Eine Information der Verwaltung an den Rat oder einen Ausschuss, z. B. über den Stand eines "
        "Vorhabens. Sie wird zur Kenntnis genommen; beschlossen wird darüber nicht.",
    ),
    Term(
        "antrag",
        "Antrag",
        "Ein Vorschlag einer Fraktion oder eines Ratsmitglieds, über den der Rat oder ein Ausschuss entscheiden soll.",
    ),
    Term(
        "anfrage",
        "Anfrage",
        "Eine Frage einer Fraktion oder eines Ratsmitglieds an die Verwaltung. Die Verwaltung antwortet "
        "schriftlich oder in der Sitzung; beschlossen wird darüber nicht.",
    ),
    Term(
        "beratungsfolge",
        "Beratungsfolge",
        "Der Weg einer Drucksache durch die Gremien: meist zuerst ein Fachausschuss (Vorberatung), "
        "dann der Rat (Entscheidung).",
    ),
    Term(
        "vorberatung",
        "Vorberatung",
        "Ein Ausschuss berät eine Drucksache und gibt eine Empfehlung; entscheiden wird ein anderes Gremium.",
    ),
    Term(
        "entscheidung",
        "Entscheidung",
        "Das Gremium, das abschließend über eine Drucksache beschließt – oft der Rat, bei manchen Themen "
        "ein Ausschuss.",
    ),
    Term(
        "kenntnisnahme",
        "Kenntnisnahme",
        "Das Gremium nimmt eine Information entgegen, ohne etwas zu beschließen.",
    ),
    Term(
        "rat",
        "Rat",
        "Die gewählte Vertretung der Bürgerinnen und Bürger der Stadt. Er entscheidet über alle wichtigen "
        "Angelegenheiten, z. B. den Haushalt und die Bebauungspläne.",
    ),
    Term(
        "ausschuss",
        "Ausschuss (Gremium)",
        "Eine kleinere Runde von Ratsmitgliedern und sachkundigen Bürgerinnen und Bürgern für ein Fachgebiet, "
        "z. B. Bauen oder Schule. Ausschüsse bereiten Entscheidungen des Rates vor und entscheiden manches "
        "selbst.",
    ),
    Term(
        "fraktion",
        "Fraktion",
        "Der Zusammenschluss der Ratsmitglieder einer Partei oder Wählergruppe.",
    ),
    Term(
        "federfuehrung",
        "Federführung",
        "Das Amt der Verwaltung oder das Gremium, das für eine Drucksache verantwortlich ist.",
    ),
    Term(
        "sitzung",
        "Sitzung",
        "Ein Treffen des Rates oder eines Ausschusses. Sitzungen sind grundsätzlich öffentlich: jeder darf zuhören.",
    ),
    Term(
        "tagesordnung",
        "Tagesordnung",
        "Die Liste der Themen einer Sitzung, in der Reihenfolge, in der sie beraten werden.",
    ),
    Term(
        "top",
        "TOP (Tagesordnungspunkt)",
        "Ein Thema auf der Tagesordnung, z. B. „TOP 4“. Zu einem TOP gehört oft eine Drucksache.",
    ),
    Term(
        "nichtoeffentlich",
        "Nichtöffentlicher Teil",
        "Themen, bei denen es um Rechte einzelner Menschen oder Firmen geht (z. B. Grundstücksgeschäfte, "
        "Personal), berät das Gremium ohne Publikum. Sie werden hier nicht veröffentlicht.",
    ),
    Term(
        "einladung",
        "Einladung",
        "Das Schreiben, mit dem zu einer Sitzung eingeladen wird; es enthält die Tagesordnung.",
    ),
    Term(
        "niederschrift",
        "Niederschrift (Protokoll)",
        "Das schriftliche Ergebnis einer Sitzung: wer da war, was beraten und was beschlossen wurde.",
    ),
    Term(
        "anlage",
        "Anlage",
        "Ein zusätzliches Dokument zu einer Drucksache, z. B. ein Plan, ein Gutachten oder eine Kostenschätzung.",
    ),
    Term(
        "beschluss",
        "Beschluss",
        "Die Entscheidung eines Gremiums. „Ungeändert beschlossen“ heißt: so wie vorgeschlagen; „geändert "
        "beschlossen“: mit Änderungen; „abgelehnt“: nicht angenommen; „vertagt“: später erneut beraten.",
    ),
    Term(
        "bebauungsplan",
        "Bebauungsplan",
        "Legt für ein Gebiet fest, was und wie gebaut werden darf. Er wird vom Rat als Satzung beschlossen.",
    ),
    Term(
        "aufstellungsbeschluss",
        "Aufstellungsbeschluss",
        "Der erste Beschluss, mit dem der Rat ein Verfahren für einen Bebauungsplan oder eine Planänderung beginnt.",
    ),
    Term(
        "offenlage",
        "Offenlage (öffentliche Auslegung)",
        "Der Entwurf eines Plans liegt mindestens einen Monat öffentlich aus, auch im Internet. In dieser Zeit "
        "kann jede und jeder eine Stellungnahme abgeben.",
    ),
    Term(
        "satzungsbeschluss",
        "Satzungsbeschluss",
        "Der abschließende Beschluss des Rates über einen Bebauungsplan. Mit der Bekanntmachung wird der "
        "Plan rechtsverbindlich.",
    ),
    Term(
        "haushaltssatzung",
        "Haushaltssatzung",
        "Der Beschluss des Rates darüber, wie viel Geld die Stadt in einem Jahr einnehmen und ausgeben darf.",
    ),
]
TERM_SLUGS = {term.slug for term in TERMS}

# What a paper of each kind is, in one sentence (the kind as the system names it, folded).
PAPER_KINDS = {
    "beschlussvorlage": (
        "beschlussvorlage",
        "Diese Beschlussvorlage ist ein Vorschlag der Verwaltung, über den ein Gremium entscheiden soll.",
    ),
    "mitteilungsvorlage": (
        "mitteilungsvorlage",
        "Diese Mitteilungsvorlage informiert die Gremien über einen Sachstand; beschlossen wird darüber nicht.",
    ),
    "antrag": ("antrag", "Dieser Antrag ist ein Vorschlag {who}, über den ein Gremium entscheiden soll."),
    "anfrage": ("anfrage", "Diese Anfrage ist eine Frage {who} an die Verwaltung, die diese beantwortet."),
}
# Results that are no decision (council_data.DECIDED_SQL uses the same words).
NOT_DECIDED = ("vertagt", "zurückgestellt", "abgesetzt", "verwiesen", "kenntnis")


def paper_kind(paper_type: str | None) -> tuple[str, str] | None:
    """(glossary slug, sentence template) of a paper's kind; "Beschlussvorlage der Verwaltung" and
    "Antrag (Fraktion)" count as their first word."""
    folded = normalise(paper_type or "")
    for key, value in PAPER_KINDS.items():
        if folded.startswith(normalise(key)):
            return value
    return None


@dataclass(frozen=True)
class PaperSummary:
    kind_sentence: str
    kind_slug: str
    path_sentences: list[str]
    decision: str | None


def paper_summary(paper: dict, consultations: list[dict], now_iso: str) -> PaperSummary:
    """What the paper is, where it is in its consultation path (with dates), and the decision.

    `consultations` in meeting order, as `council_data.paper_page` gives them; `now_iso` the
    local time as ISO text (meetings are stored with their local offset)."""
    kind = paper_kind(paper.get("paper_type"))
    who = (
        f"von {paper['originator_name']}" if paper.get("originator_name") else "einer Fraktion oder eines Ratsmitglieds"
    )
    if kind:
        slug, template = kind
        sentence = template.format(who=who)
    else:
        slug = "drucksache"
        sentence = (
            f"Diese Drucksache ({paper['paper_type']}) wird in Rat oder Ausschüssen beraten."
            if paper.get("paper_type")
            else "Diese Drucksache wird in Rat oder Ausschüssen beraten."
        )
    held = [c for c in consultations if c.get("meeting_start") and c["meeting_start"] < now_iso]
    coming = [c for c in consultations if c.get("meeting_start") and c["meeting_start"] >= now_iso]
    unscheduled = [c for c in consultations if not c.get("meeting")]
    path: list[str] = []
    if not consultations:
        path.append("Eine Beratung in einem Gremium ist nicht veröffentlicht.")
    else:
        total = len(consultations)
        path.append(
            f"Die Beratungsfolge hat {total} {'Station' if total == 1 else 'Stationen'}"
            + (
                f", {len(held)} davon {'ist' if len(held) == 1 else 'sind'} erledigt."
                if held
                else ", noch keine ist erledigt."
            )
        )
        if held:
            last = held[-1]
            outcome = (
                "die Sitzung wurde abgesagt"
                if last.get("meeting_cancelled")
                else (last.get("result") or "ohne Ergebnis")
            )
            path.append(f"Zuletzt: {_where(last)} am {german_date(last['meeting_start'])} – {outcome}.")
        if coming:
            path.append(f"Als Nächstes: {_where(coming[0])} am {german_date(coming[0]['meeting_start'])}.")
        elif unscheduled:
            path.append(f"Noch ohne Termin: {_where(unscheduled[0])}.")
    return PaperSummary(sentence, slug, path, _decision(paper, held))


def _where(consultation: dict) -> str:
    name = consultation.get("organization_name") or consultation.get("meeting_name") or "ein Gremium"
    role = consultation.get("role")
    return f"{name} ({role})" if role else name


def _decision(paper: dict, held: list[dict]) -> str | None:
    """The result of the last held consultation that decides, if it decided something. As for
    the overview's latest decisions, only a consultation the system marks as not deciding (a
    committee's recommendation) is left out, since most systems never say; a postponement or
    taking note is no decision (the same rule as `council_data.DECIDED_SQL`)."""
    for consultation in reversed(held):
        result = consultation.get("result")
        if consultation.get("authoritative") in (False, 0) or consultation.get("meeting_cancelled") or not result:
            continue
        if any(normalise(word) in normalise(result) for word in NOT_DECIDED):
            continue
        who = consultation.get("organization_name") or "das Gremium"
        text = f"{who} am {german_date(consultation['meeting_start'])}: {result}"
        if consultation.get("resolution_text"):
            text += f" – {consultation['resolution_text']}"
        return text
    return None
