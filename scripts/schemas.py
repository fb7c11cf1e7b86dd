#!/usr/bin/env python3
"""Regenerate data/schema/*.schema.json from the model (run after changing helpsite/data/model.py)."""

from __future__ import annotations

from pathlib import Path

from helpsite.data.schema import write_schemas
from helpsite.editing.cli import RussianParser


def main() -> None:
    parser = RussianParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    for path in write_schemas(args.data):
        print(path)


if __name__ == "__main__":
    main()
