"""Where a campaign works, in running Russian text: «в городе Вологда», «в Вологодской области».

Region names are declined by a few safe rules (the adjective + «область/край/округ», «Республика …»);
anything else falls back to «в регионе: …», and `campaign.region_in` overrides the rule.
"""

from __future__ import annotations

import re
from typing import Protocol

_ADJ = [("ская", "ской"), ("цкая", "цкой"), ("ная", "ной"), ("кая", "кой"), ("ая", "ой"), ("яя", "ей"),
        ("ский", "ском"), ("цкий", "цком"), ("ный", "ном"), ("кий", "ком"), ("ый", "ом"), ("ий", "ем"),
        ("ое", "ом")]
_NOUN = {"область": "области", "край": "крае", "округ": "округе", "республика": "республике"}


class _Place(Protocol):
    city: str | None
    region: str
    region_in: str | None


def _adjective(word: str) -> str | None:
    for end, new in _ADJ:
        if word.lower().endswith(end):
            return word[: -len(end)] + new
    return None


def region_in(region: str) -> str:
    """«Вологодская область» → «в Вологодской области», «Пермский край» → «в Пермском крае»,
    «Республика Коми» → «в Республике Коми»; unknown shapes → «в регионе: …»."""
    words = region.split()
    if len(words) >= 2 and words[0].lower() == "республика":
        return "в Республике " + " ".join(words[1:])
    if len(words) == 2 and words[1].lower() in _NOUN:
        adjective = _adjective(words[0])
        if adjective:
            return f"в {adjective} {_NOUN[words[1].lower()]}"
    if len(words) == 3 and words[2].lower() == "округ" and words[1].lower() == "автономный":
        adjective = _adjective(words[0])
        if adjective:
            return f"в {adjective} автономном округе"
    if re.fullmatch(r"(г\.|город)\s.+", region):
        return "в городе " + region.split(maxsplit=1)[1]
    return f"в регионе: {region}"


def in_place(campaign: _Place) -> str:
    """Where the campaign works: «в городе Вологда» for a city campaign (the name stays in the
    nominative: «в городе» needs no declension), the region's locative for a region-wide one."""
    if campaign.city:
        return f"в городе {campaign.city}"
    return campaign.region_in or region_in(campaign.region)
