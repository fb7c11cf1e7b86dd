#!/usr/bin/env python3
"""Создать файл нового события в data/events/ из нескольких параметров (и сразу проверить его).

Пример:
  python scripts/new_event.py --title "Родительское собрание «Безопасность ребёнка»" \\
      --type parent_meeting --start "2027-03-12 18:30" --end "2027-03-12 20:00" \\
      --place "Школа № 5, актовый зал" --address "ул. Примерная, 5" \\
      --audience parents --organizer ID_ОРГАНИЗАТОРА   # id из data/organizations.yml

Файл никогда не перезаписывается. Если в нём ошибка (например, неизвестный id организации),
файл не создаётся, а ошибки выводятся как у scripts/check.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpsite.data import model as m
from helpsite.data.errors import DataErrors
from helpsite.editing.scaffold import EventDraft, new_event
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    types = ", ".join(f"{k} ({v})" for k, v in m.EVENT_TYPE_LABELS.items())
    audiences = ", ".join(f"{k} ({v})" for k, v in m.AUDIENCE_LABELS.items())
    parser.add_argument("--title", required=True, help="название события")
    parser.add_argument("--type", required=True, choices=list(m.EVENT_TYPE_LABELS), metavar="TYPE", help=f"вид: {types}")
    parser.add_argument("--start", required=True, help="начало «ГГГГ-ММ-ДД ЧЧ:ММ» по времени кампании; только дата — на весь день")
    parser.add_argument("--end", help="окончание, в том же виде, что и начало")
    parser.add_argument("--place", help="название места: «Центр семьи, зал 2»")
    parser.add_argument("--address", help="улица и дом: «ул. Ленина, 31» (для ссылки на карту)")
    parser.add_argument("--city", help="город (по умолчанию — город кампании)")
    parser.add_argument("--online", dest="online_url", help="ссылка на трансляцию (для онлайн-события)")
    parser.add_argument("--audience", action="append", required=True, choices=list(m.AUDIENCE_LABELS), metavar="WHO",
                        help=f"для кого (можно несколько раз): {audiences}")
    parser.add_argument("--organizer", dest="organizer_ids", action="append", required=True, metavar="ID",
                        help="id организатора из data/organizations.yml (можно несколько раз)")
    parser.add_argument("--description", help="описание: что будет, для кого, что взять с собой")
    parser.add_argument("--series", dest="series_id", metavar="ID", help="id цикла из data/series.yml")
    parser.add_argument("--part", dest="series_part", type=int, help="номер занятия в цикле")
    parser.add_argument("--registration-url", help="ссылка на запись")
    parser.add_argument("--registration-phone", help="телефон для записи")
    parser.add_argument("--deadline", dest="registration_deadline", help="записаться до «ГГГГ-ММ-ДД»")
    parser.add_argument("--capacity", type=int, help="число мест")
    parser.add_argument("--plan", dest="plan_activity", help="номер мероприятия плана: «2.2»")
    parser.add_argument("--example", action="store_true", help="пометить как пример (вымышленные детали)")
    parser.add_argument("--id", help="id (имя файла); по умолчанию — из названия и даты")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="папка с данными (по умолчанию data/)")
    args = parser.parse_args(argv)
    if not args.place and not args.online_url:
        parser.error("укажите --place (место) или --online (ссылку на трансляцию)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    fields = {k: v for k, v in vars(args).items() if k != "data"}
    draft = EventDraft(**fields)
    try:
        created = new_event(args.data, draft)
    except FileExistsError:
        print(f"Файл data/events/{draft.event_id()}.yml уже есть — он не перезаписан. "
              "Выберите другой id (--id) или правьте существующий файл.", file=sys.stderr)
        return 1
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        print("Файл события не создан: исправьте параметры и запустите команду снова.", file=sys.stderr)
        return 1
    print(f"Создан файл {created.path}")
    print(f"Страница события: /events/{created.event.id}/ (mkdocs serve → http://127.0.0.1:8000/events/{created.event.id}/)")
    if not args.description:
        print("Допишите описание (description) в файле — сейчас там заглушка.")
    if created.warnings:
        print("Новый файл в порядке, но в других файлах data/ есть ошибки:", file=sys.stderr)
        print(DataErrors(created.warnings).report(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
