"""Records → YAML text in the style of the files in data/ (read back by helpsite.yamlsource)."""

from __future__ import annotations

import re
from typing import Any

import yaml

SERVICE_HEADER = "# yaml-language-server: $schema=../schema/service.schema.json\n"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # "  - item", as in data/
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    """Lists of codes on one line, as editors write them: «byday: [mo, tu, we]»; other lists in block style."""
    flow = bool(value) and all(isinstance(v, str) and re.fullmatch(r"[a-z0-9_-]+", v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def to_yaml(value: Any) -> str:
    """Block style, Cyrillic as is, keys in the given order; strings that YAML 1.1 would re-type are quoted."""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def comment_lines(comment: str) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())


def service_yaml(service: dict[str, Any], comment: str = "") -> str:
    return SERVICE_HEADER + comment_lines(comment) + to_yaml(service)
