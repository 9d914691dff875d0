"""SHACL results of a DCAT catalogue, grouped by dataset and distribution and explained in German.

pyshacl reports focus nodes (often blank nodes or vocabulary values) and full IRIs. A portal
team needs to know which dataset to fix, which property, what value and what to do: this
module turns a ShaclReport plus the checked data graph into that, and writes it as text,
JSON or a self-contained HTML page. The explanations are defined once, here.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS
from rdflib.term import Node

from publish.dcat.check import ShaclReport

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "dcatap": "http://data.europa.eu/r5r/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "spdx": "http://spdx.org/rdf/terms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "locn": "http://www.w3.org/ns/locn#",
    "prov": "http://www.w3.org/ns/prov#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "geodcatap": "http://data.europa.eu/930/",
    "time": "http://www.w3.org/2006/time#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "schema": "http://schema.org/",
}
SEVERITY_DE = {"Violation": "Verstoß", "Warning": "Warnung", "Info": "Hinweis"}
SEVERITY_ORDER = ("Violation", "Warning", "Info")
PLURAL_DE = {"Violation": "Verstöße", "Warning": "Warnungen", "Info": "Hinweise"}

# Namespaces older tools and copied examples still write. With them no DCAT-AP.de portal
# recognises the property, and the shapes only see it as missing: a violation. `r5r#` is only
# a warning: the DE shapes and GovData's own quick test use it (see VALIDATING.md §4), while
# DCAT-AP and the SEMIC shapes use `r5r/`.
WRONG_NAMESPACES = (
    (re.compile(r"^https?://dcat-ap\.de/def/dcatde/\d+[._]\d+(?:[._]\d+)?/"), PREFIXES["dcatde"], "Violation"),
    (re.compile(r"^https://dcat-ap\.de/def/dcatde/"), PREFIXES["dcatde"], "Violation"),
    (re.compile(r"^https://www\.w3\.org/ns/dcat#"), PREFIXES["dcat"], "Violation"),
    (re.compile(r"^https://purl\.org/dc/terms/"), PREFIXES["dct"], "Violation"),
    (re.compile(r"^http://data\.europa\.eu/r5r#"), PREFIXES["dcatap"], "Warning"),
)

# What to do, per property (prefixed name as shown). Vocabulary links point at the 3.0 spec.
SPEC = "https://www.dcat-ap.de/def/dcatde/3.0/spec/"
PROPERTY_ADVICE = {
    "dct:license": "Lizenz als IRI aus dem Lizenz-Vokabular angeben, z. B. "
    "<http://dcat-ap.de/def/licenses/cc-by/4.0>, nicht als Text.",
    "dct:format": "Dateiformat als IRI aus dem EU-Vokabular angeben, z. B. "
    '<http://publications.europa.eu/resource/authority/file-type/CSV>, nicht als Text wie "csv".',
    "dcat:mediaType": "Medientyp als IANA-IRI angeben, z. B. <https://www.iana.org/assignments/media-types/text/csv>.",
    "dct:publisher": "Herausgebende Stelle als foaf:Agent mit foaf:name angeben (am besten mit eigener IRI).",
    "dcat:contactPoint": "Kontaktstelle als vcard:Kind mit vcard:fn und vcard:hasEmail (mailto:-IRI) angeben.",
    "dct:title": "Einen deutschen Titel angeben (mit Sprachangabe @de).",
    "dct:description": "Eine Beschreibung in ganzen Sätzen angeben (mit Sprachangabe @de).",
    "dcat:accessURL": "Die Adresse, unter der die Daten erreichbar sind, als IRI angeben.",
    "dcat:downloadURL": "Die direkte Download-Adresse als IRI angeben.",
    "dcat:theme": f"Kategorie als IRI aus dem EU-Themenvokabular angeben (siehe {SPEC}#kv-themes), "
    "z. B. <http://publications.europa.eu/resource/authority/data-theme/GOVE>.",
    "dct:accessRights": "Zugriffsrecht als IRI aus dem EU-Vokabular access-right angeben, "
    "z. B. .../access-right/PUBLIC.",
    "dct:language": "Sprache als IRI aus dem EU-Vokabular angeben, z. B. "
    "<http://publications.europa.eu/resource/authority/language/DEU>.",
    "dct:accrualPeriodicity": "Aktualisierungsintervall als IRI aus dem EU-Vokabular frequency angeben.",
    "dcatde:contributorID": "Die Kennung des bereitstellenden Portals als IRI aus "
    "<http://dcat-ap.de/def/contributors/> angeben.",
    "dcatde:politicalGeocodingLevelURI": "Die Verwaltungsebene als IRI aus "
    "<http://dcat-ap.de/def/politicalGeocoding/Level/> angeben.",
    "dcatde:politicalGeocodingURI": "Den Raumbezug als dct:spatial angeben; die alte Eigenschaft entfernen.",
    "dcatde:licenseAttributionByText": "Den Namensnennungstext als Text (Literal) angeben.",
    "dct:identifier": "Eine dauerhafte Kennung des Datensatzes als Text angeben.",
    "dct:issued": 'Datum als xsd:date oder xsd:dateTime angeben, z. B. "2024-01-31"^^xsd:date.',
    "dct:modified": 'Datum als xsd:date oder xsd:dateTime angeben, z. B. "2024-01-31"^^xsd:date.',
    "dct:spatial": "Raumbezug als IRI angeben, z. B. aus <http://dcat-ap.de/def/politicalGeocoding/>.",
    "dcat:distribution": "Jede Verteilung als dcat:Distribution mit dcat:accessURL und dct:license beschreiben.",
    "dcat:dataset": "Jeder Datensatz braucht dct:title, dct:description und dct:publisher.",
    "foaf:name": "Den Namen der Organisation als Text angeben.",
    "vcard:fn": "Den Namen der Kontaktstelle als einen Text angeben.",
    "vcard:hasEmail": "E-Mail-Adresse als mailto:-IRI angeben, z. B. <mailto:opendata@stadt.de>.",
    "adms:status": "Status als IRI aus dem EU-Vokabular distribution-status angeben.",
    "dcatap:availability": "Verfügbarkeit als IRI aus dem EU-Vokabular planned-availability angeben.",
    "spdx:checksum": "Prüfsumme als spdx:Checksum mit spdx:algorithm und spdx:checksumValue angeben.",
}
# The general sentence, per kind of failed constraint.
COMPONENT_LEAD = {
    "MinCountConstraintComponent": "Pflichtangabe fehlt.",
    "MaxCountConstraintComponent": "Zu viele Werte; erlaubt ist nur einer.",
    "NodeKindConstraintComponent": "Falsche Art von Wert (IRI, Text oder eingebetteter Knoten).",
    "ClassConstraintComponent": "Der Wert ist nicht vom erwarteten Typ.",
    "DatatypeConstraintComponent": "Falscher Datentyp.",
    "OrConstraintComponent": "Der Wert passt zu keiner der erlaubten Formen.",
    "HasValueConstraintComponent": "Der Wert stammt nicht aus dem vorgeschriebenen Vokabular.",
    "InConstraintComponent": "Der Wert ist nicht in der erlaubten Liste.",
    "PatternConstraintComponent": "Der Wert hat nicht die vorgeschriebene Form.",
}
DEPRECATED_REPLACEMENT = {
    "owl:versionInfo": "dcat:version",
    "dct:hasVersion": "dcat:hasVersion",
    "dct:isVersionOf": "dcat:isVersionOf",
    "dcatde:politicalGeocodingURI": "dct:spatial",
}


def prefixed(iri: str) -> str:
    """`dct:license` for a known namespace, else the IRI in angle brackets."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def show_value(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[eingebetteter Knoten ohne IRI]"
    if isinstance(node, Literal):
        text = str(node)
        text = text if len(text) <= 120 else text[:117] + "…"
        return f'"{text}" (Text)'
    return prefixed(str(node))


