#!/usr/bin/env python3
"""Печатные материалы кампании: наклейки в дневник, пробный лист, листовка, афиша, памятка.

Примеры:
  python scripts/print.py stickers --stock L7160 --qr site --src school-5 --count 120
  python scripts/print.py stickers --stock L7651 --start 14 --sheets 2 --offset-x 0.5 --offset-y -1
  python scripts/print.py calibration --stock L7160
  python scripts/print.py poster roditelskoe-sobranie-2026-12
  python scripts/print.py checklist parent
  python scripts/print.py leaflet
  python scripts/print.py stocks
PDF пишутся в build/print/ (или в файл из --output); печатайте в масштабе 100 %.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from helpsite.data.errors import DataErrors
from helpsite.data.load import load
from helpsite.outputs.printing import (
    PrintError, SheetOptions, find_stock, load_stocks, render_calibration, render_checklist, render_leaflet, render_poster, render_stickers, sticker_for,
)
from helpsite.outputs.printing.preview import render_previews
from helpsite.outputs.printing.stickers import layouts_for, plan_sheets
from helpsite.outputs.printing.text import labels_ru, mm_ru
from helpsite.editing.cli import RussianParser

ROOT = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    p = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=ROOT / "data", help="папка с данными (по умолчанию data/)")
    p.add_argument("--base-url", help="адрес сайта для QR-кодов (по умолчанию site_url из campaign.yml)")
    sub = p.add_subparsers(dest="command", required=True, metavar="команда", parser_class=RussianParser)

    def common(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("-o", "--output", type=Path, help="куда записать PDF (по умолчанию build/print/…)")
        cmd.add_argument("--preview", type=Path, help="также записать PNG-превью первой страницы")

    def offsets(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--stock", required=True, help="лист этикеток: id, название или артикул (L7160, J8160, 4464)")
        cmd.add_argument("--offset-x", type=float, default=0.0, metavar="ММ",
                         help="поправка принтера по горизонтали, мм: + сдвигает печать вправо")
        cmd.add_argument("--offset-y", type=float, default=0.0, metavar="ММ",
                         help="поправка принтера по вертикали, мм: + сдвигает печать вниз")

    s = sub.add_parser("stickers", help="наклейки в дневник на листе этикеток")
    offsets(s)
    s.add_argument("--helpline", help="id линии помощи (по умолчанию главная, из campaign.yml)")
    s.add_argument("--qr", default="tel", help="что в QR-коде: tel (номер), site (сайт) или полный адрес https://…")
    s.add_argument("--src", help="метка партии в ссылке, например school-5 → ?src=school-5 (только для ссылок)")
    s.add_argument("--school", help="подпись партии на каждой наклейке, например «Школа № 5, 3 «Б»»")
    amount = s.add_mutually_exclusive_group()
    amount.add_argument("--count", type=int, help="сколько наклеек напечатать")
    amount.add_argument("--sheets", type=int, help="сколько листов заполнить (по умолчанию 1)")
    s.add_argument("--start", type=int, default=1, metavar="N",
                   help="начать с этикетки N на первом листе (1 — левая верхняя, счёт по рядам)")
    common(s)

    c = sub.add_parser("calibration", help="пробный лист: только контуры этикеток, для проверки принтера")
    offsets(c)
    common(c)

    e = sub.add_parser("poster", help="афиша события (A4)")
    e.add_argument("event", help="id события (имя файла в data/events/ без .yml)")
    e.add_argument("--press", action="store_true", help="для типографии: CMYK, вылеты 3 мм, метки реза")
    common(e)

    a = sub.add_parser("checklist", help="памятка-алгоритм с пунктами для отметок (A4)")
    a.add_argument("algorithm", help="id алгоритма (имя файла в data/algorithms/ без .yml)")
    common(a)

    f = sub.add_parser("leaflet", help="листовка A4 в три сгиба, двусторонняя")
    f.add_argument("--algorithm", help="алгоритм для «Что делать, если…» (по умолчанию — для родителей)")
    f.add_argument("--press", action="store_true", help="для типографии: CMYK, вылеты 3 мм, метки реза")
    common(f)

    h = sub.add_parser("helpline", help="афиша телефона доверия (A4/A3, для детей или взрослых), листовка A5, карточки")
    h.add_argument("product", choices=["poster", "flyer", "cards"], help="poster, flyer (A5) или cards (лист визиток)")
    h.add_argument("--size", default="A4", choices=["A4", "A3"], help="формат афиши")
    h.add_argument("--audience", default="child", choices=["child", "adult"], help="для детей или для взрослых")
    h.add_argument("--stock", default="avery-c32011", help="лист визиток для карточек")
    h.add_argument("--press", action="store_true", help="для типографии: CMYK, вылеты 3 мм, метки реза")
    common(h)

    sub.add_parser("stocks", help="какие листы этикеток известны (data/labels/)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except PrintError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stocks = load_stocks(args.data)
    if args.command == "stocks":
        for stock in stocks.values():
            aliases = f" (также {', '.join(stock.aliases)})" if stock.aliases else ""
            print(f"{stock.id}: {stock.name}{aliases} — {labels_ru(stock.per_sheet)} {mm_ru(stock.label_width)} × "
                  f"{mm_ru(stock.label_height)} мм, {stock.columns} × {stock.rows}")
        return 0
    data = load(args.data)
    out_dir = ROOT / "build" / "print"
    pages_hint = ""
    if args.command == "stickers":
        stock = find_stock(stocks, args.stock)
        sticker = sticker_for(data, args.helpline, args.qr, args.src, args.base_url, args.school)
        options = SheetOptions(count=args.count, sheets=args.sheets, start=args.start,
                               offset_x=args.offset_x, offset_y=args.offset_y)
        plan = plan_sheets(stock, options)
        pdf = render_stickers(data, stock, sticker, options)
        name = f"stickers-{stock.id}" + (f"-{args.src}" if args.src else "")
        layouts = layouts_for(stock, sticker)
        dropped = sorted({d for layout in layouts.values() for d in layout.dropped})
        modules = [layout.module_mm for layout in layouts.values() if layout.qr_box]
        pages_hint = (f"наклеек: {sum(len(s) for s in plan)}, листов: {len(plan)}; " +
                      (f"QR-код: «{sticker.payload}», модуль {min(modules):.2f} мм" if modules else "без QR-кода"))
        if dropped:
            from helpsite.outputs.printing.stickers import _ROLE_NAMES
            pages_hint += "\nНе поместилось на этикетку такого размера: " + ", ".join(_ROLE_NAMES[d] for d in dropped)
    elif args.command == "helpline":
        from helpsite.outputs.printing.helpline import render_cards, render_flyer, render_helpline_poster

        if args.product == "poster":
            pdf = render_helpline_poster(data, args.size, args.audience, args.press, args.base_url)
            name = f"helpline-poster-{args.size.lower()}-{args.audience}"
        elif args.product == "flyer":
            pdf = render_flyer(data, args.press, args.base_url)
            name = "helpline-flyer-a5"
        else:
            pdf = render_cards(data, find_stock(stocks, args.stock), press=args.press)
            name = "cards" if not args.press else "card"
        name += "-press" if args.press else ""
    elif args.command == "calibration":
        stock = find_stock(stocks, args.stock)
        pdf = render_calibration(stock, SheetOptions(offset_x=args.offset_x, offset_y=args.offset_y))
        name = f"calibration-{stock.id}"
        pages_hint = ("напечатайте на обычной бумаге в масштабе 100 %, наложите на лист этикеток и посмотрите "
                      "на просвет; сдвиг в мм передайте в --offset-x/--offset-y")
    elif args.command == "poster":
        if args.event not in data.events:
            raise PrintError(f"нет события «{args.event}»", "есть: " + ", ".join(data.events))
        pdf = render_poster(data, data.events[args.event], args.base_url, press=args.press)
        name = f"poster-{args.event}" + ("-press" if args.press else "")
    elif args.command == "checklist":
        if args.algorithm not in data.algorithms:
            raise PrintError(f"нет алгоритма «{args.algorithm}»", "есть: " + ", ".join(data.algorithms))
        pdf = render_checklist(data, data.algorithms[args.algorithm], args.base_url)
        name = f"checklist-{args.algorithm}"
    else:
        pdf = render_leaflet(data, args.algorithm, args.base_url, press=args.press)
        name = "leaflet" + ("-press" if args.press else "")
        pages_hint = "печать с двух сторон, переворот по короткому краю; сложить в три сгиба по меткам"
    output = args.output or out_dir / f"{name}.pdf"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(pdf)
    if args.preview:
        args.preview.parent.mkdir(parents=True, exist_ok=True)
        args.preview.write_bytes(render_previews(pdf)[0])
    print(f"Готово: {output} ({len(pdf) // 1024} КБ, {time.perf_counter() - started:.1f} с)")
    if pages_hint:
        print(pages_hint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
