"""JSON Schema for every data file, generated from the model, so editors get completion.

Each YAML file points at its schema with `# yaml-language-server: $schema=…` (VS Code's
YAML extension, JetBrains IDEs, and other YAML language servers read it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from helpsite.data import model as m

SCHEMA_DIR_NAME = "schema"


def schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in {**m.SINGLE_FILES, **m.OPTIONAL_SINGLE_FILES}.items():
        out[name.replace(".yml", ".schema.json")] = model.model_json_schema()
    for name, model in m.LIST_FILES.items():
        out[name.replace(".yml", ".schema.json")] = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    for folder, model in m.RECORD_DIRS.items():
        singular = {"news": "news"}.get(folder, folder.rstrip("s"))  # services → service, news → news
        out[singular + ".schema.json"] = model.model_json_schema()
    out["label_stock.schema.json"] = m.LabelStock.model_json_schema()  # data/labels/*.yml (helpsite.printing)
    for name, schema in out.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", name.split(".")[0])
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(data_dir: Path) -> list[Path]:
    target = data_dir / SCHEMA_DIR_NAME
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = target / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