@dataclass
class Finding:
    severity: str  # Violation, Warning or Info
    kind: str  # Pflichtangabe/Form, Vokabular, veraltet, falscher Namensraum
    property: str  # prefixed name path, e.g. "dct:publisher › foaf:name"
    value: str
    explanation: str
    shape_message: str = ""


@dataclass
class Group:
    label: str
    iri: str
    title: str = ""
    identifier: str = ""
    findings: list[Finding] = field(default_factory=list)
    distributions: list[Group] = field(default_factory=list)


@dataclass
class CheckResult:
    source: str
    datasets: list[Group] = field(default_factory=list)
    catalogue: list[Finding] = field(default_factory=list)
    other: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY_ORDER, 0))

    @property
    def conforms(self) -> bool:
        return self.counts["Violation"] == 0


# rdflib's DCAT namespace object predates DCAT 3 and warns about dcat:DatasetSeries.
DATASET_TYPES = {DCAT.Dataset, URIRef(f"{DCAT}DatasetSeries"), DCAT.DataService}


def _places(
    data: Graph,
    node: Node,
    via: tuple[URIRef, ...] = (),
    seen: frozenset[Node] = frozenset(),
) -> list[tuple[Node | None, Node | None, tuple[URIRef, ...]]]:
    """Where a node belongs: (dataset, distribution, predicates from there to the node).

    A blank node or vocabulary value has no name of its own; it is named by the dataset or
    distribution that refers to it. A node used by several datasets belongs to each.
    """
    types = set(data.objects(node, RDF.type)) if not isinstance(node, Literal) else set()
    if types & DATASET_TYPES:
        return [(node, None, via)]
    if DCAT.Distribution in types or (isinstance(node, (URIRef, BNode)) and (None, DCAT.distribution, node) in data):
        owners = list(data.subjects(DCAT.distribution, node))
        return [(owner, node, via) for owner in owners] or [(None, node, via)]
    if DCAT.Catalog in types:
        return [(DCAT.Catalog, None, via)]
    if len(seen) >= 4:
        return [(None, None, via)]
    places = []
    for subject, predicate in data.subject_predicates(node):
        if subject not in seen:
            places += _places(data, subject, (URIRef(str(predicate)), *via), seen | {node})
    return places or [(None, None, via)]


