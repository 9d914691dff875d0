"""`kommune wuensche`: moderate the data wishes the form queued (publish/server/wish_queue.py) and
keep the register `metadata/datenwuensche.yaml`.

Nothing from the queue is published by itself: `accept` copies a wish's title and description
(never the contact) into the register as a new entry and deletes it from the queue; `reject`
deletes it; `set_status` moves a register entry on (in Prüfung, veröffentlicht with its dataset,
nicht möglich with the reason). The next build publishes the register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from contracts.serve_state import build_state_dir, wish_store
from pipelines.config.validation import validate_model
from pipelines.config.wishes import Wish, WishRegister
from pipelines.errors import ConfigError, ConfigProblem
from publish.server import wish_queue
from publish.server.usage import TOWN_TIME
from publish.server.wish_queue import NotQueued, QueuedWish

REGISTER = Path("metadata") / "datenwuensche.yaml"
LABEL = "metadata/datenwuensche.yaml"
NEW_REGISTER_HEADER = "# Datenwünsche und Daten, die nicht geöffnet werden können (docs: README, „Datenwünsche“).\n"

__all__ = ["NotQueued", "WishNotFound", "accept", "reject", "set_status", "waiting"]


class WishNotFound(LookupError):
    """The register has no wish with this number."""


def waiting(out: Path | str) -> list[QueuedWish]:
    """The queued wishes of the server serving `out`, oldest first (with their contact)."""
    return wish_queue.waiting(wish_store(build_state_dir(Path(out).absolute())))


def accept(portal_dir: Path | str, out: Path | str, number: int, status: str = "eingegangen") -> Wish:
    """Move queued wish `number` into the register (status `eingegangen` or `in-pruefung`); the
    contact stays behind and is deleted with the queue entry. Raises NotQueued, ConfigError."""
    store = wish_store(build_state_dir(Path(out).absolute()))
    queued = next((wish for wish in wish_queue.waiting(store) if wish.number == number), None)
    if queued is None:
        raise NotQueued(f"Kein Wunsch mit der Nummer {number} in der Warteschlange")
    register, header = _read(Path(portal_dir))
    entry = {
        "id": max((wish["id"] for wish in register["wishes"]), default=0) + 1,
        "title": queued.title,
        **({"description": queued.description} if queued.description else {}),
        "received": queued.received,
        "status": status,
    }
    register["wishes"].append(entry)
    _write(Path(portal_dir), register, header)
    wish_queue.take(store, number)
    return Wish.model_validate(entry)


def reject(out: Path | str, number: int) -> QueuedWish:
    """Delete queued wish `number` (spam, a duplicate, no data wish). Raises NotQueued."""
    return wish_queue.take(wish_store(build_state_dir(Path(out).absolute())), number)


def set_status(
    portal_dir: Path | str,
    wish_id: int,
    status: str,
    *,
    dataset: str | None = None,
    published: dt.date | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> Wish:
    """Set the status of register entry `wish_id`. `veroeffentlicht` needs `dataset` (a folder in
    datasets/) and takes `published` (default: today in the town); `nicht-moeglich` needs `reason`.
    Raises WishNotFound, ConfigError (nothing is written then)."""
    portal_dir = Path(portal_dir)
    register, header = _read(portal_dir)
    entry = next((wish for wish in register["wishes"] if wish.get("id") == wish_id), None)
    if entry is None:
        raise WishNotFound(f"Im Register gibt es keinen Wunsch Nr. {wish_id}")
    if dataset is not None and not (portal_dir / "datasets" / dataset / "dataset.yaml").is_file():
        raise ConfigError([ConfigProblem(LABEL, f"wishes.{wish_id}.dataset", f"Datensatz „{dataset}“ gibt es nicht")])
    entry["status"] = status
    for key in ("dataset", "published", "reason"):
        entry.pop(key, None)
    if status == "veroeffentlicht":
        entry["dataset"], entry["published"] = dataset, published or dt.datetime.now(TOWN_TIME).date()
    if status == "nicht-moeglich" and reason:
        entry["reason"] = reason
    if note is not None:
        entry["note"] = note
    _write(portal_dir, register, header)
    return Wish.model_validate(entry)


def _read(portal_dir: Path) -> tuple[dict, str]:
    path = portal_dir / REGISTER
    if not path.exists():
        return {"wishes": [], "closed_data": []}, NEW_REGISTER_HEADER
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = yaml.safe_load(text) or {}
    data.setdefault("wishes", [])
    data.setdefault("closed_data", [])
    return data, header


def _write(portal_dir: Path, register: dict, header: str) -> None:
    """Validate the whole register, then replace the file (comments above the data are kept,
    comments between entries are not)."""
    _, problems = validate_model(WishRegister, register, LABEL)
    if problems:
        raise ConfigError(problems)
    path = portal_dir / REGISTER
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".yaml.tmp")
    body = yaml.safe_dump(register, allow_unicode=True, sort_keys=False, width=100)
    temporary.write_text(header + body, encoding="utf-8")
    temporary.replace(path)
