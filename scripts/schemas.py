#!/usr/bin/env python3
"""Regenerate data/schema/*.schema.json from the model (run after changing helpsite/model.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from helpsite.schema import write_schemas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    for path in write_schemas(args.data):
        print(path)


if __name__ == "__main__":
    main()