def _first_literal(data: Graph, node: Node, predicate: URIRef) -> str:
    values = [v for v in data.objects(node, predicate) if isinstance(v, Literal)]
    german = [v for v in values if v.language == "de"]
    return str((german or values)[0]) if values else ""


def _explain(kind: str, prop: str, component: str, shape_message: str, own_path: bool = True) -> str:
    last = prop.rsplit(" › ", 1)[-1]
    if kind == "veraltet":
        replacement = DEPRECATED_REPLACEMENT.get(last)
        instead = f" durch {replacement} ersetzen" if replacement else " nach DCAT-AP.de 3.0 ersetzen"
        return f"Veraltete Angabe: {last} gilt in DCAT-AP.de 3.0 als veraltet. Bitte entfernen oder{instead}."
    lead = (
        "Der Wert stammt nicht aus dem vorgeschriebenen Vokabular."
        if kind == "Vokabular"
        else COMPONENT_LEAD.get(component, "Die Angabe entspricht nicht DCAT-AP.de.")
    )
    rule = f"Regel: {shape_message}" if shape_message else ""
    # A rule over several properties (sh:or, alternative paths) says more than the advice
    # for the property that leads to the node.
    advice = (PROPERTY_ADVICE.get(last) or rule) if own_path else (rule or PROPERTY_ADVICE.get(last, ""))
    return f"{lead} {advice}".strip()


def _wrong_namespace(iri: str) -> tuple[str, str] | None:
    """The right namespace and the severity for an IRI in a known wrong one."""
    for pattern, right, severity in WRONG_NAMESPACES:
        if pattern.match(iri):
            return right, severity
    return None


def _namespace_findings(data: Graph) -> list[tuple[Node, Finding]]:
    """Properties and classes in a wrong DCAT-AP.de namespace, with the subject using them."""
    found: dict[tuple[Node, str], Finding] = {}
    for subject, predicate, obj in data:
        for iri in (str(predicate), str(obj) if predicate == RDF.type else ""):
            wrong = _wrong_namespace(iri) if iri else None
            if wrong and (subject, iri) not in found:
                right, severity = wrong
                local = re.split(r"[/#]", iri)[-1]
                found[(subject, iri)] = Finding(
                    severity,
                    "falscher Namensraum",
                    f"<{iri}>",
                    show_value(obj),
                    f"Falscher Namensraum: richtig ist {prefixed(right + local)} im Namensraum <{right}>. "
                    + (
                        "Mit dem falschen Namensraum erkennt kein DCAT-AP.de-Portal diese Angabe."
                        if severity == "Violation"
                        else "Die DCAT-AP-Shapes erkennen die Angabe nur im richtigen Namensraum; "
                        "manche deutschen Portale lesen den alten noch."
                    ),
                )
    return [(subject, finding) for (subject, _iri), finding in found.items()]


