"""A recorded OParl system answered from JSON files, as a server would answer it.

The recording folder holds `system.json`, `body.json` and the body's top-level lists
(`organizations.json`, `persons.json`, `meetings.json`, `papers.json`) with their embedded
objects, plus optional `deleted.json` (tombstones of withdrawn objects). From these the
recording derives the flat OParl 1.1 lists (memberships, agenda items, consultations,
files, locations, legislative terms), pagination with `links.next`, and `modified_since`
filtering that also returns deleted objects, as the specification demands.

`RecordingFetcher` lets the harvester read the recording offline (the bundled demo);
`tests/oparl_server.py` serves the same answers over real HTTP.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pipelines.http import FetchError

TOP_LEVEL_LISTS = ("organizations", "persons", "meetings", "papers")
# The recorded files' contents, one per File, named by the last segment of the File's id
# (`…/file/1234` → `dokumente/1234.pdf`).
DOCUMENTS_FOLDER = "dokumente"
FLAT_LISTS = ("memberships", "agendaItems", "consultations", "files", "locations", "legislativeTerms")


class RecordingError(ValueError):
    """The recording folder is incomplete or not valid JSON; names the file."""


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _embedded(obj: dict[str, Any], parent: dict[str, Any] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(flat list name, object with back-references) for everything embedded in `obj`."""
    found: list[tuple[str, dict[str, Any]]] = []
    kind = obj.get("type", "").rsplit("/", 1)[-1]

    def file(value: dict[str, Any], backref: str) -> None:
        entry = dict(value)
        entry[backref] = [obj["id"]]
        found.append(("files", entry))

    for prop in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol", "resolutionFile"):
        if isinstance(obj.get(prop), dict):
            file(obj[prop], {"Paper": "paper", "Meeting": "meeting", "AgendaItem": "agendaItem"}[kind])
    for value in obj.get("auxiliaryFile") or []:
        if isinstance(value, dict):
            file(value, {"Paper": "paper", "Meeting": "meeting", "AgendaItem": "agendaItem"}[kind])
    if kind == "Meeting":
        for item in obj.get("agendaItem") or []:
            entry = dict(item, meeting=obj["id"])
            found.append(("agendaItems", entry))
            found.extend(_embedded(item, obj))
    if kind == "Paper":
        for consultation in obj.get("consultation") or []:
            found.append(("consultations", dict(consultation, paper=obj["id"])))
    if kind == "Person":
        for membership in obj.get("membership") or []:
            if isinstance(membership, dict):
                found.append(("memberships", dict(membership, person=obj["id"])))
    if kind == "Body":
        for term in obj.get("legislativeTerm") or []:
            found.append(("legislativeTerms", dict(term, body=obj["id"])))
    for prop in ("location",):
        value = obj.get(prop)
        for location in value if isinstance(value, list) else [value]:
            if isinstance(location, dict):
                found.append(("locations", location))
    return found


