#!/usr/bin/env python3
"""Validate data/ without building the site. Exit 0 if valid, 1 with every error listed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpsite.errors import DataErrors
from helpsite.load import load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    try:
        data = load(args.data)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    from helpsite.campaign_checks import live_problems
    live = live_problems(data)  # status: live — no placeholder address, example records, invented numbers
    if live:
        print(DataErrors(live).report(), file=sys.stderr)
        print("Сайт со статусом live не соберётся: исправьте строки выше или верните status: draft.", file=sys.stderr)
        return 1
    print(f"Данные в порядке: линий помощи {len(data.helplines)}, служб {len(data.services)}, "
          f"организаций {len(data.organizations)}, алгоритмов {len(data.algorithms)}, событий {len(data.events)}, "
          f"мероприятий плана {sum(len(t.activities) for t in data.plan.tasks)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
