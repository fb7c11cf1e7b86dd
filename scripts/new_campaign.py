#!/usr/bin/env python3
"""Новый сайт кампании для другого города — из этого сайта как из шаблона.

  python scripts/new_campaign.py ../vologda --city Вологда --region "Вологодская область" \\
      --timezone Europe/Moscow --name "Безопасное детство" --slogan "Детство без насилия" \\
      --organizer "АНО «Семья»" --color "#1f5f8b" --site-url https://example.org/vologda/

Кампания на всю область — без --city, города и районы — в --cities.

Создаёт папку с mkdocs.yml, docs/, overrides/, hooks/, scripts/ и data/: кампания с новыми
названием, городом (или регионом) и часовым поясом; организатор; общероссийские линии помощи (детский телефон
доверия, 112); виды помощи; алгоритмы «что делать, если…» (без контактов служб прежнего города);
заготовка плана; пример службы и события (или ничего — с --empty). Основной цвет сайта
(--color) должен читаться на белом (контраст не меньше 4,5:1). Сайт собирается сразу:

  cd ../vologda && mkdocs build --strict

Команда перечисляет, что стоит проверить руками (например, строки текстов, где назван прежний город).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpsite.data import model as m
from helpsite.data.errors import DataErrors
from helpsite.editing.newcampaign import CampaignSpec, new_campaign
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", type=Path, help="папка нового сайта (новая или пустая)")
    parser.add_argument("--name", required=True, help="название кампании")
    parser.add_argument("--city", help="город: «Вологда»; не указывайте для кампании на всю область")
    parser.add_argument("--cities", help="для кампании на всю область: города и районы через запятую — «Вологда, Череповец, Сокольский район»")
    parser.add_argument("--region", required=True, help="регион: «Вологодская область»")
    parser.add_argument("--timezone", required=True, help="часовой пояс IANA: Europe/Moscow, Asia/Yekaterinburg, Asia/Irkutsk…")
    parser.add_argument("--organizer", required=True, help="организатор кампании: название организации")
    parser.add_argument("--organizer-id", help="id организатора (по умолчанию — из названия)")
    parser.add_argument("--organizer-kind", default="ngo", choices=list(m.ORGANIZATION_KIND_LABELS), metavar="KIND",
                        help="вид организатора: " + ", ".join(f"{k} ({v})" for k, v in m.ORGANIZATION_KIND_LABELS.items()))
    parser.add_argument("--slogan", help="лозунг")
    parser.add_argument("--color", default="#5b2a86", help="основной цвет сайта #rrggbb (по умолчанию #5b2a86)")
    parser.add_argument("--site-url", default="https://example.org/",
                        help="адрес сайта; можно с путём: https://deti.vologda.ru/ (адрес example.org — заглушка: сайт останется демонстрационным)")
    parser.add_argument("--empty", action="store_true", help="без примера службы и события")
    parser.add_argument("--template", type=Path, default=ROOT, help="сайт-шаблон (по умолчанию этот)")
    args = parser.parse_args(argv)
    spec = CampaignSpec(name=args.name, city=args.city, region=args.region, timezone=args.timezone, organizer=args.organizer,
                        organizer_id=args.organizer_id, organizer_kind=args.organizer_kind, slogan=args.slogan,
                        color=args.color, site_url=args.site_url, empty=args.empty,
                        cities=[c.strip() for c in (args.cities or "").split(",") if c.strip()])
    try:
        created = new_campaign(args.template, args.target, spec)
    except ValueError as exc:
        print(f"Сайт не создан: {exc}", file=sys.stderr)
        return 1
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        print("Сайт не создан: данные шаблона или параметры с ошибками.", file=sys.stderr)
        return 1
    print(f"Создан сайт кампании «{args.name}» в {created.target}.")
    print(f"Собрать: cd {created.target} && mkdocs build --strict")
    if created.notes:
        print("Проверьте руками:")
        for note in created.notes:
            print(f"  - {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
