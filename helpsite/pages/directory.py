"""The services directory's filter: which district values mean «everywhere», and the choices it offers.

A service's `district` is free text: a district of the city, or a phrase for the whole city,
region or the internet («весь город», «вся область», «онлайн»). Filtering by a district keeps the
services that serve everywhere: the 24-hour crisis service of the whole city must not disappear
when a reader picks her district.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from helpsite.data import model as m

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
    audiences = {a.value for s in services for a in s.audience} - {m.Audience.everyone.value}
    has_ages = any(s.minimum_age is not None or s.maximum_age is not None for s in services)
    return Facets(
        districts=sorted({s.district for s in services if not serves_everywhere(s.district)}),
        audiences=[a.value for a in m.Audience if a.value in audiences],
        ages=[(age, age_label(age)) for age in AGES] if has_ages else [],
    )
