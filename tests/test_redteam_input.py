"""Red-team corpus of hostile and broken data: every case fails the build with a Russian
`file:line: field: what — how to fix`, leaves the published site byte for byte as the last good
build made it, and (where the message gives advice) the advice followed literally fixes the file.

One good site is built first (real `mkdocs build --strict` of a copy of the project). Each case
breaks a copy of `data/`, then runs the same build in this process (MkDocs' own `build()` with our
hooks: what the command runs, without its start-up cost), `scripts/check.py` (exit code 1), and
compares a hash of the whole `site/` tree. Some cases also run the real command in a subprocess
(`mkdocs build --strict`, exit code 1). The worst inputs are measured for time and memory in a
fresh process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import NOW, ROOT, copy_project, mkdocs_build

SERVICE = "data/services/igroterapiya.yml"
HELPLINES = "data/helplines.yml"
EVENT = "data/events/akciya-detskiy-telefon-doveriya.yml"


# ---------------------------------------------------------------- helpers


def tree_hash(site: Path) -> str:
    """Every file's path and bytes under `site` (symlinks followed: a published site may be one)."""
    digest = hashlib.sha256()
    root = Path(os.path.realpath(site))
    for folder, dirs, files in sorted(os.walk(root, followlinks=True)):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def advice(message: str, after: str) -> str:
    """The literal text the message tells the editor to write (after `after`, up to «;» or the end)."""
    found = re.search(re.escape(after) + r"\s*(.+?)(?:; если|$)", message)
    assert found, f"no advice «{after}» in {message}"
    return found.group(1)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def build_in_process(project: Path) -> tuple[bool, list[str]]:
    """MkDocs' build with our hooks, as `mkdocs build --strict` runs it: (built?, log lines)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True)
        try:
            build(config)
        except Abort as exc:
            return False, handler.lines + [str(exc)]
        return True, handler.lines
    finally:
        logger.removeHandler(handler)


def check_script(data: Path) -> tuple[int, str]:
    """scripts/check.py as the editor runs it (its `main`, in this process): exit code and what it printed."""
    import contextlib
    import runpy

    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["check.py", str(data)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = runpy.run_path(str(ROOT / "scripts" / "check.py"))["main"]()
    finally:
        sys.argv = argv
    return code, out.getvalue()


def load_errors(data: Path) -> list[str]:
    with pytest.raises(DataErrors) as info:
        load(data)
    return [str(e) for e in info.value.errors]


# ---------------------------------------------------------------- the corpus


@dataclass
class Case:
    name: str
    apply: Callable[[Path], None]  # breaks the project (its root given)
    expect: Callable[[Path], str]  # the start of the error line: «file:line: field: message» (project root given)
    contains: tuple[str, ...] = ()  # more text the same error line must have (the advice)
    fix: Callable[[Path, str], None] | None = None  # follows the advice (the error line given) literally
    subprocess: bool = False  # also run the real `mkdocs build --strict` in a subprocess
    others: bool = False  # other errors may be reported besides this one


def _write(rel: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / rel
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    return apply


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda project: replace(project / rel, old, new)


def _at(rel: str, needle: str, rest: str) -> Callable[[Path], str]:
    return lambda project: f"{rel}:{line_of(project / rel, needle)}: {rest}"


def _replace_line(rel: str, needle: str, after: str) -> Callable[[Path, str], None]:
    """Fix: the line with `needle` becomes the text the message says to write (same indentation)."""
    def fix(project: Path, message: str) -> None:
        path = project / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        number = line_of(path, needle) - 1
        indent = re.match(r"^\s*(?:-\s+)?", lines[number]).group(0)
        lines[number] = indent + advice(message, after)
        path.write_text("\n".join(lines), encoding="utf-8")
    return fix


def _laughs(levels: int = 9) -> str:
    text = 'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels + 1):
        text += f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def _symlink_outside(project: Path) -> None:
    outside = project.parent / "outside.yml"  # a valid record outside the project: must not be published
    outside.write_text((project / SERVICE).read_text(encoding="utf-8").replace("id: igroterapiya", "id: chuzhoy"),
                       encoding="utf-8")
    (project / "data/services/chuzhoy.yml").symlink_to(outside)


def _rename_copy(project: Path, message: str) -> None:
    new = advice(message, "переименуйте файл в").split(" и напишите id: ")
    path = project / "data/services/новая служба.yml"
    replace(path, "id: igroterapiya", f"id: {new[1]}")
    path.rename(path.with_name(new[0]))


def _extension_fix(project: Path, message: str) -> None:
    found = re.search(r'number: "([^"]+)" и строкой ниже extension: "(\d+)"', message)
    assert found, message
    replace(project / SERVICE, "  - number: 8 (3435) 00-00-08 доб. 5\n",
            f'  - number: "{found[1]}"\n    extension: "{found[2]}"\n')


def _dedent_fix(project: Path, message: str) -> None:
    found = re.search(r"такой же отступ, как у строки (\d+)", message)
    assert found, message
    path = project / SERVICE
    lines = path.read_text(encoding="utf-8").split("\n")
    indent = len(lines[int(found[1]) - 1]) - len(lines[int(found[1]) - 1].lstrip(" "))
    number = next(i for i, line in enumerate(lines) if line.strip() == "free: true")
    lines[number] = " " * indent + "free: true"
    path.write_text("\n".join(lines), encoding="utf-8")


CASES = [
    # ---- bounded input
    Case("billion-laughs", _write(SERVICE, _laughs()), lambda p: f"{SERVICE}:",
         ("слишком много значений (больше 20000)", "напишите значения явно, без & и *"), subprocess=True, others=True),
    Case("nesting-flow-deep", _write(SERVICE, "id: igroterapiya\nname: " + "[" * 200_000 + "]" * 200_000 + "\n"),
         lambda p: f"{SERVICE}:2: слишком глубокая вложенность (больше 32 уровней)", ("уберите лишние уровни",)),
    Case("nesting-recursive-alias", _write(SERVICE, "id: igroterapiya\nname: &x [1, *x]\n"),
         lambda p: f"{SERVICE}:2: name: слишком глубокая вложенность", ("ссылка «*имя» внутри своего же якоря",)),
    Case("file-50mb", _write(SERVICE, "id: igroterapiya\nname: " + "А" * 25_000_000 + "\n"),
         lambda p: f"{SERVICE}: файл слишком большой: 50.0 МБ (предел — 1 МБ)", ("дайте на него ссылку",)),
    Case("text-too-long", _replace(SERVICE, "district: Ленинский район", "district: " + "район " * 5000),
         _at(SERVICE, "district:", "district: слишком длинное значение: 29 999 символов (предел — 20 000)"),
         ("сократите текст",)),
    Case("values-without-aliases", _replace(SERVICE, "required_documents:\n", "required_documents: ["
                                            + ", ".join(["паспорт"] * 25_000) + "]\nx:\n"),
         lambda p: f"{SERVICE}:39: слишком много значений (больше 20000)", ("разделите данные на несколько файлов",)),
    Case("symlink-outside-project", _symlink_outside, lambda p: "data/services/chuzhoy.yml: файл — ссылка на ",
         ("вне проекта", "скопируйте нужный файл на место ссылки «chuzhoy.yml»")),
    Case("symlink-dev-zero", lambda p: (p / "data/services/zero.yml").symlink_to("/dev/zero"),
         lambda p: "data/services/zero.yml: файл — ссылка на «/dev/zero» вне проекта", ()),
    Case("symlink-campaign-outside", lambda p: ((p / "data/campaign.yml").unlink(), (p / "data/campaign.yml").symlink_to("/etc/hostname")),
         lambda p: "data/campaign.yml: файл — ссылка на «/etc/hostname» вне проекта", ()),
    Case("fifo", lambda p: os.mkfifo(p / "data/services/pipe.yml"),
         lambda p: "data/services/pipe.yml: это не обычный файл, а канал (FIFO)", ("удалите «pipe.yml»",), subprocess=True),
    Case("symlink-inside-to-fifo", lambda p: (os.mkfifo(p / "data/pipe"), (p / "data/events/pipe.yml").symlink_to(p / "data/pipe")),
         lambda p: "data/events/pipe.yml: это не обычный файл, а канал (FIFO)", (), others=True),
    Case("dangling-symlink", lambda p: (p / "data/news/gone.yml").symlink_to(p / "data/news/nothing-here.yml"),
         lambda p: "data/news/gone.yml: файл не найден", ()),
    # ---- YAML syntax, in Russian, with the fix
    Case("yaml-colon-in-text", _replace(SERVICE, "name: Игротерапевтический кабинет (пример)",
                                        "name: Игротерапия: кабинет (пример)"),
         _at(SERVICE, "name: Игротерапия", "name: ошибка синтаксиса YAML, столбец 18: второе двоеточие"),
         ('возьмите значение в кавычки: name: "Игротерапия: кабинет (пример)"',),
         fix=_replace_line(SERVICE, "name: Игротерапия", "возьмите значение в кавычки:")),
    Case("yaml-unclosed-quote", _replace(SERVICE, "district: Ленинский район", 'district: "Ленинский район'),
         _at(SERVICE, "district:", "district: ошибка синтаксиса YAML: кавычка «\"», открытая в строке"),
         ("поставьте «\"» в конце значения в строке",),
         fix=lambda p, m: replace(p / SERVICE, 'district: "Ленинский район', 'district: "Ленинский район"')),
    Case("yaml-tab-indent", _replace(SERVICE, "  city: Нижний Тагил", "\tcity: Нижний Тагил"),
         _at(SERVICE, "\tcity", "city: ошибка синтаксиса YAML, столбец 1: символ табуляции в начале строки"),
         ("замените табуляцию в строке",),
         fix=lambda p, m: replace(p / SERVICE, "\tcity", "  city")),
    Case("yaml-unclosed-bracket", _replace(SERVICE, "    - byday: [sa]", "    - byday: [sa"),
         _at(SERVICE, "byday: [sa", "byday: ошибка синтаксиса YAML: скобка «[», открытая в строке"),
         ("поставьте «]» в конце строки",), fix=lambda p, m: replace(p / SERVICE, "byday: [sa", "byday: [sa]")),
    Case("yaml-at-sign", _replace(SERVICE, "district: Ленинский район", "district: @Ленинский"),
         _at(SERVICE, "district: @", "district: ошибка синтаксиса YAML, столбец 11: значение не может начинаться с «@»"),
         ('возьмите значение в кавычки: district: "@Ленинский"',),
         fix=_replace_line(SERVICE, "district: @", "возьмите значение в кавычки:")),
    Case("yaml-wrong-indent-value", _replace(SERVICE, "district: Ленинский район", "district: Ленинский\n  район: центр"),
         _at(SERVICE, "район: центр", "район: ошибка синтаксиса YAML, столбец 8: строка 20 сдвинута вправо дальше, чем строка 19"),
         ("сделайте у строки 20 такой же отступ, как у строки 19", "возьмите весь текст в кавычки")),
    Case("yaml-two-documents", _replace(SERVICE, "free: true", "---\nfree: true"),
         _at(SERVICE, "---", "ошибка синтаксиса YAML, столбец 1: в файле больше одного документа"), ("уберите строку «---»",),
         fix=lambda p, m: replace(p / SERVICE, "---\n", "")),
    Case("yaml-python-tag", _replace(SERVICE, "district: Ленинский район", "district: !!python/object/apply:os.system [id]"),
         _at(SERVICE, "district:", "district: тег «!!python/object/apply:os.system» не поддерживается"), (), others=True),
    Case("yaml-control-char", _replace(SERVICE, "district: Ленинский район", "district: Ленинский\x07район"),
         _at(SERVICE, "district:", "недопустимый управляющий символ U+0007 в тексте"), ("наберите его заново",)),
    Case("yaml-huge-integer", _replace(SERVICE, "minimum_age: 3", "minimum_age: " + "9" * 5000),
         _at(SERVICE, "minimum_age:", "minimum_age: число слишком длинное или записано неверно"), ("например 12",), others=True),
    # ---- encodings and file names
    Case("cp1251", lambda p: (p / SERVICE).write_bytes((p / SERVICE).read_text(encoding="utf-8").encode("cp1251")),
         lambda p: f"{SERVICE}:2: файл не в кодировке UTF-8 (похоже на Windows-1251: «# Пример записи",
         ("Кодировка: UTF-8",), fix=lambda p, m: (p / SERVICE).write_text((p / SERVICE).read_bytes().decode("cp1251"), encoding="utf-8")),
    Case("utf16", lambda p: (p / SERVICE).write_bytes((p / SERVICE).read_text(encoding="utf-8").encode("utf-16")),
         lambda p: f"{SERVICE}:1: файл в кодировке UTF-16 («Юникод»), нужна UTF-8", ("Сохранить с кодировкой",),
         fix=lambda p, m: (p / SERVICE).write_text((p / SERVICE).read_bytes().decode("utf-16"), encoding="utf-8")),
    Case("notepad-yml-txt", lambda p: (p / SERVICE).rename(p / (SERVICE + ".txt")),
         lambda p: f"{SERVICE}.txt: к имени файла добавилось «.txt»", ("переименуйте файл в «igroterapiya.yml»",),
         fix=lambda p, m: (p / (SERVICE + ".txt")).rename(p / "data/services" / advice(m, "переименуйте файл в").split("»")[0].strip("«"))),
    Case("uppercase-extension", lambda p: (p / SERVICE).rename(p / "data/services/igroterapiya.YML"),
         lambda p: "data/services/igroterapiya.YML: расширение файла написано большими буквами",
         ("переименуйте файл в «igroterapiya.yml»",),
         fix=lambda p, m: (p / "data/services/igroterapiya.YML").rename(p / "data/services" / advice(m, "переименуйте файл в").strip("«»"))),
    Case("file-name-russian-copy", lambda p: shutil.copy(p / SERVICE, p / "data/services/новая служба.yml"),
         lambda p: "data/services/новая служба.yml:3: id: id не совпадает с именем файла (значение: «igroterapiya»)",
         ("переименуйте файл в novaya-sluzhba.yml и напишите id: novaya-sluzhba",), fix=_rename_copy),
    Case("file-name-russian-own-id", lambda p: (p / SERVICE).rename(p / "data/services/Игротерапия.yml"),
         lambda p: "data/services/Игротерапия.yml:3: id: id не совпадает с именем файла",
         ("переименуйте файл в igroterapiya.yml",),
         fix=lambda p, m: (p / "data/services/Игротерапия.yml").rename(p / SERVICE)),
    Case("duplicate-blames-copy", lambda p: shutil.copy(p / SERVICE, p / "data/services/aaa-kopiya.yml"),
         lambda p: "data/services/aaa-kopiya.yml:3: id: id не совпадает с именем файла (значение: «igroterapiya»)",
         (f"запись с id «igroterapiya» уже есть: {SERVICE}", "напишите id: aaa-kopiya"),
         fix=lambda p, m: replace(p / "data/services/aaa-kopiya.yml", "id: igroterapiya", "id: " + advice(m, "напишите id:"))),
    # ---- values
    Case("date-impossible-unquoted", _replace(SERVICE, "assured_date: 2026-11-20", "assured_date: 2017-02-30"),
         _at(SERVICE, "assured_date:", "assured_date: такой даты нет в календаре: в феврале 2017 года 28 дней"),
         ("исправьте число: например 2017-02-28",),
         fix=lambda p, m: replace(p / SERVICE, "2017-02-30", advice(m, "исправьте число: например").split(" ")[0]),),
    Case("date-month-13", _replace(SERVICE, "assured_date: 2026-11-20", "assured_date: 2026-13-01"),
         _at(SERVICE, "assured_date:", "assured_date: месяца 13 не бывает"), ("месяц (01–12)",)),
    Case("date-future-check", _replace(HELPLINES, "assured_date: 2026-11-20", "assured_date: 2999-12-31"),
         _at(HELPLINES, "2999-12-31", "[0].assured_date: дата проверки в будущем (значение: «2999-12-31»)"), ("сегодня или раньше",),
         fix=lambda p, m: replace(p / HELPLINES, "2999-12-31", "2026-11-20")),
    Case("hash-in-text", _replace(SERVICE, "name: Игротерапевтический кабинет (пример)", "name: Служба школы #5"),
         _at(SERVICE, "name: Служба", "name: знак «#» после пробела начинает комментарий: прочитано только «Служба школы», "
                                      "а «#5» отброшено"),
         ('возьмите значение в кавычки: name: "Служба школы #5"',),
         fix=_replace_line(SERVICE, "name: Служба", "возьмите значение в кавычки:"), subprocess=True),
    Case("hash-in-list-item", _replace(SERVICE, "  - свидетельство о рождении ребёнка", "  - справка #2"),
         _at(SERVICE, "справка #2", "required_documents[1]: знак «#» после пробела"),
         ('возьмите значение в кавычки: - "справка #2"',),
         fix=lambda p, m: replace(p / SERVICE, "- справка #2", advice(m, "возьмите значение в кавычки:"))),
    Case("bidi-override", _replace(SERVICE, "name: Игротерапевтический", "name: Игро\u202eтерапевтический"),
         _at(SERVICE, "name: Игро", "name: невидимый символ управления направлением текста U+202E (RIGHT-TO-LEFT OVERRIDE) "
                                    "на 5-й позиции значения"), ("наберите его заново",),
         fix=lambda p, m: replace(p / SERVICE, "\u202e", "")),
    Case("bidi-isolate-in-key-file", _replace(HELPLINES, "audience: дети, подростки", "audience: дети\u2067, подростки"),
         _at(HELPLINES, "audience: дети", "[0].audience: невидимый символ управления направлением текста U+2067"), ()),
    Case("url-mixed-script", _replace(HELPLINES, "url: https://telefon-doveria.ru/", "url: https://telefon-dоveria.ru/"),
         _at(HELPLINES, "url: https://telefon-d", "[0].url: в имени сайта смешаны латинские и русские буквы: в «telefon-dоveria» "
                                                  "русские буквы «о» среди латинских"), ("наберите имя сайта заново",)),
    Case("url-quote-breakout", _replace(HELPLINES, "url: https://telefon-doveria.ru/", "url: 'https://telefon-doveria.ru/\"><script>alert(1)</script>'"),
         _at(HELPLINES, "url: 'https", "[0].url: в адресе недопустимые символы: «\"», «<», «>»"), ()),
    Case("site-url-attribute-breakout", _replace("data/campaign.yml", "site_url: https://vmeste-zashchitim.example.org/",
                                                 "site_url: 'https://x.org/\"><meta http-equiv=refresh content=0;url=https://evil.example>'"),
         _at("data/campaign.yml", "site_url:", "site_url: в адресе недопустимые символы: пробел, «\"», «<», «>»"),
         ("скопируйте адрес из адресной строки браузера заново",)),
    Case("email-markup", _replace(SERVICE, "district: Ленинский район", "district: Ленинский район\nemail: '\"><img src=x>@x.ru'"),
         _at(SERVICE, "email:", "email: это не адрес электронной почты"), ("пример: info@example.ru",)),
    Case("crlf-hash-in-text", lambda p: (p / SERVICE).write_bytes((p / SERVICE).read_bytes().replace(
        "name: Игротерапевтический кабинет (пример)".encode(), "name: Кабинет #2".encode()).replace(b"\n", b"\r\n")),
         _at(SERVICE, "name: Кабинет", "name: знак «#» после пробела начинает комментарий: прочитано только «Кабинет»"),
         ('name: "Кабинет #2"',)),
    Case("url-javascript", _replace(HELPLINES, "url: https://telefon-doveria.ru/", "url: javascript:alert(1)"),
         _at(HELPLINES, "url: javascript", "[0].url: это не адрес сайта"), ("начиная с https://",)),
    Case("phone-digit-missing", _replace(SERVICE, "number: 8 (3435) 00-00-08", "number: 8 (3435) 00-00-0"),
         _at(SERVICE, "number: 8 (3435) 00-00-0", "phones[0].number: в номере, который начинается с «8», должно быть 11 цифр, "
                                                  "а здесь 10"), ("пропущена",), subprocess=True),
    Case("phone-plus7-extra-digit", _replace(SERVICE, "number: 8 (3435) 00-00-08", "number: +7 3435 00-00-081"),
         _at(SERVICE, "number: +7", "phones[0].number: в номере, который начинается с «+7», должно быть 11 цифр, а здесь 12"), ()),
    Case("phone-extension-inside", _replace(SERVICE, "number: 8 (3435) 00-00-08", "number: 8 (3435) 00-00-08 доб. 5"),
         _at(SERVICE, "доб. 5", "phones[0].number: добавочный номер записан вместе с номером"),
         ('number: "8 (3435) 00-00-08" и строкой ниже extension: "5"',), fix=_extension_fix),
    Case("phone-letters", _replace(SERVICE, "number: 8 (3435) 00-00-08", "number: 8 (3435) 00-00-08 (звонить вечером)"),
         _at(SERVICE, "звонить", "phones[0].number: в номере телефона лишние символы"), ("в поле description",)),
    # ---- structure
    Case("key-under-wrong-parent", _replace(SERVICE, "  description: по записи\nfree: true", "  description: по записи\n  free: true"),
         _at(SERVICE, "  free: true", "hours.free: поле «free» стоит внутри «hours», а должно быть на верхнем уровне записи: "
                                      "неверный отступ"), ("такой же отступ, как у строки 3 («id:»)",), fix=_dedent_fix),
    Case("optional-key-under-wrong-parent", _replace(SERVICE, "  description: по записи\nfree: true\nanonymous: false\nreferral_required: false",
                                                     "  description: по записи\n  referral_required: false\nfree: true\nanonymous: false"),
         _at(SERVICE, "  referral_required", "hours.referral_required: поле «referral_required» стоит внутри «hours», а должно "
                                             "быть на верхнем уровне записи"), ("такой же отступ, как у строки 3 («id:»)",),
         fix=lambda p, m: replace(p / SERVICE, "  referral_required: false", "referral_required: false")),
    Case("key-out-of-its-parent", _replace(SERVICE, "  city: Нижний Тагил", "city: Нижний Тагил"),
         _at(SERVICE, "city: Нижний", "city: поле «city» стоит на верхнем уровне, а должно быть внутри «location»"),
         ("такой же отступ, как у строки 21 («address_1:»)",),
         fix=lambda p, m: replace(p / SERVICE, "\ncity: Нижний Тагил", "\n  city: Нижний Тагил")),
    Case("end-before-start", _replace(EVENT, 'end: "2016-12-23 18:00"', 'end: "2016-11-13 18:00"'),
         _at(EVENT, "end: ", "end: окончание не позже начала (end: 2016-11-13 18:00; start: 2016-11-14 08:00 в строке 7)"),
         ("проверьте end и start",), fix=lambda p, m: replace(p / EVENT, "2016-11-13 18:00", "2016-12-23 18:00")),
    Case("merge-key", _replace(SERVICE, "free: true", "<<: {free: true}"),
         _at(SERVICE, "<<:", "ключи слияния «<<» не поддерживаются"), (), others=True),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, str, Path]:
    """A project copy with a good site built by the real command; (project, hash of site/, pristine data)."""
    project = copy_project(tmp_path_factory.mktemp("redteam") / "project")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout
    pristine = project.parent / "pristine-data"
    shutil.copytree(project / "data", pristine, symlinks=True)
    return project, tree_hash(project / "site"), pristine


def _restore(project: Path, pristine: Path) -> None:
    shutil.rmtree(project / "data")
    shutil.copytree(pristine, project / "data", symlinks=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(good, case: Case):
    project, site_hash, pristine = good
    _restore(project, pristine)
    case.apply(project)
    expected = case.expect(project)

    built, log = build_in_process(project)
    assert not built, f"{case.name}: the build passed"
    errors = [line for line in log if re.match(r"^data/", line)]
    matching = [e for e in errors if e.startswith(expected) and all(text in e for text in case.contains)]
    assert matching, f"{case.name}: expected «{expected}» … {case.contains} in:\n" + "\n".join(log)
    if not case.others:
        assert len(errors) == 1, errors
    assert "Traceback" not in "\n".join(log)
    assert tree_hash(project / "site") == site_hash, f"{case.name}: site/ changed after a failed build"
    assert not (project / "site.staging").exists() or not any((project / "site.staging").iterdir())

    code, output = check_script(project / "data")
    assert code == 1 and expected in output and "Traceback" not in output, output

    if case.subprocess:  # the command an editor runs
        result = mkdocs_build(project, project / "site")
        assert result.returncode == 1 and expected in result.stdout and "Traceback" not in result.stdout, result.stdout
        assert tree_hash(project / "site") == site_hash

    if case.fix is not None:  # the advice, followed literally, fixes the file
        case.fix(project, matching[0])
        load(project / "data")


def test_fixed_text_is_published_whole(good, tmp_path):
    """After the advice for «#» (quotes), the page shows the whole name; the phone link dials what it shows."""
    project = copy_project(tmp_path / "project")
    replace(project / SERVICE, "name: Игротерапевтический кабинет (пример)", 'name: "Служба школы #5"')
    replace(project / SERVICE, "  - number: 8 (3435) 00-00-08\n", '  - number: "8 (3435) 00-00-08"\n    extension: "5"\n')
    replace(project / SERVICE, "example: true\n", "")  # an example's invented number is never a link: this one is real
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout
    page = (project / "site/services/igroterapiya/index.html").read_text(encoding="utf-8")
    assert "Служба школы #5" in page
    for tel, shown in re.findall(r'href="tel:([^"]+)"[^>]*>([^<]+)<', page):
        digits = re.sub(r"\D", "", shown)
        if len(digits) == 11 and digits.startswith("8"):
            digits = "7" + digits[1:]
        assert re.sub(r"\D", "", tel) == digits, (tel, shown)
    assert 'href="tel:+73435000008">8 (3435) 00-00-08</a>, доб. 5' in page


