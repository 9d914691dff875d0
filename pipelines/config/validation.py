"""Turning pydantic's validation errors into problems a town's editor can act on."""

from __future__ import annotations

from typing import TypeVar

import pydantic

from pipelines.errors import ConfigProblem

Model = TypeVar("Model", bound=pydantic.BaseModel)

_GERMAN_MESSAGES = {
    "missing": "fehlt (Pflichtangabe)",
    "extra_forbidden": "unbekannter Schlüssel (Tippfehler?)",
}


def key_path(location: tuple) -> str:
    return ".".join(str(part) for part in location if not str(part).startswith("function-"))


def validate_model(
    model: type[Model], data: object, file: str, prefix: str = ""
) -> tuple[Model | None, list[ConfigProblem]]:
    """Validate `data` against `model`; every error becomes a ConfigProblem naming file and key."""
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            key = key_path(tuple(prefix.split(".")) + tuple(item["loc"]) if prefix else item["loc"])
            message = _GERMAN_MESSAGES.get(item["type"], item["msg"])
            if item["type"] not in _GERMAN_MESSAGES and "input" in item and not isinstance(item["input"], (dict, list)):
                message += f" (gefunden: {item['input']!r})"
            problems.append(ConfigProblem(file, key, message))
        return None, problems