@dataclass
class Recording:
    """The objects of one recorded system; `base` is the URL prefix the recorded ids use."""

    system: dict[str, Any]
    body: dict[str, Any]
    lists: dict[str, list[dict[str, Any]]]
    tombstones: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 25
    # id -> list name of tombstones without `type` (which list announces them)
    untyped_tombstones: dict[str, str] = field(default_factory=dict)
    # where the files' contents lie (None: the recording holds metadata only)
    documents: Path | None = None
    # File address -> File id, made on the first document asked for; changes reset it
    _document_urls: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def base(self) -> str:
        return self.system["id"].rsplit("/", 1)[0]

    @classmethod
    def load(cls, folder: Path, page_size: int = 25) -> Recording:
        """Read a recording folder. Raises RecordingError naming the missing or broken file."""

        def read(name: str, default: Any = None) -> Any:
            path = folder / name
            if not path.exists():
                if default is not None:
                    return default
                raise RecordingError(f"{path}: Datei fehlt")
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except ValueError as error:
                raise RecordingError(f"{path}: kein gültiges JSON ({error})") from None

        return cls(
            system=read("system.json"),
            body=read("body.json"),
            lists={name: read(f"{name}.json") for name in TOP_LEVEL_LISTS},
            tombstones=read("deleted.json", []),
            page_size=page_size,
            documents=folder / DOCUMENTS_FOLDER if (folder / DOCUMENTS_FOLDER).is_dir() else None,
        )

    def copy(self) -> Recording:
        return copy.deepcopy(self)

    # --- changes, used by tests to simulate a council system over time -------------------
    def upsert(self, list_name: str, obj: dict[str, Any]) -> None:
        """Add or replace a top-level object (by id) in one of the top-level lists."""
        self._document_urls = None
        objects = self.lists[list_name]
        for position, existing in enumerate(objects):
            if existing["id"] == obj["id"]:
                objects[position] = obj
                return
        objects.append(obj)

    def delete(self, list_name: str, object_id: str, when: dt.datetime, with_type: bool = True) -> None:
        """Remove a top-level object and leave a tombstone modified at `when`; `with_type=False`
        leaves one as widespread 1.0 systems do: `{"id", "created", "modified", "deleted"}` only."""
        objects = self.lists[list_name]
        victim = next(o for o in objects if o["id"] == object_id)
        objects.remove(victim)
        tombstone = {
            "id": object_id,
            "type": victim["type"],
            "created": victim.get("created"),
            "deleted": True,
            "modified": when.isoformat(),
        }
        if not with_type:
            del tombstone["type"]
            self.untyped_tombstones[object_id] = list_name
        self.tombstones.append(tombstone)

    # --- answers ---------------------------------------------------------------------------
    def document_path(self, file_id: str) -> Path | None:
        """The recorded content of the File `file_id`, if the recording holds it."""
        if self.documents is None:
            return None
        path = self.documents / f"{file_id.rstrip('/').rsplit('/', 1)[-1]}.pdf"
        return path if path.is_file() else None

    def document_at(self, url: str) -> Path | None:
        """The recorded content behind a File's `accessUrl` or `downloadUrl`."""
        if self._document_urls is None:
            self._document_urls = {
                address: file["id"]
                for file in self.list_objects("files")
                for address in (file.get("accessUrl"), file.get("downloadUrl"))
                if isinstance(address, str)
            }
        file_id = self._document_urls.get(url)
        return self.document_path(file_id) if file_id else None

    def list_objects(self, name: str) -> list[dict[str, Any]]:
        """All objects of a body list by its name (`papers`, `agendaItems`, ...)."""
        if name in TOP_LEVEL_LISTS:
            return self.lists[name]
        if name not in FLAT_LISTS:
            raise KeyError(name)
        seen: dict[str, dict[str, Any]] = {}
        for source in [self.body, *(obj for objs in self.lists.values() for obj in objs)]:
            for list_name, obj in _embedded(source):
                if list_name == name:
                    if obj["id"] in seen and name == "files":
                        for backref in ("paper", "meeting", "agendaItem"):
                            merged = set(seen[obj["id"]].get(backref, [])) | set(obj.get(backref, []))
                            if merged:
                                seen[obj["id"]][backref] = sorted(merged)
                    else:
                        seen.setdefault(obj["id"], obj)
        return list(seen.values())

    def live_objects(self, name: str) -> list[dict[str, Any]]:
        """The objects of a list that are not deleted."""
        return [o for o in self.list_objects(name) if not o.get("deleted")]

    def page(self, list_url: str, name: str, page: int, modified_since: dt.datetime | None) -> dict[str, Any]:
        """One page of a list in OParl's list format (data, pagination, links)."""
        objects = self.live_objects(name)
        if modified_since is not None:
            objects = [o for o in objects if (_parse_time(o.get("modified")) or modified_since) >= modified_since]
            kind = {"papers": "Paper", "meetings": "Meeting", "persons": "Person", "organizations": "Organization"}.get(
                name
            )
            objects += [
                t
                for t in self.tombstones
                if (t.get("type", "").endswith("/" + str(kind)) or self.untyped_tombstones.get(t["id"]) == name)
                and (_parse_time(t.get("modified")) or modified_since) >= modified_since
            ]
        total_pages = max(1, -(-len(objects) // self.page_size))
        chunk = objects[(page - 1) * self.page_size : page * self.page_size]
        query = {"modified_since": modified_since.isoformat()} if modified_since else {}

        def link(number: int) -> str:
            return f"{list_url}?{urlencode({**query, 'page': number})}"

        links = {"first": link(1), "last": link(total_pages), "self": link(page)}
        if page < total_pages:
            links["next"] = link(page + 1)
        return {
            "data": chunk,
            "pagination": {
                "totalElements": len(objects),
                "elementsPerPage": self.page_size,
                "currentPage": page,
                "totalPages": total_pages,
            },
            "links": links,
        }

    def answer(self, url: str) -> Any:
        """The JSON a server would send for `url`. Raises KeyError for unknown URLs and
        ValueError for malformed query parameters."""
        parts = urlsplit(url)
        path = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
        query = dict(parse_qsl(parts.query))
        if path == self.system["id"]:
            return self.system
        if path == self.system["body"]:
            return {
                "data": [self.body],
                "pagination": {"totalElements": 1, "elementsPerPage": 1, "currentPage": 1, "totalPages": 1},
                "links": {},
            }
        if path == self.body["id"]:
            return self.body
        for name in TOP_LEVEL_LISTS + FLAT_LISTS:
            if path == f"{self.body['id']}/{name}":
                since = _parse_time(query["modified_since"]) if "modified_since" in query else None
                if "modified_since" in query and since is None:
                    raise ValueError(f"modified_since ist kein Zeitpunkt: {query['modified_since']!r}")
                return self.page(path, name, int(query.get("page", "1")), since)
        for name in TOP_LEVEL_LISTS + FLAT_LISTS:
            for obj in self.list_objects(name):
                if obj["id"] == path:
                    return obj
        for tombstone in self.tombstones:  # deleted objects stay retrievable as markers (OParl 1.1, 2.5)
            if tombstone["id"] == path:
                return tombstone
        raise KeyError(url)


@dataclass
class RecordingFetcher:
    """Answers the harvester from a Recording instead of the network (offline demo)."""

    recording: Recording
    requests_made: int = 0

    def get_json(self, url: str) -> Any:
        self.requests_made += 1
        try:
            # a deep copy through JSON, as a real response would be a fresh document
            return json.loads(json.dumps(self.recording.answer(url)))
        except KeyError:
            raise FetchError(url, "nicht in der Aufzeichnung (HTTP 404)", 404) from None
        except ValueError as error:
            raise FetchError(url, f"ungültige Anfrage ({error})", 400) from None

    def get_document(self, url: str) -> bytes:
        """The recorded bytes behind a File's address; FetchError (404) when not recorded."""
        self.requests_made += 1
        path = self.recording.document_at(url)
        if path is None:
            raise FetchError(url, "nicht in der Aufzeichnung (HTTP 404)", 404)
        return path.read_bytes()