# ---------------------------------------------------------------- time and memory of the worst inputs

WORST = {
    "billion-laughs-9": lambda d: (d / "services/igroterapiya.yml").write_text(_laughs(9), encoding="utf-8"),
    "nesting-500k": lambda d: (d / "services/igroterapiya.yml").write_text("a: " + "[" * 499_000 + "]" * 499_000 + "\n"),
    "nesting-dashes-400k": lambda d: (d / "services/igroterapiya.yml").write_text("a:\n" + "- " * 400_000 + "x\n"),
    "nesting-indent-1400": lambda d: (d / "services/igroterapiya.yml").write_text(
        "".join(" " * i + f"k{i}:   \n" for i in range(1400)) + " " * 1400 + "k: x\n"),
    "file-50mb": lambda d: (d / "services/igroterapiya.yml").write_text("name: " + "x" * 50_000_000 + "\n"),
    "text-990kb": lambda d: (d / "services/igroterapiya.yml").write_text("name: " + "x" * 990_000 + "\n"),
    "values-100k": lambda d: (d / "services/igroterapiya.yml").write_text("a: [" + ",".join(["1"] * 100_000) + "]\n"),
    "dev-zero-symlink": lambda d: (d / "services/zero.yml").symlink_to("/dev/zero"),
    "fifo": lambda d: os.mkfifo(d / "services/pipe.yml"),
}

