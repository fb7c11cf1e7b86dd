"""The services directory's filter: which district values mean «everywhere», and the choices it offers.

A service's `district` is free text: a district of the city, or a phrase for the whole city,
region or the internet («весь город», «вся область», «онлайн»). Filtering by a district keeps the
services that serve everywhere: the 24-hour crisis service of the whole city must not disappear
when a reader picks her district.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from helpsite.data import model as m
from helpsite.pages import parts
from helpsite.pages.parts import escape_text as _escape
from helpsite.pages.russian import ages_ru, hours_texts

# written the way editors write them; compared after lower-casing, «ё» → «е» and squeezing spaces
EVERYWHERE = frozenset({
    "весь город", "по всему городу", "все районы", "весь округ", "весь городской округ",
    "вся область", "по всей области", "весь регион", "весь край", "вся республика", "вся россия",
    "онлайн", "дистанционно",
})

AGES = range(18)  # the age filter: a child's age in full years


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


_EVERYWHERE_NORM = frozenset(_norm(v) for v in EVERYWHERE)


@functools.lru_cache(maxsize=4096)  # a few dozen districts for thousands of services
def serves_everywhere(district: str) -> bool:
    """True for «весь город», «вся область», «онлайн»…: a service for every district."""
    return _norm(district) in _EVERYWHERE_NORM


def serves_age(service: m.Service, age: int) -> bool:
    return (service.minimum_age is None or service.minimum_age <= age) and \
        (service.maximum_age is None or age <= service.maximum_age)


def age_label(age: int) -> str:
    if age == 0:
        return "до 1 года"
    if age % 10 == 1 and age % 100 != 11:
        word = "год"
    elif age % 10 in (2, 3, 4) and age % 100 not in (12, 13, 14):
        word = "года"
    else:
        word = "лет"
    return f"{age} {word}"


@dataclass(frozen=True)
class Facets:
    districts: list[str]  # real districts (not «весь город»): the district filter's options
    audiences: list[str]  # audience values present in the data, «everyone» left out (it matches every choice)
    ages: list[tuple[int, str]]  # (age, label) when any service states an age range, else empty


def facets(services: Iterable[m.Service]) -> Facets:
    services = list(services)
    # the members first (a vocabulary's member hashes as its str), their values once each
    audiences = {a.value for a in {a for s in services for a in s.audience}} - {m.Audience.everyone.value}
    has_ages = any(s.minimum_age is not None or s.maximum_age is not None for s in services)
    return Facets(
        districts=sorted({s.district for s in services if not serves_everywhere(s.district)}),
        audiences=[a.value for a in m.Audience if a.value in audiences],
        ages=[(age, age_label(age)) for age in AGES] if has_ages else [],
    )


# ------------------------------------------------------------------ the directory's entries

PLAIN_START = '<li class="hs-service">'


def _hours_texts(hours: m.Hours) -> tuple[str, str]:
    """(`hours_json`, `hours_ru` escaped) of a schedule (both worded once per schedule: russian.py)."""
    data, text = hours_texts(hours)
    return str(data), _escape(text)


def entry_html(service: m.Service, href: str, organization: str, everywhere: bool) -> tuple[str, str]:
    """One service's entry in the services directory (services_index.html.j2), its text escaped:
    (its start with the filter's facts for site.js, the rest). The facts are written once, on the
    entry in the group of the service's first category, without empty or «no» values; its entries
    in other groups start with `PLAIN_START`.

    Made in Python, not by a Jinja macro: the directory has an entry per service and category
    (13,000 at 10,000 services), and a macro call for each cost ≈ 0.3 s of a build."""
    hours_data, hours_text = _hours_texts(service.hours) if service.hours else ("", "")
    head = [f'<li class="hs-service" data-categories="{_escape(" ".join(service.categories))}"'
            f' data-audience="{_escape(" ".join([a.value for a in service.audience]))}"'
            f' data-district="{_escape(service.district)}"']
    if everywhere:
        head.append(' data-area="all"')
    if service.minimum_age is not None:
        head.append(f' data-min-age="{service.minimum_age}"')
    if service.maximum_age is not None:
        head.append(f' data-max-age="{service.maximum_age}"')
    if service.free:
        head.append(' data-free="yes"')
    if service.hours:
        head.append(f" data-hours='{hours_data}'")
    head.append(">")
    meta = [_escape(organization), _escape(service.district)]
    if service.minimum_age is not None or service.maximum_age is not None:
        meta.append(_escape(ages_ru(service)))
    if service.hours:
        meta.append(hours_text)
    if service.free:
        meta.append("бесплатно")
    badge = ' <span class="hs-badge hs-badge--example">пример</span>' if service.example else ""
    phone = f"{parts.phone(service.phones[0], service.example)}\n" if service.phones else ""
    return "".join(head), (f'<a class="hs-service__name" href="{_escape(href)}">{_escape(service.name)}</a>{badge}'
                           f'<span class="hs-service__meta">{" · ".join(meta)}</span>\n{phone}</li>')
