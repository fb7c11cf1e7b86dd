"""Read a YAML file into plain Python data plus a map «field path → line».

PyYAML follows YAML 1.1, which has traps for editors: `12:30` becomes the integer 750
(base-60) and `no`/`yes`/`on`/`off` become booleans. We compose the node tree ourselves and
keep such plain scalars as the strings the editor typed; the model then either accepts the
string (a time «12:30») or rejects it with a message that says what to write (a boolean field
given «нет»). Duplicate keys, which PyYAML silently resolves to the last one, are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError

Path_ = tuple[str | int, ...]

_YAML12_BOOLS = {"true", "false"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


@dataclass
class SourceDoc:
    """One YAML document: its data and where each value stands in the file."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int | None:
        """Line (1-based) of the value at `loc`, or of its nearest enclosing value."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


class _Composer:
    def __init__(self, path: Path, errors: list[DataError], display: str):
        self.path = path
        self.errors = errors
        self.display = display
        self.lines: dict[Path_, int] = {}

    def convert(self, node: yaml.Node, loc: Path_) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.errors.append(self._error(key_node, loc, "ключи слияния «<<» не поддерживаются",
                                                   "перепишите значения явно"))
                    continue
                key = self.convert(key_node, loc)
                if not isinstance(key, (str, int)):
                    key = str(key)
                key_loc = loc + (key,)
                if key in result:
                    self.errors.append(self._error(
                        key_node, key_loc, f"ключ «{key}» встречается дважды",
                        f"оставьте один ключ «{key}» (первый был в строке {self.lines.get(key_loc)})"))
                    continue
                self.lines[key_loc] = key_node.start_mark.line + 1
                result[key] = self.convert(value_node, key_loc)
                self.lines[key_loc] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, loc + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if not node.style:  # plain scalar (None from PyYAML, "" from libyaml): the only kind YAML 1.1 re-types
            if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in _YAML12_BOOLS:
                return node.value
            if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _SEXAGESIMAL.match(node.value):
                return node.value
        return _CONSTRUCTOR.construct_object(node, deep=True)

    def _error(self, node: yaml.Node, loc: Path_, message: str, hint: str) -> DataError:
        return DataError(file=self.display, line=node.start_mark.line + 1,
                         field=_format_loc(loc), message=message, hint=hint)


_CONSTRUCTOR = yaml.SafeLoader("")
# libyaml parses ten times faster and keeps line marks; the pure-Python parser is the fallback
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _format_loc(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


format_loc = _format_loc


def read_yaml(path: Path, display: str, errors: list[DataError]) -> SourceDoc | None:
    """Parse one file. Problems are appended to `errors`; None when nothing usable was read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(DataError(file=display, line=None, field="", message="файл не в кодировке UTF-8",
                                hint=f"сохраните файл в UTF-8 ({exc.reason})"))
        return None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        errors.append(DataError(
            file=display, line=mark.line + 1 if mark else None, field="",
            message=f"ошибка синтаксиса YAML: {exc.problem or exc.context}",
            hint="проверьте отступы (только пробелы), двоеточия после ключей и кавычки вокруг текста с «:» или «#»"))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        errors.append(DataError(file=display, line=None, field="", message=f"ошибка YAML: {exc}",
                                hint="проверьте файл"))
        return None
    if node is None:
        errors.append(DataError(file=display, line=1, field="", message="файл пуст",
                                hint="заполните файл или удалите его"))
        return None
    composer = _Composer(path, errors, display)
    data = composer.convert(node, ())
    return SourceDoc(path=path, data=data, lines=composer.lines)