def group(report: ShaclReport, data: Graph, source: str) -> CheckResult:
    """Group the results of `report` about `data` by dataset, then distribution."""
    result = CheckResult(source)
    placed: list[tuple[Node | None, Node | None, Finding]] = []
    for shacl in report.results:
        focus = _node(data, shacl.focus)
        value_node = _node(data, shacl.value) if shacl.value else None
        deprecated = shacl.message.startswith("Deprecated")
        places = _places(data, focus) if focus is not None else [(None, None, ())]
        for dataset, distribution, via in places:
            vocabulary = shacl.path == str(SKOS.inScheme)
            if vocabulary and via:
                prop = " › ".join(prefixed(str(p)) for p in via)
                value = show_value(focus)
            else:
                prop = " › ".join(
                    [*(prefixed(str(p)) for p in via), prefixed(shacl.path)]
                    if shacl.path
                    else [prefixed(str(p)) for p in via]
                )
                value = show_value(value_node) if value_node is not None else (shacl.value and prefixed(shacl.value))
            kind = "veraltet" if deprecated else "Vokabular" if vocabulary else "Form"
            placed.append(
                (
                    dataset,
                    distribution,
                    Finding(
                        shacl.severity,
                        kind,
                        prop,
                        value or "",
                        _explain(kind, prop, shacl.component, shacl.message, bool(shacl.path) or vocabulary),
                        shacl.message,
                    ),
                )
            )
        result.counts[shacl.severity] = result.counts.get(shacl.severity, 0) + 1
    for subject, finding in _namespace_findings(data):
        placed += [(dataset, distribution, finding) for dataset, distribution, _via in _places(data, subject)]
        result.counts[finding.severity] += 1
    _sort_into(result, data, placed)
    return result


def _node(data: Graph, text: str) -> Node | None:
    """Find the data graph's node for a result's string form (IRI, blank node id or literal)."""
    iri_like = not any(c in text for c in ' <>"{}|\\^`\n')
    for node in ((URIRef(text),) if iri_like else ()) + (BNode(text),):
        if (node, None, None) in data or (None, None, node) in data:
            return node
    for literal in data.objects():
        if isinstance(literal, Literal) and str(literal) == text:
            return literal
    return None


def _sort_into(result: CheckResult, data: Graph, placed: list[tuple[Node | None, Node | None, Finding]]) -> None:
    datasets: dict[Node, Group] = {}
    for dataset, distribution, finding in placed:
        if dataset == DCAT.Catalog:
            _add(result.catalogue, finding)
            continue
        if dataset is None and distribution is None:
            _add(result.other, finding)
            continue
        key = dataset if dataset is not None else BNode("ohne-datensatz")
        group_ = datasets.get(key)
        if group_ is None:
            group_ = datasets[key] = _dataset_group(data, dataset)
        if distribution is None:
            _add(group_.findings, finding)
        else:
            _add(_distribution_group(data, group_, distribution).findings, finding)
    result.datasets = sorted(datasets.values(), key=lambda g: (g.title.lower(), g.iri))


def _add(findings: list[Finding], finding: Finding) -> None:
    if finding not in findings:
        findings.append(finding)


def _dataset_group(data: Graph, dataset: Node | None) -> Group:
    if dataset is None:
        return Group("Verteilungen ohne Datensatz", "")
    title = _first_literal(data, dataset, DCTERMS.title)
    identifier = _first_literal(data, dataset, DCTERMS.identifier)
    iri = "" if isinstance(dataset, BNode) else str(dataset)
    kind = "Datendienst" if (dataset, RDF.type, DCAT.DataService) in data else "Datensatz"
    label = f"{kind} „{title}“" if title else f"{kind} ohne Titel"
    return Group(label, iri, title, identifier)


def _distribution_group(data: Graph, parent: Group, distribution: Node) -> Group:
    iri = "" if isinstance(distribution, BNode) else str(distribution)
    title = _first_literal(data, distribution, DCTERMS.title)
    access = data.value(distribution, DCAT.accessURL) or data.value(distribution, DCAT.downloadURL)
    key = iri or title or str(access or distribution)
    for existing in parent.distributions:
        if existing.identifier == key:
            return existing
    number = len(parent.distributions) + 1
    label = f"Verteilung „{title}“" if title else f"Verteilung {number}" + (f" ({access})" if access else "")
    created = Group(label, iri, title, key)
    parent.distributions.append(created)
    return created


