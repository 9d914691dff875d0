"""The `dataset.yaml` reference (`docs/dataset-yaml.md`), written from the pydantic models.

    python -m pipelines.reference --write

`tests/test_docs.py` fails when the committed file differs from what the models give, so the
reference cannot say what the loader rejects (as a hand-written example once did).
"""

from __future__ import annotations

import argparse
import enum
import inspect
import json
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipelines.config.dataset import DatasetConfig
from pipelines.kinds import KINDS

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "dataset-yaml.md"

_HEADER = """\
# `dataset.yaml` reference

Written by `python -m pipelines.reference --write` from the pydantic models that
`kommune validate` applies (`pipelines/config/dataset.py`, each kind's `Source` model in
`pipelines/kinds/`); do not edit by hand: `tests/test_docs.py` fails when this file differs from
what the models give. An example declaration and the contracts around it: `architecture.md`.
Keys not listed here are refused, except in `steps:` (Frictionless's own step options) and
`publisher:` (keys of `metadata/publisher.yaml`).
"""


def _type_name(annotation: Any) -> str:
    """A type as a reader of YAML thinks of it (`list of text`, `"csv" | "xlsx"`)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return " \\| ".join(json.dumps(arg, ensure_ascii=False) for arg in args)
    if origin in (Union, types.UnionType):
        named = [_type_name(arg) for arg in args if arg is not type(None)]
        return " \\| ".join(named) + (" \\| null" if type(None) in args else "")
    if origin in (list, tuple, set, frozenset):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping {_type_name(args[0])} → {_type_name(args[1])}" if args else "mapping"
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        return " \\| ".join(json.dumps(member.value, ensure_ascii=False) for member in annotation)
    if getattr(annotation, "__name__", "") == "HttpUrl":
        return "http(s) URL"
    names = {str: "text", int: "integer", float: "number", bool: "true/false", Path: "path"}
    if annotation in names:
        return names[annotation]
    if annotation is Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see below" if value.model_dump() else "{}"
    if isinstance(value, enum.Enum):
        value = value.value
    try:
        return "`" + json.dumps(value, ensure_ascii=False, default=str) + "`"
    except TypeError:
        return f"`{value}`"


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _nested_models(arg)]


def _doc(model: type[BaseModel]) -> str:
    own = model.__dict__.get("__doc__")
    return " ".join(inspect.cleandoc(own).split()) if own else ""


def _model_section(title: str, model: type[BaseModel], seen: set[type[BaseModel]]) -> list[str]:
    """One table per model, then the models its fields name (each once)."""
    seen.add(model)
    lines = [f"### {title}", ""]
    if _doc(model):
        lines += [_doc(model), ""]
    lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
    nested: list[type[BaseModel]] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue  # set by the loader, not by the file
        key = field.alias or name
        meaning = " ".join((field.description or "").split())
        lines.append(f"| `{key}` | {_type_name(field.annotation)} | {_default(field)} | {meaning} |")
        nested += [found for found in _nested_models(field.annotation) if found not in seen and found not in nested]
    lines.append("")
    for found in nested:
        if found not in seen:
            lines += _model_section(found.__name__, found, seen)
    return lines


def reference() -> str:
    """The whole reference as Markdown."""
    lines = [_HEADER, "## The declaration", ""]
    seen: set[type[BaseModel]] = set()
    lines += _model_section("DatasetConfig", DatasetConfig, seen)
    lines += ["## `source:` by kind", "", "`source.kind` chooses the model that checks the rest of `source:`.", ""]
    by_module: dict[str, list[str]] = {}
    for kind, module in KINDS.items():
        by_module.setdefault(module.Source.__module__, []).append(kind)
    for module_name, kinds in by_module.items():
        model = KINDS[kinds[0]].Source
        title = " / ".join(f"`{kind}`" for kind in kinds) + f" (`{module_name}`)"
        lines += _model_section(title, model, seen)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the dataset.yaml reference from the models.")
    parser.add_argument("--write", action="store_true", help=f"write {REFERENCE.name} instead of printing it")
    arguments = parser.parse_args(argv)
    if arguments.write:
        REFERENCE.write_text(reference(), encoding="utf-8")
    else:
        print(reference(), end="")


if __name__ == "__main__":
    main()
