"""Parsing harvested objects without losing a valid parent to one invalid embedded object."""

from __future__ import annotations

import copy
from typing import Any

import pydantic

from pipelines.oparl.models import (
    InvalidObject,
    OParlObject,
    describe_errors,
    is_deletion_marker,
    model_for,
    parse_object,
)


def parse_salvaging(data: Any, url: str) -> tuple[OParlObject, list[InvalidObject]]:
    """Like parse_object, but an invalid object embedded in a valid parent (one agenda item of a
    meeting, one file of a paper) is dropped and reported instead of losing the parent.

    Returns the model and one InvalidObject per dropped embedded object (named by its id, or
    by the parent's id and the path). Raises InvalidObject when the parent itself is invalid.
    """
    model = model_for(data, url)
    if is_deletion_marker(data):
        return parse_object(data, url), []
    data = _without_deletion_markers(copy.deepcopy(data))
    dropped: list[InvalidObject] = []
    parent_id = str(data.get("id") or url)
    for _ in range(_MAX_SALVAGED):
        try:
            return model.model_validate(data), dropped
        except pydantic.ValidationError as error:
            for problem in error.errors():
                embedded = _embedded_object_at(data, problem["loc"])
                if embedded is not None:
                    container, key, obj, path = embedded
                    del container[key]
                    own_id = obj.get("id")
                    where = (
                        own_id
                        if isinstance(own_id, str) and own_id.startswith("http")
                        else f"{parent_id}#{'.'.join(str(p) for p in path)}"
                    )
                    inner = ".".join(str(p) for p in problem["loc"][len(path) :]) or "(Objekt)"
                    dropped.append(InvalidObject(where, f"{inner}: {problem['msg']} (eingebettet in {parent_id})"))
                    break  # positions in lists shift: validate again before the next repair
            else:
                raise InvalidObject(parent_id, describe_errors(error.errors())) from None
    raise InvalidObject(parent_id, f"mehr als {_MAX_SALVAGED} ungültige eingebettete Objekte")


_MAX_SALVAGED = 200


def _without_deletion_markers(data: Any) -> Any:
    """`data` without embedded deletion markers (a meeting listing a deleted agenda item as
    `{"id": …, "deleted": true}`): the parent's new version simply no longer holds them, and
    the store forgets embedded objects that a new version of their parent leaves out."""
    if isinstance(data, dict):
        return {key: _without_deletion_markers(value) for key, value in data.items() if not is_deletion_marker(value)}
    if isinstance(data, list):
        return [_without_deletion_markers(value) for value in data if not is_deletion_marker(value)]
    return data


def _embedded_object_at(data: dict[str, Any], loc: tuple) -> tuple[Any, Any, dict[str, Any], tuple] | None:
    """The innermost embedded OParl object (a dict with `type`) on an error's path, with its
    container and key, or None when the error lies in the parent's own fields."""
    node: Any = data
    found = None
    for depth, part in enumerate(loc):
        a_key = isinstance(node, dict) and isinstance(part, str) and part in node
        an_index = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (a_key or an_index):
            break  # a union member tag such as "Location" or "str": the path in the data ends here
        container, key, node = node, part, node[part]
        if isinstance(node, dict) and "type" in node:
            found = (container, key, node, tuple(loc[: depth + 1]))
    return found
