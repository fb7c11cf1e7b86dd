"""What the editor sees in the terminal and the browser while MkDocs builds the site.

- `quiet()` — called from mkdocs.yml (`!!python/object/apply:helpsite.publish.engine.quiet []`) while
  MkDocs reads its configuration, before it loads the theme: turns off Material's English
  end-of-life banner (the theme prints it on import unless NO_MKDOCS_2_WARNING is set).
- `RussianBuildLog` — MkDocs' own English lines about the build, in Russian; the last line of a
  build says where the site is and how many pages it has.
- `error_page_markdown()` — in `mkdocs serve`, a data error becomes a page in the browser with
  the same Russian messages as the terminal (the site comes back when the data is fixed).
"""

from __future__ import annotations

import html
import logging
import os
import re
from pathlib import Path

from helpsite.data.errors import DataError


def quiet() -> str:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return "helpsite"


def pages_ru(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} страница"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} страницы"
    return f"{n} страниц"


class RussianBuildLog(logging.Filter):
    """Rewrites MkDocs' build lines (logger `mkdocs.commands.build`, `mkdocs.commands.serve`,
    `mkdocs.livereload`) in Russian; drops the ones that only name the temporary folder."""

    def __init__(self) -> None:
        super().__init__()
        self.site_dir = ""
        self.pages = 0
        self.serving = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", record.getMessage())  # livereload's time stamp
        if message == "Cleaning site directory" or message.startswith("Building documentation to directory:"):
            return False
        built = re.fullmatch(r"Documentation built in ([\d.]+) seconds", message)
        if built:
            seconds = built.group(1).replace(".", ",")
            if self.serving:
                record.msg = f"Сайт для просмотра собран за {seconds} с ({pages_ru(self.pages)})."
            else:
                record.msg = f"Сайт собран за {seconds} с: {self.site_dir} ({pages_ru(self.pages)})."
            record.args = ()
            return True
        table = {
            "Building documentation...": "Сборка сайта…",
            "Detected file changes": "Файлы изменились — пересборка…",
            "Shutting down...": "Просмотр остановлен.",
            "Reloading browsers": "Страница в браузере обновится.",
        }
        if message in table:
            record.msg, record.args = table[message], ()
        watching = re.match(r"Watching paths for changes: (.+)", message)
        if watching:
            record.msg, record.args = f"Слежу за изменениями в: {watching.group(1)}", ()
        serving = re.match(r"Serving on (\S+)", message)
        if serving:
            record.msg, record.args = f"Просмотр сайта: откройте {serving.group(1)} (остановить — Ctrl+C)", ()
        return True


_FILTER = RussianBuildLog()


def install_log_filter() -> RussianBuildLog:
    for name in ("mkdocs.commands.build", "mkdocs.commands.serve", "mkdocs.livereload"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return _FILTER


def error_page_markdown(errors: list[DataError], data_dir: Path) -> str:
    """The page `mkdocs serve` shows while the data has errors."""
    rows = "\n".join(f"<li><code>{html.escape(str(e))}</code></li>" for e in errors)
    return f"""---
title: Ошибки в данных
---

# Сайт не собран: ошибки в данных

<p>Найдено ошибок: {len(errors)}. Исправьте их в файлах папки <code>{html.escape(str(data_dir))}</code> и сохраните —
страница обновится сама, и сайт появится снова. Формат: <code>файл:строка: поле: что не так — как исправить</code>.</p>

<ul class="hs-errors">
{rows}
</ul>

<p>Те же строки — в окне, где запущен <code>mkdocs serve</code>. Проверить данные без сборки: <code>python scripts/check.py</code>.</p>
"""


FALLBACK_EXTRA = {  # the frame of the error page (overrides/main.html) needs these without data
    "quick_exit_url": "https://ya.ru/",
    "draft": False,
    "helpline": {"name": "Детский телефон доверия", "terms": "бесплатно, анонимно, круглосуточно",
                 "phones": [{"tel": "+78002000122", "display": "8-800-2000-122", "note": ""},
                            {"tel": "124", "display": "124", "note": "с мобильного"}]},
}
