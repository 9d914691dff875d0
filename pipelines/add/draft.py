"""The contract between `kommune add` and the drafters: one drafter per source format.

A drafter looks at one file (downloaded first when the town gave a URL) and proposes a
declaration: the `source:` block of `dataset.yaml` (without its location), a Table Schema for
kinds that need one, and in plain German what it decided and what it could not decide. The
add command does everything around it (dataset folder, copy to `sample/`, `path:`/`url:`,
titles, README draft, printing), so a new format is one module in `pipelines/add/drafters/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

#: Written into a draft's description: it builds, and the build warns until the town replaces it.
DRAFT_DESCRIPTION = (
    "Entwurf: Diese Beschreibung fehlt noch. Bitte in einfacher Sprache ergänzen, was die Daten "
    "zeigen, woher sie stammen und wie oft sie aktualisiert werden."
)


@dataclass(frozen=True)
class Probe:
    """What a drafter may look at. `path` is a local file or folder (a shapefile folder, say);
    `url` is set when the town named a URL (then `path` is the download); `head` holds the
    first bytes of a file (empty for a folder), so that recognising costs no parsing."""

    path: Path
    url: str | None = None
    head: bytes = b""

    @property
    def suffix(self) -> str:
        """The lower-case extension of the file the town named (`.csv`, `.zip`, `` for none)."""
        name = self.url.rsplit("?", 1)[0] if self.url else self.path.name
        return Path(name).suffix.lower()

    @classmethod
    def of(cls, path: Path, url: str | None = None, head_bytes: int = 64 * 1024) -> Probe:
        head = b""
        if path.is_file():
            with open(path, "rb") as handle:
                head = handle.read(head_bytes)
        return cls(path=path, url=url, head=head)


@dataclass
class Draft:
    """A drafter's proposal.

    `source` is the `source:` block of `dataset.yaml` with `kind` and the kind's own keys but
    no `path`/`url` (the add command sets those). `schema` is a Frictionless Table Schema whose
    field names match `^[a-z_][a-z0-9_]*$`, with `label` = the heading in the file when it
    differs and a German `title`; None for kinds that bring their own schema. `decided` and
    `undecided` are short German sentences for the terminal; an undecided point must not stop
    the dataset from publishing (the drafter then chooses the safe reading, e.g. text).
    `title` is a proposed dataset title; `steps` Frictionless steps for `dataset.yaml`;
    `table` the `table:` block (facets, indexes, fts)."""

    source: dict
    schema: dict | None = None
    decided: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    title: str | None = None
    steps: list[dict] = field(default_factory=list)
    table: dict = field(default_factory=dict)
    family: str = "allgemein"
    themes: list[str] = field(default_factory=list)


class DraftFailed(Exception):
    """The file cannot be read as the format the drafter recognised; the message is German
    and says what the file seems to be and what to do."""


class Drafter(Protocol):
    """One format. `recognises` answers how sure it is that the probe is its format
    (0 = not mine, 1 = the extension fits, 2 = the content fits, 3 = both): the add command asks
    every registered drafter and takes the surest (the first registered on a tie), so the
    order of registration hardly matters. `draft` may raise `DraftFailed`."""

    @property
    def kind(self) -> str: ...

    def recognises(self, probe: Probe) -> int: ...

    def draft(self, probe: Probe) -> Draft: ...