_MEASURE = """
import sys, time
from helpsite.data.errors import DataErrors
from helpsite.data.load import load
start = time.perf_counter()
try:
    load(sys.argv[1])
    print("VALID")
except DataErrors as exc:
    print(exc.report()[:2000])
print("SECONDS", time.perf_counter() - start)
# VmHWM: this process's peak (ru_maxrss would carry the parent's peak over exec)
print("MAXRSS_MB", int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024)
"""


@pytest.mark.parametrize("name", list(WORST))
def test_worst_inputs_are_cheap(name, tmp_path):
    """Each limit is hit in under 2 s and under 200 MB (a fresh process: its peak memory is its own)."""
    data = tmp_path / "project" / "data"
    shutil.copytree(ROOT / "data", data)
    WORST[name](data)
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(data)], check=False, capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
    seconds = float(re.search(r"SECONDS (\S+)", result.stdout)[1])
    memory = float(re.search(r"MAXRSS_MB (\S+)", result.stdout)[1])
    print(f"{name}: {seconds:.3f} s, {memory:.0f} MB")
    assert "VALID" not in result.stdout and "Traceback" not in result.stdout, result.stdout
    assert "data/services/" in result.stdout
    assert seconds < 2 and memory < 200, (name, seconds, memory, result.stdout)


