"""`kommune add`: from a town's file (or URL) to a dataset folder that builds without an edit.

The story: fetch the file if it is a URL, let the surest drafter (pipelines/add/drafters/)
propose the source declaration and schema, write `datasets/<id>/` with `dataset.yaml`,
`schema.yaml`, a `README.md` draft and the file in `sample/`, and say what was decided, what
could not be decided and what the town must still write.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from pipelines.add.draft import DRAFT_DESCRIPTION, Draft, DraftFailed, Probe
from pipelines.add.drafters import DRAFTERS, choose_drafter
from pipelines.add.names import dataset_id as id_from_name
from pipelines.add.names import title_from_file
from pipelines.config.dataset import DATASET_ID
from pipelines.config.yamlfile import read_yaml
from pipelines.http import FetchError, HttpClient, HttpSettings


class AddFailed(Exception):
    """The dataset could not be drafted; the message is German and says why and what to do."""


@dataclass
class AddResult:
    dataset_id: str
    folder: Path
    kind: str
    decided: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    to_write: list[str] = field(default_factory=list)


def add_dataset(
    portal_dir: Path | str, location: str, *, dataset_id: str | None = None, http_settings: HttpSettings | None = None
) -> AddResult:
    """Draft `datasets/<id>/` in `portal_dir` from a local file/folder or an http(s) URL.

    Raises AddFailed when the location cannot be read, no drafter recognises the file, the
    drafter cannot read it, or the id is invalid or taken (nothing is written then).
    """
    portal_dir = Path(portal_dir)
    if not (portal_dir / "metadata").is_dir():
        raise AddFailed(f"{portal_dir} ist kein Portalverzeichnis (metadata/ fehlt); mit -C das Portal angeben")
    is_url = urlparse(location).scheme in ("http", "https")
    with tempfile.TemporaryDirectory(prefix="kommune-add-") as scratch:
        if is_url:
            name = Path(unquote(urlparse(location).path)).name or "quelle"
            try:
                with HttpClient(Path(scratch) / "http", http_settings or HttpSettings.from_environment()) as http:
                    local = http.download(location)
            except FetchError as error:
                raise AddFailed(f"{location} ist nicht abrufbar: {error.reason}") from error
        else:
            local = Path(location)
            name = local.name
            if not local.exists():
                raise AddFailed(f"{location} gibt es nicht")
        probe = Probe.of(local, url=location if is_url else None)
        drafter = choose_drafter(probe)
        if drafter is None:
            known = ", ".join(sorted({d.kind for d in DRAFTERS}))
            raise AddFailed(f"{name}: Format nicht erkannt{_looks_like(probe.head)} (bekannt: {known})")
        try:
            draft = drafter.draft(probe)
        except DraftFailed as error:
            raise AddFailed(f"{name}: {error}") from error
        new_id = dataset_id or id_from_name(Path(name).stem)
        if not DATASET_ID.match(new_id):
            raise AddFailed(f"„{new_id}“ ist keine gültige Datensatz-ID (a-z, 0-9, -; 2–63 Zeichen); mit --id angeben")
        folder = portal_dir / "datasets" / new_id
        if folder.exists():
            raise AddFailed(f"datasets/{new_id} gibt es schon; mit --id eine andere ID wählen")
        source = dict(draft.source)
        if is_url:
            source.setdefault("url", location)
        else:
            source.setdefault("path", f"sample/{name}")
        licence = _portal_licence(portal_dir)
        title = draft.title or title_from_file(name)
        folder.mkdir(parents=True)
        if not is_url:
            (folder / "sample").mkdir()
            copy = shutil.copytree if local.is_dir() else shutil.copyfile
            copy(local, folder / "sample" / name)
        _write_declaration(folder, draft, source, title, licence)
    to_write = [
        f"datasets/{new_id}/dataset.yaml: description (steht noch als Entwurf drin), title prüfen (Entwurf: „{title}“)",
        f"datasets/{new_id}/dataset.yaml: licence prüfen (Entwurf: {licence}, die Lizenz der Stadt), "
        "themes und keywords",
        f"datasets/{new_id}/README.md: Beschreibung in einfacher Sprache",
    ]
    if draft.schema is not None:
        to_write.append(f"datasets/{new_id}/schema.yaml: Titel und Beschreibungen der Spalten prüfen")
    return AddResult(new_id, folder, drafter.kind, draft.decided, draft.undecided, to_write)


def _looks_like(head: bytes) -> str:
    """What an unrecognised file seems to be, for the message."""
    start = head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1]
    seems = {b"{": "JSON", b"[": "JSON", b"<": "XML (z. B. GML)"}.get(start)
    if head.startswith(b"PK\x03\x04"):
        seems = "ein ZIP-Archiv"
    elif head.startswith(b"%PDF"):
        seems = "ein PDF-Dokument"
    return f": die Datei sieht aus wie {seems}" if seems else ""


def _portal_licence(portal_dir: Path) -> str:
    data, problems = read_yaml(portal_dir / "metadata" / "publisher.yaml", "metadata/publisher.yaml")
    if problems or not isinstance(data, dict) or not data.get("licence"):
        raise AddFailed("metadata/publisher.yaml nennt keine Lizenz (licence:); die braucht jeder Datensatz")
    return str(data["licence"])


class _DraftDumper(yaml.SafeDumper):
    """Block style for mappings, one line for lists of plain values (`themes: [GOVE]`)."""


def _represent_list(dumper: yaml.SafeDumper, items: list) -> yaml.Node:
    flow = all(not isinstance(item, (dict, list)) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_DraftDumper.add_representer(list, _represent_list)


def _dump(data: object) -> str:
    return yaml.dump(
        data, Dumper=_DraftDumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


def _write_declaration(folder: Path, draft: Draft, source: dict, title: str, licence: str) -> None:
    declaration = {
        "title": title,
        "description": DRAFT_DESCRIPTION,
        "family": draft.family,
        "licence": licence,
        "themes": draft.themes or ["GOVE"],
        "keywords": [],
        "frequency": "IRREG",
        "sample": False,
        "source": source,
    }
    if draft.steps:
        declaration["steps"] = draft.steps
    if draft.table:
        declaration["table"] = draft.table
    header = "# Entwurf von `kommune add`: description, licence, themes und keywords prüfen und ergänzen.\n"
    (folder / "dataset.yaml").write_text(header + _dump(declaration), encoding="utf-8")
    if draft.schema is not None:
        schema_header = (
            "# Frictionless Table Schema. `name` ist der Spaltenname im Portal, `label` die Überschrift "
            "in der Quelldatei.\n"
        )
        (folder / "schema.yaml").write_text(schema_header + _dump(draft.schema), encoding="utf-8")
    columns = ""
    if draft.schema is not None:
        columns = (
            "\n## Spalten\n\n"
            + "\n".join(f"- **{f['title']}** (`{f['name']}`): {f['description']}" for f in draft.schema["fields"])
            + "\n"
        )
    (folder / "README.md").write_text(f"# {title}\n\n{DRAFT_DESCRIPTION}\n{columns}", encoding="utf-8")
