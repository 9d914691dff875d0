"""The publish record: when each dataset was last published to which catalogue, and with what result.

A publish run (``kommune publish ckan``) comes after the build whose release it publishes,
and a release is never changed once it is swapped in. So the run writes its record beside
the releases, in the output's state folder (kommune.releases.state_dir), which every build
keeps; the next build copies it into its release (contracts.build_folder.PUBLISH_RECORD_FILE)
and /katalog/ shows it from there. The page therefore shows the runs up to the latest build.

The file holds no token and no message from the catalogue, only names, addresses, times and
one of the fixed ``OUTCOMES``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RECORD_VERSION = 1
OUTCOMES = ("created", "updated", "repaired", "unchanged", "failed", "not_attempted")
SUCCESSFUL = frozenset({"created", "updated", "repaired", "unchanged"})
MODES = ("upload", "link")
CHECKS = ("metadata", "downloads")


@dataclass(frozen=True)
class PublishOutcome:
    """One dataset in the latest run to one catalogue."""

    target: str  # the kind of catalogue: "ckan"
    url: str  # the catalogue's address
    mode: str  # one of MODES
    at: str  # when the run ended, ISO 8601 in UTC
    outcome: str  # one of OUTCOMES
    checked: str  # one of CHECKS: what was compared with the build
    last_success: str | None  # the latest run with a successful outcome, this one included

    @property
    def ok(self) -> bool:
        return self.outcome in SUCCESSFUL


def read_record(path: Path) -> dict[str, list[PublishOutcome]]:
    """Per dataset id its outcomes, one per catalogue; empty when there is no (readable) record."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        datasets = data["datasets"] if data.get("version") == RECORD_VERSION else {}
        return {
            str(dataset_id): [_outcome(item) for item in items]
            for dataset_id, items in datasets.items()
            if isinstance(items, list)
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        # A damaged record must not stop a build: the page then shows no publish runs.
        log.warning("Veröffentlichungsprotokoll %s nicht lesbar (%s); es wird nicht angezeigt", path, error)
        return {}


def _outcome(item: dict) -> PublishOutcome:
    values: dict[str, Any] = {name: item.get(name) for name in PublishOutcome.__dataclass_fields__}
    outcome = PublishOutcome(**values)
    if (
        outcome.outcome not in OUTCOMES
        or outcome.mode not in MODES
        or outcome.checked not in CHECKS
        or not all(isinstance(value, str) for value in (outcome.target, outcome.url, outcome.at))
    ):
        raise ValueError(f"unbekannter Eintrag {item!r}")
    return outcome


def record_run(path: Path, outcomes: dict[str, PublishOutcome]) -> None:
    """Put ``outcomes`` into the record at ``path``, replacing each dataset's earlier entry for the
    same catalogue (target and url); other catalogues' entries stay. Written atomically."""
    record = read_record(path)
    for dataset_id, new in outcomes.items():
        earlier = record.get(dataset_id, [])
        same = next((o for o in earlier if (o.target, o.url) == (new.target, new.url)), None)
        if not new.ok and same is not None:
            new = PublishOutcome(**{**asdict(new), "last_success": same.last_success})
        record[dataset_id] = [o for o in earlier if o is not same] + [new]
    data = {
        "version": RECORD_VERSION,
        "datasets": {
            dataset_id: [asdict(o) for o in sorted(items, key=lambda o: (o.target, o.url))]
            for dataset_id, items in sorted(record.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
