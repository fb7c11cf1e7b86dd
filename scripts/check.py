#!/usr/bin/env python3
"""Проверить данные в data/ без сборки сайта: код 0 — всё в порядке, 1 — все ошибки списком (файл:строка: поле: что не так — как исправить)."""

from __future__ import annotations

import sys
from pathlib import Path

from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.editing.cli import RussianParser


def main() -> int:
    parser = RussianParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args()
    try:
        data = load(args.data)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    from helpsite.data.campaign_checks import live_problems
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
