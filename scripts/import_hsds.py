#!/usr/bin/env python3
"""Перенести реестр служб в формате Open Referral HSDS 3.1 в data/ (организации и службы).

Источник — папка с таблицами CSV (с datapackage.json или без), архив .zip с ними или файл
JSON (службы в виде «service_full», страница API {"contents": […]} или организации с их
службами). Пример:

  python scripts/import_hsds.py ~/registry/csv/ --source "Реестр поставщиков соцуслуг, 2026"
  python scripts/import_hsds.py services.json --dry-run          # только проверить и показать отчёт

Что сделает команда: допишет новые организации в data/organizations.yml (уже известные — по
названию — не повторит), создаст data/services/<id>.yml для каждой службы и проверит всё так
же, как сборка сайта. Если в результате есть ошибки, ни один файл не записывается. Отчёт
перечисляет по файлам и полям, что не перенесено (на сайте нет такого поля), что отброшено
(значение не прошло проверку) и что заполнено по умолчанию (сайту нужно, в HSDS нет).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpsite.data.errors import DataErrors
from helpsite.outputs.opendata.hsds_import import ImportOptions, format_report, import_hsds
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="папка с CSV, архив .zip или файл .json в формате HSDS")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="папка с данными (по умолчанию data/)")
    parser.add_argument("--source-note", "--source", dest="source_note", default=None,
                        help="что записать в поле source импортированных записей (по умолчанию — имя источника)")
    parser.add_argument("--category", dest="default_category", help="категория (id из categories.yml) для служб, "
                        "чьи виды помощи не совпали с categories.yml (по умолчанию — первая)")
    parser.add_argument("--district", default="не указан", help="район для служб без района (по умолчанию «не указан»)")
    parser.add_argument("--keep-ids", action="store_true",
                        help="оставить UUID из HSDS идентификаторами записей (иначе — читаемые id из названий)")
    parser.add_argument("--replace", action="store_true", help="заменить файлы служб с теми же id")
    parser.add_argument("--dry-run", action="store_true", help="только проверить и показать отчёт, ничего не записывать")
    args = parser.parse_args(argv)
    options = ImportOptions(source=args.source_note or f"Open Referral HSDS: {args.source.name}", keep_ids=args.keep_ids,
                            replace=args.replace, default_category=args.default_category, district=args.district)
    try:
        result = import_hsds(args.source, args.data, options, dry_run=args.dry_run)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        print("Ничего не записано: исправьте ошибки (в источнике или в data/) и запустите команду снова.", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"Не удалось прочитать источник: {exc}", file=sys.stderr)
        return 1
    plan = result.plan
    print(f"Служб: {len(plan.services)}, новых организаций: {len(plan.organizations)}, "
          f"уже известных организаций: {len(plan.reused_organizations)}.")
    report = format_report(plan.notes)
    if report:
        print(report)
    if args.dry_run:
        print("Проверка пройдена; ничего не записано (--dry-run).")
    else:
        for path in result.written:
            print(f"Записан файл {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
