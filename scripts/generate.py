#!/usr/bin/env python3
"""Write the campaign's complete content tree (pages as Markdown, calendars, feeds, open data,
print files) to a folder, with no site engine: for another engine, or to see what the build makes.

    python scripts/generate.py build/content          # then e.g. any Markdown site engine
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpsite.data.errors import DataErrors  # noqa: E402
from helpsite.publish.generate import generate  # noqa: E402
from helpsite.outputs.printing import PrintError  # noqa: E402
from helpsite.editing.cli import RussianParser  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = RussianParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="папка, куда записать страницы и файлы (будет заменена целиком)")
    parser.add_argument("--project", type=Path, default=ROOT, help="папка проекта (с data/ и docs/)")
    parser.add_argument("--site-url", default=None, help="адрес сайта (по умолчанию site_url из data/campaign.yml)")
    parser.add_argument("--no-directory-urls", action="store_true", help="ссылки вида page.html, а не page/")
    parser.add_argument("--no-print", action="store_true", help="без материалов для печати")
    args = parser.parse_args(argv)
    try:
        tree = generate(args.project, args.out, directory_urls=not args.no_directory_urls, site_url=args.site_url,
                        with_print=not args.no_print)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        print("Страницы не записаны: исправьте ошибки выше.", file=sys.stderr)
        return 1
    except (PrintError, FileExistsError) as exc:
        print(f"Страницы не записаны: {exc}", file=sys.stderr)
        return 1
    print(f"Готово: {tree.pages} страниц и {tree.files} файлов в {tree.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
