#!/usr/bin/env python3
"""Отчёт для редакторов: что перепроверить, что дополнить, на что поставить ссылку.

  python scripts/report.py                 # по data/ и docs/ этого сайта
  python scripts/report.py --days 180      # устаревшими считать записи старше 180 дней

Три списка: линии помощи и службы, чья дата проверки (assured_date) старше stale_after_days из
campaign.yml (или --days), — их нужно перепроверить; службы без телефона или часов работы; службы,
на которые не ссылается ни одна страница, кроме каталога (ни алгоритм, ни текст в docs/), — о них
узнают, только листая каталог. Команда ничего не меняет. Код выхода 0; 1 — если данные с ошибками.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from helpsite.publish.build import build_content
from helpsite.data.errors import DataErrors
from helpsite.data.freshness import editor_report
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="папка с данными (по умолчанию data/)")
    parser.add_argument("--docs", type=Path, default=None, help="папка со страницами-текстами (по умолчанию docs/ рядом с data/)")
    parser.add_argument("--days", type=int, default=None, help="порог устаревания в днях (по умолчанию stale_after_days)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="считать от этой даты (ГГГГ-ММ-ДД)")
    args = parser.parse_args(argv)
    try:
        content = build_content(args.data)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    today = args.today or content.now.date()
    docs = args.docs or args.data.resolve().parent / "docs"
    print(editor_report(content.data, today, [(p.path, p.markdown) for p in content.pages], docs, args.days))
    return 0


if __name__ == "__main__":
    sys.exit(main())
