"""Reading declaration files: YAML that is small, plain and safe."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.errors import ConfigProblem

MAX_DECLARATION_BYTES = 2_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loader that refuses anchors/aliases: they buy nothing in a declaration and
    are the vehicle of the 'billion laughs' expansion attack."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "Anker und Aliase (&/*) sind in Deklarationen nicht erlaubt", event.start_mark
            )
        return super().compose_node(parent, index)


def load_declaration(text: str) -> object:
    """Parse YAML text with the safe loader, refusing anchors and aliases. Raises yaml.YAMLError
    with the pure-Python parser's message and position.

    LibYAML's parser (when PyYAML has it) reads the text first: it is about eight times
    faster, and the declarations are read on every build. Only text it finds clean goes
    through it; anything with an alias or an error is parsed again by the Python loader,
    whose messages are the ones users see."""
    if getattr(yaml, "CSafeLoader", None) is not None:
        try:
            if not any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.CSafeLoader)):
                return yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_NoAliasLoader)


def read_yaml(path: Path, label: str) -> tuple[object, list[ConfigProblem]]:
    """Parse one YAML file. Returns (data, problems); data is None when it could not be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [ConfigProblem(label, "", f"Datei nicht lesbar: {error.strerror}")]
    if len(raw) > MAX_DECLARATION_BYTES:
        return None, [ConfigProblem(label, "", f"Datei ist größer als {MAX_DECLARATION_BYTES} Bytes")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [ConfigProblem(label, "", f"kein gültiges UTF-8 (Byte {error.start})")]
    try:
        return load_declaration(text), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}: " if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        return None, [ConfigProblem(label, "", f"kein gültiges YAML: {where}{reason}")]
