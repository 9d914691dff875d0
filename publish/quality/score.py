"""The quality score of one dataset: the criteria, their points and a plain German reason each.

Five dimensions and their points follow the Metadata Quality Assessment (MQA) of
data.europa.eu (405 points); a sixth, "Daten und Pflege" (100 points), adds what only the
portal knows: whether the data passed validation, the schema explains every column, the
freshness promise is kept and the links in the metadata lead somewhere. The mapping, and where
it deviates from the MQA, is docs/decisions/quality-score.md.

Indicators that the MQA counts per distribution give the share of distributions that meet
them; a criterion that could not be assessed (no SHACL shapes, link check off) is left out of
the maximum and says so, instead of counting as failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from publish.quality.links import LinkResult

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE_VOCABULARY = "http://dcat-ap.de/def/licenses/"
# EU file types read by programs without a person (MQA "machine-readable") and not bound to
# one vendor (MQA "non-proprietary"); XLSX is machine-readable but a vendor's format.
MACHINE_READABLE = {"CSV", "JSON", "GEOJSON", "XML", "RDF_XML", "RDF_TURTLE", "JSON_LD", "XLSX", "ODS", "GML"}
NON_PROPRIETARY = {"CSV", "JSON", "GEOJSON", "XML", "RDF_XML", "RDF_TURTLE", "JSON_LD", "ODS", "GML"}

# MQA's four ratings, as shares of its 405 points (351, 221, 121), applied to the share reached here.
RATINGS = ((351 / 405, "sehr gut"), (221 / 405, "gut"), (121 / 405, "ausreichend"), (0.0, "mangelhaft"))


@dataclass
class Criterion:
    dimension: str
    name: str
    max_points: float
    points: float
    reason: str
    assessed: bool = True


@dataclass
class DatasetQuality:
    dataset: str
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(c.points for c in self.criteria if c.assessed), 1)

    @property
    def max_points(self) -> float:
        return round(sum(c.max_points for c in self.criteria if c.assessed), 1)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0

    @property
    def rating(self) -> str:
        share = self.points / self.max_points if self.max_points else 0.0
        return next(word for threshold, word in RATINGS if share >= threshold - 1e-9)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "points": self.points,
            "max_points": self.max_points,
            "percent": self.percent,
            "rating": self.rating,
            "criteria": [asdict(c) for c in self.criteria],
        }


@dataclass(frozen=True)
class Evidence:
    """What the score of one dataset is computed from."""

    dataset: str
    node: URIRef  # the dataset in the catalogue graph
    graph: Graph
    links: Mapping[str, LinkResult]  # every access/download URL and external metadata link
    external_links: list[str]  # the metadata's links to other sites (licence, publisher, source)
    shacl: list[str] | None  # the entry's violations (German), None when not checked
    shacl_missing: str  # why SHACL was not checked
    package: Mapping[str, Any]
    report: Mapping[str, Any] | None  # report.json
    freshness: Mapping[str, Any]  # publish.freshness.health


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _count_text(part: int, whole: int, noun: str) -> str:
    return f"{part} von {whole} {noun}"


def assess(e: Evidence) -> DatasetQuality:
    """Every criterion of one dataset, in the order of the dimensions."""
    return DatasetQuality(
        e.dataset,
        [
            _keywords(e),
            _themes(e),
            _spatial(e),
            _temporal(e),
            _access_urls(e),
            _download_present(e),
            _downloads_resolve(e),
            *_interoperability(e),
            *_reusability(e),
            *_context(e),
            *_data_and_upkeep(e),
        ],
    )


def _has(evidence: Evidence, node: URIRef, predicate: URIRef) -> bool:
    return evidence.graph.value(node, predicate) is not None


def _distributions(evidence: Evidence) -> list[URIRef]:
    return sorted(n for n in evidence.graph.objects(evidence.node, DCAT.distribution) if isinstance(n, URIRef))


def _present(dimension: str, name: str, points: float, found: bool, yes: str, no: str) -> Criterion:
    return Criterion(dimension, name, points, points if found else 0.0, yes if found else no)


def _per_distribution(
    evidence: Evidence, dimension: str, name: str, points: float, test: Callable[[URIRef], bool], what: str
) -> Criterion:
    distributions = _distributions(evidence)
    met = sum(1 for d in distributions if test(d))
    share = _share(met, len(distributions))
    reason = f"{_count_text(met, len(distributions), 'Verteilungen')} {what}"
    return Criterion(dimension, name, points, round(points * share, 1), reason)


def _keywords(e: Evidence) -> Criterion:
    return _present("Auffindbarkeit", "Schlagwörter", 30, _has(e, e.node, DCAT.keyword), "vorhanden", "keine angegeben")


def _themes(e: Evidence) -> Criterion:
    found = _has(e, e.node, DCAT.theme)
    return _present("Auffindbarkeit", "Themen (Kategorien)", 30, found, "aus dem EU-Vokabular", "keine angegeben")


def _spatial(e: Evidence) -> Criterion:
    found = _has(e, e.node, DCTERMS.spatial)
    return _present("Auffindbarkeit", "Raumbezug", 20, found, "Gemeindeschlüssel angegeben", "fehlt")


def _temporal(e: Evidence) -> Criterion:
    found = _has(e, e.node, DCTERMS.temporal)
    return _present(
        "Auffindbarkeit", "Zeitraum", 20, found, "angegeben", "kein Zeitraum (temporal in dataset.yaml) angegeben"
    )


def _link_ok(e: Evidence, url: str | None) -> bool:
    result = e.links.get(url or "")
    return bool(result and result.ok)


def _access_urls(e: Evidence) -> Criterion:
    distributions = _distributions(e)
    urls = [str(e.graph.value(d, DCAT.accessURL) or "") for d in distributions]
    unchecked = [u for u in urls if u in e.links and not e.links[u].assessed]
    if urls and len(unchecked) == len(urls):
        return Criterion("Zugänglichkeit", "Zugangsadressen erreichbar", 50, 0, e.links[unchecked[0]].message, False)
    met = sum(1 for u in urls if _link_ok(e, u))
    reason = f"{_count_text(met, len(urls), 'Zugangsadressen')} erreichbar" + _failures(e, urls)
    return Criterion("Zugänglichkeit", "Zugangsadressen erreichbar", 50, round(50 * _share(met, len(urls)), 1), reason)


def _files(e: Evidence) -> list[URIRef]:
    """The distributions that are files; an API (dcat:accessService) has no download and no size."""
    return [d for d in _distributions(e) if not _has(e, d, DCAT.accessService)]


def _per_file(e: Evidence, dimension: str, name: str, points: float, test: Callable[[URIRef], bool], what: str):
    files = _files(e)
    met = sum(1 for d in files if test(d))
    reason = f"{_count_text(met, len(files), 'Dateien')} {what}"
    return Criterion(dimension, name, points, round(points * _share(met, len(files)), 1), reason)


def _download_present(e: Evidence) -> Criterion:
    return _per_file(
        e,
        "Zugänglichkeit",
        "Download-Adressen angegeben",
        20,
        lambda d: _has(e, d, DCAT.downloadURL),
        "mit direkter Download-Adresse",
    )


def _downloads_resolve(e: Evidence) -> Criterion:
    urls = [str(u) for d in _distributions(e) for u in e.graph.objects(d, DCAT.downloadURL)]
    met = sum(1 for u in urls if _link_ok(e, u))
    reason = f"{_count_text(met, len(urls), 'Downloads')} vollständig da (Größe und Prüfsumme wie angegeben)"
    return Criterion(
        "Zugänglichkeit",
        "Downloads erreichbar",
        30,
        round(30 * _share(met, len(urls)), 1),
        reason + _failures(e, urls),
    )


def _failures(e: Evidence, urls: list[str]) -> str:
    bad = [e.links[u] for u in urls if u in e.links and e.links[u].assessed and not e.links[u].ok]
    return "".join(f"; {result.url}: {result.message}" for result in bad[:3])


def _file_type(e: Evidence, d: URIRef) -> str | None:
    value = e.graph.value(d, DCTERMS.format)
    text = str(value) if value is not None else ""
    return text.rsplit("/", 1)[-1] if text.startswith(EU + "file-type/") else None


def _best_distribution(e: Evidence, dimension: str, name: str, points: float, test, yes: str, no: str) -> Criterion:
    # MQA: several distributions carry the same content; the best one counts
    found = any(test(d) for d in _distributions(e))
    return _present(dimension, name, points, found, yes, no)


def _interoperability(e: Evidence) -> list[Criterion]:
    def vocabulary(d: URIRef) -> bool:
        media = str(e.graph.value(d, DCAT.mediaType) or "")
        return _file_type(e, d) is not None and media.startswith(IANA)

    return [
        _best_distribution(
            e, "Interoperabilität", "Dateiformat angegeben", 20, lambda d: _has(e, d, DCTERMS.format), "ja", "fehlt"
        ),
        _best_distribution(
            e, "Interoperabilität", "Medientyp angegeben", 10, lambda d: _has(e, d, DCAT.mediaType), "ja", "fehlt"
        ),
        _best_distribution(
            e,
            "Interoperabilität",
            "Format aus dem Vokabular",
            10,
            vocabulary,
            "EU-Dateityp und IANA-Medientyp",
            "Format oder Medientyp nicht aus den Vokabularen",
        ),
        _best_distribution(
            e,
            "Interoperabilität",
            "Offenes Format",
            20,
            lambda d: _file_type(e, d) in NON_PROPRIETARY,
            "mindestens ein offenes Format (z. B. CSV)",
            "nur Formate eines Herstellers",
        ),
        _best_distribution(
            e,
            "Interoperabilität",
            "Maschinenlesbar",
            20,
            lambda d: _file_type(e, d) in MACHINE_READABLE,
            "mindestens ein maschinenlesbares Format",
            "kein maschinenlesbares Format",
        ),
        _shacl(e),
    ]


def _shacl(e: Evidence) -> Criterion:
    name = "DCAT-AP.de-konform (SHACL)"
    if e.shacl is None:
        return Criterion("Interoperabilität", name, 30, 0, f"nicht geprüft: {e.shacl_missing}", False)
    if not e.shacl:
        return Criterion("Interoperabilität", name, 30, 30, "keine Verstöße gegen die DCAT-AP.de-Shapes")
    listed = "; ".join(e.shacl[:3])
    return Criterion("Interoperabilität", name, 30, 0, f"{len(e.shacl)} Verstöße: {listed}")


def _reusability(e: Evidence) -> list[Criterion]:
    distributions = _distributions(e)
    licences = [e.graph.value(d, DCTERMS.license) for d in distributions]
    with_licence = sum(1 for licence in licences if licence is not None)
    from_vocabulary = sum(1 for licence in licences if str(licence or "").startswith(LICENCE_VOCABULARY))
    rights = str(e.graph.value(e.node, DCTERMS.accessRights) or "")
    return [
        Criterion(
            "Wiederverwendbarkeit",
            "Lizenz angegeben",
            20,
            round(20 * _share(with_licence, len(distributions)), 1),
            f"{_count_text(with_licence, len(distributions), 'Verteilungen')} mit Lizenz",
        ),
        Criterion(
            "Wiederverwendbarkeit",
            "Lizenz aus dem Vokabular",
            10,
            round(10 * _share(from_vocabulary, len(distributions)), 1),
            f"{_count_text(from_vocabulary, len(distributions), 'Lizenzen')} aus dem DCAT-AP.de-Lizenzvokabular",
        ),
        _present("Wiederverwendbarkeit", "Zugriffsrechte", 10, bool(rights), "angegeben", "fehlen"),
        _present(
            "Wiederverwendbarkeit",
            "Zugriffsrechte aus dem Vokabular",
            5,
            rights.startswith(EU + "access-right/"),
            "EU-Vokabular (öffentlich)",
            "nicht aus dem EU-Vokabular",
        ),
        _present(
            "Wiederverwendbarkeit",
            "Kontakt",
            20,
            _has(e, e.node, DCAT.contactPoint),
            "Kontaktstelle angegeben",
            "keine Kontaktstelle",
        ),
        _present("Wiederverwendbarkeit", "Herausgeber", 10, _has(e, e.node, DCTERMS.publisher), "angegeben", "fehlt"),
    ]


def _context(e: Evidence) -> list[Criterion]:
    return [
        _per_distribution(
            e, "Kontext", "Rechtehinweis", 5, lambda d: _has(e, d, DCTERMS.rights), "mit Rechtehinweis (dct:rights)"
        ),
        _per_file(e, "Kontext", "Dateigröße", 5, lambda d: _has(e, d, DCAT.byteSize), "mit Größenangabe"),
        _present("Kontext", "Erstveröffentlichung", 5, _has(e, e.node, DCTERMS.issued), "Datum angegeben", "fehlt"),
        _present("Kontext", "Letzte Änderung", 5, _has(e, e.node, DCTERMS.modified), "Datum angegeben", "fehlt"),
    ]


def _data_and_upkeep(e: Evidence) -> list[Criterion]:
    dimension = "Daten und Pflege"
    report = e.report or {}
    status = e.package["kommune"].get("status")
    valid = bool(report.get("valid")) and status == "ok"
    warnings = len(report.get("warnings") or [])
    validation = Criterion(
        dimension,
        "Daten gültig nach Schema",
        30,
        (20 if valid else 0) + (10 if valid and not warnings else 0),
        (
            "letzte Lieferung fehlerhaft, der alte Stand bleibt online"
            if status != "ok"
            else "gültig, ohne Hinweise"
            if valid and not warnings
            else f"gültig, {warnings} {'Hinweis' if warnings == 1 else 'Hinweise'} im Prüfbericht"
        ),
    )
    fields = [f for r in e.package.get("resources", []) for f in r.get("schema", {}).get("fields", [])]
    explained = sum(1 for f in fields if f.get("title") and f.get("description"))
    schema = Criterion(
        dimension,
        "Spalten erklärt",
        25,
        round(25 * _share(explained, len(fields)), 1),
        f"{_count_text(explained, len(fields), 'Spalten')} mit Titel und Beschreibung",
    )
    if e.freshness.get("due") is None and not e.freshness.get("overdue"):
        punctual = Criterion(dimension, "Pünktlich erneuert", 25, 25, "kein fester Rhythmus versprochen")
    elif e.freshness.get("overdue"):
        punctual = Criterion(dimension, "Pünktlich erneuert", 25, 0, f"überfällig: {e.freshness.get('reason')}")
    else:
        punctual = Criterion(dimension, "Pünktlich erneuert", 25, 25, "im versprochenen Rhythmus")
    return [validation, schema, punctual, _external_links(e)]


def _external_links(e: Evidence) -> Criterion:
    name = "Links in den Metadaten erreichbar"
    urls = sorted(set(e.external_links))
    if not urls:
        return Criterion("Daten und Pflege", name, 20, 20, "keine Links zu anderen Websites")
    results = [e.links[u] for u in urls if u in e.links]
    assessed = [r for r in results if r.assessed]
    if not assessed:
        return Criterion("Daten und Pflege", name, 20, 0, results[0].message if results else "nicht geprüft", False)
    met = sum(1 for r in assessed if r.ok)
    reason = f"{_count_text(met, len(assessed), 'Links')} erreichbar" + _failures(e, [r.url for r in assessed])
    return Criterion("Daten und Pflege", name, 20, round(20 * _share(met, len(assessed)), 1), reason)