# ---------------------------------------------------------------- CSV cells


def test_every_published_csv_cell_is_safe(tmp_path):
    """Cells that a spreadsheet would run (=, +, -, @, tab, CR) get a leading «'» in every CSV of the
    site (the HSDS zip) and in the spreadsheet export; numbers and phone numbers stay as they are."""
    from helpsite.publish.build import build_content
    from helpsite.outputs.opendata.csvcell import safe_cell
    from helpsite.outputs.opendata.spreadsheet import export_csv

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "services/igroterapiya.yml"
    replace(path, "name: Игротерапевтический кабинет (пример)", "name: '=HYPERLINK(\"http://evil.example\";\"жми\")'")
    replace(path, "district: Ленинский район", "district: \"-2+3+cmd|' /C calc'!A0\"")
    text = re.sub(r"(?m)^application_process: .*$", "application_process: \"@SUM(1+1)*cmd|' /C calc'!A0\"",
                  path.read_text(encoding="utf-8"))
    path.write_text(text + 'alternate_name: "\\t=1+1"\n', encoding="utf-8")
    content = build_content(data, now=NOW)
    csvs = {name: body for name, body in content.files.items() if name.endswith(".csv")}
    archive = zipfile.ZipFile(io.BytesIO(next(body for name, body in content.files.items() if name.endswith(".zip"))))
    csvs.update({"zip:" + name: archive.read(name) for name in archive.namelist() if name.endswith(".csv")})
    csvs["spreadsheet"] = export_csv(load(data))
    assert len(csvs) > 10
    seen = set()
    for name, body in csvs.items():
        text = body.decode("utf-8-sig")
        delimiter = ";" if name == "spreadsheet" else ","
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert re.fullmatch(r"[+-]?[\d(][\d\s().-]*", cell), f"{name}: formula-like cell {cell!r}"
                seen.update(x for x in ("=HYPERLINK", "-2+3", "@SUM", "=1+1") if cell.startswith("'" + x))
    assert seen == {"=HYPERLINK", "-2+3", "@SUM", "=1+1"}, seen  # the tab before «=1+1» is stripped by the model
    phones = csvs["zip:phones.csv"].decode()
    assert "+7 343 500-00-08" in phones and "'+7" not in phones  # a phone number is not a formula
    assert safe_cell("\t=1") == "'\t=1" and safe_cell("\r=1") == "'\r=1" and safe_cell("-") == "'-"
    assert safe_cell("-57.9") == "-57.9" and safe_cell("=1+1") == "'=1+1" and safe_cell("+7 (800) 2000-122") == "+7 (800) 2000-122"
    assert json.loads(archive.read("services.json"))  # JSON keeps the value as written
