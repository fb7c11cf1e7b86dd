"""Russian wording for pages and outputs: dates, times, opening hours, ages, audiences, plurals."""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable, Iterable, TypeVar

from markupsafe import Markup
from helpsite.data import model as m
from helpsite.pages.site import quote_keeping_letters

MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
MONTHS_NOMINATIVE = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                     "октябрь", "ноябрь", "декабрь"]


def date_ru(value: dt.date) -> str:
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year}"


def month_ru(value: dt.date) -> str:
    return f"{MONTHS_NOMINATIVE[value.month - 1]} {value.year}"


def period_ru(start: dt.date, end: dt.date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return month_ru(start)
    if start.year == end.year:
        return f"{MONTHS_NOMINATIVE[start.month - 1]} – {month_ru(end)}"
    return f"{month_ru(start)} – {month_ru(end)}"


def time_ru(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def byday_ru(days: Iterable[m.Weekday]) -> str:
    """«пн–пт», «пн, ср, пт»: the same few lists of days on thousands of services, each worded once."""
    key = tuple(days)
    text = _BYDAY_TEXT.get(key)
    if text is None:
        text = _BYDAY_TEXT[key] = _byday_text(key)
    return text


_BYDAY_TEXT: dict[tuple[m.Weekday, ...], str] = {}


def _byday_text(days: Iterable[m.Weekday]) -> str:
    codes = [d.value for d in days]
    order = list(m.WEEKDAY_LABELS)
    idx = sorted(order.index(c) for c in codes)
    if len(idx) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{m.WEEKDAY_LABELS[order[idx[0]]]}–{m.WEEKDAY_LABELS[order[idx[-1]]]}"
    return ", ".join(m.WEEKDAY_LABELS[order[i]] for i in idx)


def hours_key(hours: m.Hours) -> tuple:
    """What a schedule says, hashable: a few schedules recur in thousands of services, and what is made
    of one (its wording, the directory's filter data, the API's object) is made once for each."""
    # the clock times as they are: naive `dt.time`s are equal exactly when their texts are. Aware ones (never
    # read from YAML, but a `dt.time` passes validation as it is) by their text: 10:00+03:00 == 09:00+02:00
    return (hours.always_open, hours.description,
            tuple([(tuple(e.byday), _clock_key(e.opens_at), _clock_key(e.closes_at), e.description) for e in hours.weekly]))


def _clock_key(value: dt.time) -> dt.time | str:
    return value if value.tzinfo is None else value.isoformat()


_HOURS_TEXT: dict[tuple, str] = {}
_HOURS_JSON: dict[tuple, Markup] = {}
_Made = TypeVar("_Made")


def _once_per_schedule(made: dict[tuple, _Made], hours: m.Hours, make: Callable[[m.Hours], _Made],
                       key: tuple | None = None) -> _Made:
    key = hours_key(hours) if key is None else key
    value = made.get(key)
    if value is None:
        value = made[key] = make(hours)
    return value


def hours_ru(hours: m.Hours | None) -> str:
    return "" if hours is None else _once_per_schedule(_HOURS_TEXT, hours, _hours_text)


def _hours_text(hours: m.Hours) -> str:
    if hours.always_open:
        text = "круглосуточно, без выходных"
    else:
        text = "; ".join(f"{byday_ru(e.byday)} {time_ru(e.opens_at)}–{time_ru(e.closes_at)}"
                         + (f" ({e.description})" if e.description else "") for e in hours.weekly)
    if hours.description:
        text = f"{text}; {hours.description}" if text else hours.description
    return text


def hours_json(hours: m.Hours | None) -> Markup:
    """The weekly schedule for the directory's «open now» filter (JS), for a single-quoted attribute
    (`data-hours='…'`): compact JSON whose quotes stay quotes (as `&#34;` each cost 5 bytes: ≈ 1 MB
    in the directory at 10,000 services); `'`, `&`, `<`, `>` are escaped."""
    return Markup("") if hours is None else _once_per_schedule(_HOURS_JSON, hours, _hours_json)


def hours_texts(hours: m.Hours) -> tuple[Markup, str]:
    """(`hours_json`, `hours_ru`) of a schedule with one `hours_key` (the directory writes both for each service)."""
    key = hours_key(hours)
    return _once_per_schedule(_HOURS_JSON, hours, _hours_json, key), _once_per_schedule(_HOURS_TEXT, hours, _hours_text, key)


def _hours_json(hours: m.Hours) -> Markup:
    if hours.always_open:
        value: dict = {"always": True}
    else:
        value = {"weekly": [{"days": [d.value for d in e.byday], "open": time_ru(e.opens_at),
                             "close": time_ru(e.closes_at)} for e in hours.weekly]}
    text = json.dumps(value, separators=(",", ":"))
    return Markup(text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;"))


def utc_offset_ru(value: dt.datetime) -> str:
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


MOSCOW = m.ZoneInfo("Europe/Moscow")


def moscow_time(value: dt.datetime) -> str:
    """The same moment on Moscow clocks («08:00»), or "" where the clocks agree."""
    there = value.astimezone(MOSCOW)
    if there.utcoffset() == value.utcoffset():
        return ""
    return time_ru(there.time()) + (f", {date_ru(there.date())}" if there.date() != value.date() else "")


def ages_ru(service: m.Service) -> str:
    lo, hi = service.minimum_age, service.maximum_age
    if lo is not None and hi is not None:
        return f"от {lo} до {hi} лет"
    if lo is not None:
        return f"от {lo} лет"
    if hi is not None:
        return f"до {hi} лет"
    return ""


def audience_ru(values: Iterable[m.Audience]) -> str:
    return ", ".join(m.AUDIENCE_LABELS[v.value] for v in values)


def map_url(address: m.Address) -> str:
    """A link (never an embedded map) to the address on a map."""
    if address.latitude is not None and address.longitude is not None:
        lat, lon = address.latitude, address.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    return "https://yandex.ru/maps/?text=" + quote_keeping_letters(f"{address.city}, {address.address_1}")


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
