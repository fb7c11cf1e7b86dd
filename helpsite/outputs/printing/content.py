"""What the print set says, made from the model without drawing anything: the sticker of a helpline,
the leaflet's services and algorithm, a record's file and line for messages. A build whose print
files all come from the print cache needs only this (and the cache keys made of it): it imports
neither reportlab nor Pillow nor the QR code maker (the renderers import them, on a cache miss)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.russian import hours_ru
from helpsite.outputs.printing.errors import PrintError

SOURCE_TAG = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def record_place(data: CampaignData | None, kind: str, ident: str, field: str) -> str:
    """«data/events/x.yml:14: description» — the file, line and field of a record's value."""
    origin = data.origins.get((kind, ident)) if data is not None else None
    if origin is None:
        folder = {"event": "events", "algorithm": "algorithms", "service": "services", "news": "news"}
        file = f"data/{folder[kind]}/{ident}.yml" if kind in folder else f"data/{kind}s.yml"
        return f"{file}: {field}"
    loc = origin.loc + tuple(field.split("."))
    try:
        line = origin.line_of(loc) or origin.line_of(origin.loc)
    except Exception:  # noqa: BLE001 — the line is a help, never a reason to fail
        line = None
    return f"{origin.display}{':' + str(line) if line else ''}: {field}"


@dataclass(frozen=True)
class Sticker:
    heading: str  # what the number is: the helpline's name
    numbers: tuple[str, ...]  # phone numbers as shown, the main one first
    message: str  # what it is for, in a child's words
    short_message: str  # the same, shorter, for small labels
    tiny_message: str  # one short line, for the smallest label with a school line
    payload: str  # what the QR code holds
    school: str | None = None  # a school batch: «Школа № 5, 3 «Б»» — printed on every sticker
    draft_mark: bool = False  # «демонстрационный образец» (draft campaign and a QR code to the site)
    origin: str = ""  # «data/helplines.yml:4: name» — named by errors

    @property
    def terms(self) -> str:  # kept for callers that show the terms on their own
        return self.message


def helpline_terms(helpline: m.Helpline) -> str:
    return " · ".join(t for t, on in (("бесплатно", helpline.free), ("анонимно", helpline.anonymous),
                                      ("круглосуточно", helpline.hours.always_open)) if on)


def child_message(helpline: m.Helpline) -> tuple[str, str, str]:
    """(full, short, tiny) words for a child: what the number is for, and that it is free and anonymous."""
    words = [w for w, on in (("бесплатно", helpline.free), ("анонимно", helpline.anonymous),
                             ("круглосуточно", helpline.hours.always_open)) if on]
    short_words = [w for w in words if w != "круглосуточно"] or words

    def sentence(ws: list[str]) -> str:
        if not ws:
            return ""
        return " " + ((", ".join(ws[:-1]) + " и " + ws[-1]) if len(ws) > 1 else ws[0]).capitalize() + "."

    return ("Если тебе плохо или страшно, позвони." + sentence(words),
            "Если плохо или страшно — позвони." + sentence(short_words),
            "Плохо или страшно? Позвони!")


def tag_url(url: str, source: str | None) -> str:
    """`url` with `src=<source>` added to its query (tells one school's batch from another)."""
    if not source:
        return url
    if not SOURCE_TAG.match(source):
        raise PrintError(f"метка источника «{source}» не годится для адреса",
                         "только латиница, цифры, дефис и подчёркивание, до 40 символов: например school-5")
    if not url.startswith(("http://", "https://")):
        raise PrintError("метка источника (src) добавляется только к ссылке на страницу сайта, не к номеру tel:",
                         "выберите QR-код со ссылкой на сайт или уберите метку")
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + f"src={source}"
    return parts._replace(query=query).geturl()


def sticker_payload(data: CampaignData, helpline: m.Helpline, target: str = "tel", source: str | None = None,
                    base_url: str | None = None) -> str:
    """QR payload: «tel» (the helpline's first number), «site» (the site's home page) or a full URL."""
    if target == "tel":
        payload = f"tel:{helpline.phones[0].tel}"
    elif target == "site":
        payload = base_url or data.campaign.site_url
    elif target.startswith(("http://", "https://", "tel:")):
        payload = target
    else:
        raise PrintError(f"непонятно, что записать в QR-код: «{target}»",
                         "укажите tel (номер телефона), site (главная страница сайта) или полный адрес https://…")
    return tag_url(payload, source)


MAX_SCHOOL = 60


def sticker_for(data: CampaignData, helpline_id: str | None = None, target: str = "tel", source: str | None = None,
                base_url: str | None = None, school: str | None = None) -> Sticker:
    """The sticker of a helpline (default: the campaign's main helpline), for children."""
    helpline_id = helpline_id or data.campaign.main_helpline_id
    if helpline_id not in data.helplines:
        raise PrintError(f"нет линии помощи «{helpline_id}»", "есть: " + ", ".join(data.helplines))
    helpline = data.helplines[helpline_id]
    if school is not None:
        school = " ".join(school.split())
        if not school or len(school) > MAX_SCHOOL:
            raise PrintError(f"подпись партии «{school}» пустая или длиннее {MAX_SCHOOL} знаков",
                             "например: «Школа № 5, 3 «Б»»")
    full, short, tiny = child_message(helpline)
    payload = sticker_payload(data, helpline, target, source, base_url)
    return Sticker(heading=helpline.name, numbers=tuple(p.display for p in helpline.phones), message=full,
                   short_message=short, tiny_message=tiny, payload=payload, school=school,
                   draft_mark=data.campaign.is_draft and payload.startswith(("http://", "https://")),
                   origin=record_place(data, "helpline", helpline_id, "name"))


class LeafletService(NamedTuple):
    """What the leaflet prints of a service (`leaflet_services`)."""

    name: str
    description: str  # the leaflet prints its first sentence
    phones: tuple[str, ...]  # as displayed
    address: str | None
    hours: str | None  # in words («пн–пт 9:00–18:00»), None when not stated
    free: bool


def leaflet_services(data: CampaignData) -> list[LeafletService]:
    """The services the leaflet lists, in its order, as it prints them: only real services one can reach from
    paper (active, not examples, with a phone or an address), free ones first, then by name. The leaflet's
    print-cache key hashes this list: its 10,000 entries, not the JSON of 10,000 whole records."""
    services = sorted((s for s in data.services.values() if s.status == m.ServiceStatus.active and not s.example
                       and (s.phones or s.location)), key=lambda s: (not s.free, s.name.lower()))
    return [LeafletService(s.name, s.description, tuple(p.display for p in s.phones),
                           s.location.address_1 if s.location else None, hours_ru(s.hours) if s.hours else None, s.free)
            for s in services]


def leaflet_algorithm(data: CampaignData, algorithm_id: str | None = None) -> m.Algorithm:
    if algorithm_id:
        if algorithm_id not in data.algorithms:
            raise PrintError(f"нет алгоритма «{algorithm_id}»", "есть: " + ", ".join(data.algorithms))
        return data.algorithms[algorithm_id]
    if not data.algorithms:
        raise PrintError("для листовки нужен хотя бы один алгоритм", "добавьте файл в data/algorithms/")
    for algorithm in data.algorithms.values():
        if algorithm.audience == m.AlgorithmAudience.parent:
            return algorithm
    return next(iter(data.algorithms.values()))
