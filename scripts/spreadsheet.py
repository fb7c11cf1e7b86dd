#!/usr/bin/env python3
"""Службы в одной таблице для Excel или LibreOffice Calc: выгрузить и загрузить обратно.

  python scripts/spreadsheet.py export                    # → services.csv (каждая служба — строка)
  python scripts/spreadsheet.py export -o ~/службы.csv
  python scripts/spreadsheet.py import services.csv       # → data/services/<id>.yml
  python scripts/spreadsheet.py import services.csv --dry-run   # только проверить
  python scripts/spreadsheet.py export -o службы.xlsx     # таблица Excel (.xlsx) вместо CSV
  python scripts/spreadsheet.py import службы.xlsx
  python scripts/spreadsheet.py --events export -o события.xlsx   # события: каждое — строка
  python scripts/spreadsheet.py --events import события.xlsx

Файл — CSV в UTF-8 с разделителем «;»: русский Excel открывает его двойным щелчком. Сохраняйте
в Excel как «CSV UTF-8 (разделитель — запятая)» или просто «CSV» — команда поймёт оба варианта.
Загрузка проверяет таблицу так же, как сборка сайта; ошибки называют строку и столбец таблицы.
Если есть ошибки, ни один файл не меняется. Переписываются только службы, которые изменились;
службы, которых нет в таблице, не удаляются.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.outputs.opendata.spreadsheet import export_csv, import_csv
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="папка с данными (по умолчанию data/)")
    parser.add_argument("--events", action="store_true", help="события вместо служб (data/events/)")
    sub = parser.add_subparsers(dest="command", required=True)
    out = sub.add_parser("export", help="выгрузить службы в CSV")
    out.add_argument("-o", "--output", type=Path, default=Path("services.csv"), help="куда записать (по умолчанию services.csv)")
    back = sub.add_parser("import", help="загрузить CSV в data/services/")
    back.add_argument("table", type=Path, help="файл CSV")
    back.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывать")
    args = parser.parse_args(argv)
    target = args.output if args.command == "export" else args.table
    if args.events or target.suffix.lower() == ".xlsx":
        return _tables(args)
    try:
        if args.command == "export":
            data = load(args.data)
            args.output.write_bytes(export_csv(data))
            print(f"Записан файл {args.output}: служб {len(data.services)}.")
            return 0
        result = import_csv(args.table.read_bytes(), args.data, file=args.table.name, dry_run=args.dry_run)
    except DataErrors as exc:
        return _refused(exc, args)
    return _imported(result, "Новая служба", result.missing, args.dry_run,
                     "удалите файл вручную, если служба закрылась")


def _refused(exc: DataErrors, args: argparse.Namespace) -> int:
    print(exc.report(), file=sys.stderr)
    if args.command == "import":
        print("Ничего не записано: исправьте таблицу и загрузите её снова.", file=sys.stderr)
    return 1


def _imported(result, new: str, missing: list[str], dry_run: bool, advice: str = "") -> int:
    """What an import wrote (CSV or .xlsx, services or events), in the editor's words."""
    for path in result.created:
        print(f"{new}: {path}")
    for path in result.changed:
        print(f"Изменена: {path}")
    print(f"Без изменений: {len(result.unchanged)}.")
    if missing:
        print(f"В таблице нет служб (их файлы не тронуты{'; ' + advice if advice else ''}): " + ", ".join(missing))
    if dry_run:
        print("Проверка пройдена; ничего не записано (--dry-run).")
    return 0


def _tables(args: argparse.Namespace) -> int:
    """.xlsx for services, and events in .xlsx or CSV (helpsite.cms_tables): the same checks and messages."""
    from helpsite.editing import cms_tables
    try:
        if args.command == "export":
            if args.events:
                output = args.output if args.output != Path("services.csv") else Path("events.xlsx")
                output.write_bytes(cms_tables.export_events(args.data, xlsx=output.suffix.lower() == ".xlsx"))
            else:  # services as .xlsx (CSV goes the old way, above)
                output = args.output
                output.write_bytes(cms_tables.export_services_xlsx(args.data))
            print(f"Записан файл {output}.")
            return 0
        content = args.table.read_bytes()
        if args.events:
            result = cms_tables.import_events(content, args.data, file=args.table.name, dry_run=args.dry_run)
            missing: list[str] = []
        else:
            result = cms_tables.import_services_xlsx(content, args.data, file=args.table.name, dry_run=args.dry_run)
            missing = result.missing
    except DataErrors as exc:
        return _refused(exc, args)
    return _imported(result, "Новая запись", missing, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
