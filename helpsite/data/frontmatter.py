"""Front matter of the hand-written pages (docs/*.md): valid YAML, a mapping, or the build stops.

MkDocs reads a page's front matter with YAML and, when the YAML is broken, silently shows it as
text: the page gets a raw «description: …» heading and the strict build passes. Here a broken
front matter is an error that names the file and the line, in Russian, with the fix.
"""

from __future__ import annotations

import re

import yaml

from helpsite.data.errors import DataError

# the same block MkDocs takes as front matter (mkdocs.utils.meta.YAML_RE)
_BLOCK = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_OPEN_ONLY = re.compile(r"^-{3}[ \t]*\n")

HINT = ("заключите значение в кавычки, если в нём есть «: », « #» или оно начинается с «-», «[», «{», «*», «&», «!», "
        "«|», «>», «%», «@», «`»: description: \"Как читать сайт: кнопка быстрого выхода\"")


QUOTE = "заключите значение в кавычки: description: \"Как читать сайт: кнопка быстрого выхода\""
_PROBLEMS = {  # PyYAML's words → what the editor sees, and the fix
    "mapping values are not allowed here": ("двоеточие с пробелом внутри значения", QUOTE),
    "found character '\\t' that cannot start any token": ("табуляция вместо пробелов",
                                                          "замените табуляцию пробелами"),
    "could not find expected ':'": ("после имени поля нет двоеточия", "пишите «имя: значение», по полю в строке"),
    "found undefined alias": ("значение начинается с «*»", QUOTE),
    "found unexpected end of stream": ("кавычка открыта и не закрыта", "закройте кавычку в конце значения"),
}


def _problem(exc: yaml.MarkedYAMLError) -> tuple[str, str, yaml.Mark | None]:
    text = exc.problem or exc.context or ""
    for english, (russian, hint) in _PROBLEMS.items():
        if text.startswith(english):
            unclosed = english.startswith("found unexpected end")
            return russian, hint, (exc.context_mark if unclosed and exc.context_mark else exc.problem_mark)
    return text, HINT, exc.problem_mark or exc.context_mark


def front_matter_errors(text: str, display: str) -> list[DataError]:
    """Problems in the front matter of one page; `display` is the name shown to the editor."""
    text = text.lstrip("\ufeff")
    match = _BLOCK.match(text)
    if match is None:
        lines = text.split("\n", 2)
        if _OPEN_ONLY.match(text) and len(lines) > 1 and re.match(r"[A-Za-z_][\w-]*\s*:", lines[1]):
            return [DataError(file=display, line=1, field="", message="блок front matter не закрыт",
                              hint="добавьте строку «---» после последнего поля front matter")]
        return []
    try:
        value = yaml.safe_load(match.group(1))
    except yaml.MarkedYAMLError as exc:
        problem, hint, mark = _problem(exc)
        line = mark.line + 2 if mark else 1  # +1: lines count from 1; +1: the opening «---»
        return [DataError(file=display, line=line, field="", message=f"front matter — не YAML: {problem}", hint=hint)]
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors (control characters)
        return [DataError(file=display, line=1, field="", message=f"front matter — не YAML: {exc}", hint=HINT)]
    if value is not None and not isinstance(value, dict):
        return [DataError(file=display, line=2, field="", message="front matter должен состоять из полей «имя: значение»",
                          hint="пишите по одному полю в строке: title: …, description: …")]
    return []