def summary(result: CheckResult) -> str:
    parts = [
        f"{result.counts.get(s, 0)} {SEVERITY_DE[s] if result.counts.get(s, 0) == 1 else PLURAL_DE[s]}"
        for s in SEVERITY_ORDER
    ]
    return f"DCAT-AP.de: {', '.join(parts)}."


def _finding_lines(findings: list[Finding], indent: str) -> list[str]:
    lines = []
    for f in sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.property)):
        value = f"  Wert: {f.value}" if f.value else ""
        lines.append(f"{indent}{SEVERITY_DE[f.severity]} ({f.kind}): {f.property}{value}")
        lines.append(f"{indent}    → {f.explanation}")
    return lines


def render_text(result: CheckResult) -> str:
    lines = [f"DCAT-AP.de-Prüfung: {result.source}", ""]
    for dataset in result.datasets:
        ident = f" (Kennung: {dataset.identifier})" if dataset.identifier else ""
        lines.append(f"{dataset.label}{ident}" + (f" <{dataset.iri}>" if dataset.iri else ""))
        lines += _finding_lines(dataset.findings, "  ")
        for dist in dataset.distributions:
            lines.append(f"  {dist.label}" + (f" <{dist.iri}>" if dist.iri else ""))
            lines += _finding_lines(dist.findings, "    ")
        lines.append("")
    for label, findings in (("Katalog", result.catalogue), ("Ohne Bezug zu einem Datensatz", result.other)):
        if findings:
            lines += [label, *_finding_lines(findings, "  "), ""]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def render_json(result: CheckResult) -> str:
    document = {
        "source": result.source,
        "conforms": result.conforms,
        "counts": result.counts,
        "datasets": [asdict(d) for d in result.datasets],
        "catalogue": [asdict(f) for f in result.catalogue],
        "other": [asdict(f) for f in result.other],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


HTML_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;vertical-align:top;
padding:.3rem .5rem;border-bottom:1px solid #ddd}code{font-size:.9em;word-break:break-all}
.Violation{color:#a00000;font-weight:bold}.Warning{color:#7a5200}.Info{color:#245}
.ok{color:#0a6b2d;font-weight:bold}
"""


def _finding_table(findings: list[Finding]) -> str:
    if not findings:
        return ""
    rows = "".join(
        f'<tr><td class="{f.severity}">{SEVERITY_DE[f.severity]}</td><td>{html.escape(f.kind)}</td>'
        f"<td><code>{html.escape(f.property)}</code></td><td><code>{html.escape(f.value)}</code></td>"
        f"<td>{html.escape(f.explanation)}</td></tr>"
        for f in sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.property))
    )
    return (
        "<table><thead><tr><th>Schwere</th><th>Art</th><th>Eigenschaft</th><th>Wert</th>"
        f"<th>Was zu tun ist</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_html(result: CheckResult) -> str:
    """One self-contained page: no external assets, no script, one <style> block."""
    e = html.escape
    parts = [
        f"<h1>DCAT-AP.de-Prüfung</h1><p>Geprüft: <code>{e(result.source)}</code></p>",
        f'<p class="{"ok" if result.conforms else "Violation"}">{e(summary(result))}</p>',
    ]
    for dataset in result.datasets:
        ident = f" · Kennung: <code>{e(dataset.identifier)}</code>" if dataset.identifier else ""
        iri = f"<br><code>{e(dataset.iri)}</code>" if dataset.iri else ""
        parts.append(f"<h2>{e(dataset.label)}</h2><p>{ident.lstrip(' ·')}{iri}</p>{_finding_table(dataset.findings)}")
        for dist in dataset.distributions:
            dist_iri = f" <code>{e(dist.iri)}</code>" if dist.iri else ""
            parts.append(f"<h3>{e(dist.label)}{dist_iri}</h3>{_finding_table(dist.findings)}")
    for label, findings in (("Katalog", result.catalogue), ("Ohne Bezug zu einem Datensatz", result.other)):
        if findings:
            parts.append(f"<h2>{label}</h2>{_finding_table(findings)}")
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>DCAT-AP.de-Prüfung: {e(result.source)}</title><style>{HTML_STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
