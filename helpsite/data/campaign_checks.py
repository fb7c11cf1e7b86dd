"""Draft or live: what a live campaign must not publish (`campaign.status: live`).

A draft (the default) is a demonstration site: example records and a placeholder address are
fine, and every page says «Демонстрационный сайт». A live build refuses:

- a placeholder `site_url` (example.org/.com/.net, *.example, .test, .invalid, .localhost,
  localhost, 127.0.0.1) — every QR code of the leaflet, posters and checklists would lead there;
- records marked `example: true` (invented contacts and details);
- invented phone numbers (00-00-05, 12-34-56, 123-45-67, one digit repeated);
- links to placeholder hosts in records (materials, registration, sites);
- the new-campaign template's placeholder street («ул. Примерная») and pages that still carry
  its «Заполните эту страницу» box (`unfinished_pages`).

`live_problems(data)` lists them as `DataError`s (file, line, field, why, how to fix); the build
hook, the print command and the social cards can share it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from pydantic import BaseModel

from helpsite.data import model as m
from helpsite.data.errors import DataError

PLACEHOLDER_HOSTS = re.compile(
    r"(^|\.)(example\.(org|com|net|ru)|example|test|invalid|localhost|local)$|^(127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$")


def placeholder_host(url: str) -> str | None:
    """The host of `url` if it is a placeholder that can never be a real public site, else None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return None
    return host if PLACEHOLDER_HOSTS.search(host) or host == "localhost" else None


def invented_number(number: str) -> str | None:
    """Why `number` looks invented (a template's filler), or None. Short numbers (112, 124) pass."""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 10:
        return None
    local = digits[-7:]
    if re.fullmatch(r"0{4,}\d*|\d*0{5,}\d?", local):
        return "номер из нулей — так пишут заготовку"
    if len(set(local[-6:])) == 1:
        return "одна цифра повторяется — так пишут заготовку"
    if local in ("1234567", "7654321") or local.endswith("123456") or local.endswith("234567"):
        return "цифры по порядку — так пишут заготовку"
    return None


def _walk(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, BaseModel):
        yield loc, value
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), loc + (name,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, loc + (i,))
    elif isinstance(value, str):
        yield loc, value


def _tables(data: Any) -> Iterator[tuple[str, str, Any]]:
    for kind, table in (("organization", data.organizations), ("helpline", data.helplines), ("category", data.categories),
                        ("series", data.series), ("service", data.services), ("event", data.events),
                        ("algorithm", data.algorithms), ("news", data.news), ("results", data.results),
                        ("programme", getattr(data, "programmes", {}))):
        for ident, record in table.items():
            yield kind, ident, record


PLACEHOLDER_STREET = re.compile(r"\bПримерн", re.I)  # «ул. Примерная, 1» in the new-campaign template
TEMPLATE_NOTE = '!!! note "Заполните эту страницу"'  # the box new_campaign puts on pages an editor must write


def unfinished_pages(docs_dir: Path, campaign: Any) -> list[DataError]:
    """A live campaign publishes no page that still asks to be filled in (new_campaign's template box)."""
    if campaign.is_draft or not docs_dir.is_dir():
        return []
    out = []
    for page in sorted(docs_dir.rglob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip().startswith(TEMPLATE_NOTE):
                out.append(DataError(file=f"{docs_dir.name}/{page.relative_to(docs_dir).as_posix()}", line=number,
                                     field="текст страницы",
                                     message="страница — ещё заготовка («Заполните эту страницу») у сайта со статусом live",
                                     hint="напишите текст страницы и удалите блок «Заполните эту страницу» — или верните "
                                          "status: draft"))
                break
    return out


def live_problems(data: Any) -> list[DataError]:
    """Everything that stops a live build; [] for a draft campaign."""
    campaign: m.Campaign = data.campaign
    if campaign.is_draft:
        return []
    out: list[DataError] = []

    def error(kind: str, ident: str, loc: tuple, message: str, hint: str, value: Any = None) -> DataError:
        origin = data.origins.get((kind, ident))
        if origin is None:
            return DataError(file=f"data/{ident}", line=None, field=".".join(map(str, loc)), message=message, hint=hint,
                             value=None if value is None else str(value))
        return origin.error(loc, message, hint, value)

    host = placeholder_host(campaign.site_url)
    if host:
        out.append(error("file", "campaign.yml", ("site_url",), f"адрес-заглушка ({host}) у сайта со статусом live",
                         "впишите настоящий адрес сайта — на него ведут QR-коды листовки, афиш и памяток, карта сайта и "
                         "календари; или верните status: draft", campaign.site_url))
    records = [("file", "campaign.yml", campaign), *_tables(data)]
    for kind, ident, record in records:
        if getattr(record, "example", False):
            out.append(error(kind, ident, ("example",), "запись-пример (вымышленные сведения) у сайта со статусом live",
                             "замените сведения настоящими и удалите строку «example: true» — или удалите запись"))
        for loc, value in _walk(record):
            if isinstance(value, m.Phone):
                why = invented_number(value.number)
                if why:
                    out.append(error(kind, ident, loc + ("number",), f"похоже на придуманный номер: {why}",
                                     "впишите настоящий номер (проверьте его звонком) или уберите телефон", value.number))
            elif isinstance(value, str) and loc and loc[-1] == "address_1" and PLACEHOLDER_STREET.search(value):
                out.append(error(kind, ident, loc, "адрес-заглушка из шаблона нового сайта",
                                 "впишите настоящий адрес или уберите поле address_1", value))
            elif isinstance(value, str) and loc and loc[-1] in ("url", "online_url", "website") and value.startswith("http"):
                bad = placeholder_host(value)
                if bad:
                    out.append(error(kind, ident, loc, f"ссылка на адрес-заглушку ({bad})",
                                     "впишите настоящую ссылку или уберите её", value))
    return out
