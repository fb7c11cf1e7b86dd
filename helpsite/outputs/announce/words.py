"""Event facts in the words people use in a post: «Четверг, 21 января, 15:00 (время екатеринбургское)».

Plain text only: VK and Telegram show Markdown and HTML marks as they are, so nothing here
contains `*`, `_`, `<` markup of its own (text from the data is passed through unchanged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpsite.data import model as m
from helpsite.pages.eventtimes import EventTimes, event_times
from helpsite.data.load import CampaignData

MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
WEEKDAYS = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
MOSCOW = m.ZoneInfo("Europe/Moscow")
# How people name the time of a Russian zone («время екатеринбургское»). Other zones: «время местное, UTC+N».
ZONE_ADJECTIVES = {
    "Europe/Kaliningrad": "калининградское", "Europe/Moscow": "московское", "Europe/Simferopol": "московское",
    "Europe/Samara": "самарское", "Asia/Yekaterinburg": "екатеринбургское", "Asia/Omsk": "омское",
    "Asia/Novosibirsk": "новосибирское", "Asia/Krasnoyarsk": "красноярское", "Asia/Irkutsk": "иркутское",
    "Asia/Yakutsk": "якутское", "Asia/Vladivostok": "владивостокское", "Asia/Magadan": "магаданское",
    "Asia/Sakhalin": "сахалинское", "Asia/Kamchatka": "камчатское",
}
TELEGRAM_CAPTION = 1024  # characters: the longest caption Telegram keeps under a picture
STATUS_HEADLINES = {"cancelled": "ОТМЕНЕНО", "postponed": "ПЕРЕНЕСЕНО", "moved_online": "ПРОЙДЁТ ОНЛАЙН"}


def clock(value: dt.datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def day(value: dt.date, *, weekday: bool = True, year: bool = True, capital: bool = True) -> str:
    """«Четверг, 21 января 2027» (year and weekday optional)."""
    text = f"{value.day} {MONTHS_GENITIVE[value.month - 1]}" + (f" {value.year}" if year else "")
    if weekday:
        name = WEEKDAYS[value.weekday()]
        text = f"{name.capitalize() if capital else name}, {text}"
    return text


def utc_offset(value: dt.datetime) -> str:
    minutes = int((value.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def zone_words(moment: dt.datetime) -> str:
    """«время екатеринбургское»; a zone without a common name: «время местное, UTC+7»."""
    if moment.utcoffset() == moment.astimezone(MOSCOW).utcoffset():
        return "время московское"
    name = ZONE_ADJECTIVES.get(getattr(moment.tzinfo, "key", ""))
    return f"время {name}" if name else f"время местное, {utc_offset(moment)}"


def span(start: dt.datetime, end: dt.datetime | None, all_day: bool, *, year: bool = True,
         capital: bool = True) -> str:
    """When, as a line: «Четверг, 10 декабря 2026, 18:30–20:00»; all day: «Суббота, 15 мая, весь день»."""
    first = day(start.date(), year=year, capital=capital)
    if all_day:
        if end and end.date() != start.date():
            return f"{first} — {day(end.date(), year=year, capital=False)}"
        return f"{first}, весь день"
    if end and end.date() != start.date():
        return f"{first}, {clock(start)} — {day(end.date(), year=year, capital=False)}, {clock(end)}"
    return f"{first}, {clock(start)}" + (f"–{clock(end)}" if end else "")


@dataclass(frozen=True)
class When:
    """An event's moments as lines of text: the date and time, the zone, the old date of a moved event."""

    line: str  # «Четверг, 4 февраля 2027, 18:00–20:00»
    zone: str  # «время екатеринбургское» ("" for all-day events)
    moscow: str  # «16:00 по Москве» where the clocks differ, else ""
    previous: str  # a postponed event's old date, else ""
    known: bool  # False: a postponed event without its new date

    def full(self) -> str:
        """«Четверг, 21 января, 15:00 (время екатеринбургское)»."""
        notes = [n for n in (self.zone, self.moscow) if n]
        return self.line + (f" ({'; '.join(notes)})" if notes else "")


def when(event: m.Event, data: CampaignData, *, year: bool = True, moscow: bool = False,
         times: EventTimes | None = None) -> When:
    times = times or event_times(event, data.campaign)
    postponed = event.status is m.EventStatus.postponed
    if postponed and times.rescheduled is None:
        old = span(times.start, times.end, times.all_day, year=year, capital=False)
        return When("Новая дата будет объявлена", "", "", old, known=False)
    start, end = times.effective_start, times.effective_end
    line = span(start, end, times.all_day, year=year)
    zone = "" if times.all_day else zone_words(start)
    msk = ""
    if moscow and not times.all_day and start.utcoffset() != start.astimezone(MOSCOW).utcoffset():
        there = start.astimezone(MOSCOW)
        msk = f"{clock(there)} по Москве" + (f", {day(there.date(), weekday=False, year=False)}"
                                             if there.date() != start.date() else "")
    previous = span(times.start, times.end, times.all_day, year=year, capital=False) if postponed else ""
    return When(line, zone, msk, previous, known=True)


def place(event: m.Event) -> str:
    """«Центр семейной терапии, ул. Победы, 5, Нижний Тагил. Вход со двора.» or «Онлайн»."""
    if event.place is None or event.status is m.EventStatus.moved_online:
        return "Онлайн"
    text = event.place.name
    addr = event.place.address
    if addr is not None:
        text += f", {addr.address_1}, {addr.city}"
        if addr.description:
            note = " ".join(addr.description.split())
            text += ". " + note[0].upper() + note[1:]
    return text


def organizers(event: m.Event, data: CampaignData) -> str:
    return "; ".join(data.organizations[o].name for o in event.organizer_ids)


def helpline_line(data: CampaignData) -> str:
    """«Детский телефон доверия: 8-800-2000-122 или 124 — бесплатно, анонимно, круглосуточно»."""
    helpline = data.main_helpline
    terms = ", ".join(t for t in ("бесплатно" if helpline.free else "", "анонимно" if helpline.anonymous else "",
                                  "круглосуточно" if helpline.hours.always_open else "") if t)
    phones = " или ".join(p.display for p in helpline.phones)
    return f"{helpline.name}: {phones}" + (f" — {terms}" if terms else "")


def registration(event: m.Event) -> str:
    reg = event.registration
    if reg is None:
        return ""
    # an example event's number is invented: never handed out as one to call (it may be someone's)
    phone = ("по телефону (номер-пример)" if event.example else f"по телефону {reg.phone.display}") if reg.phone else ""
    ways = [w for w in (reg.url or "", phone,
                        f"по почте {reg.email}" if reg.email else "") if w]
    deadline = f" до {reg.deadline.day} {MONTHS_GENITIVE[reg.deadline.month - 1]}" if reg.deadline else ""
    if reg.required:
        text = f"Нужна предварительная регистрация{deadline}" + (": " + ", ".join(ways) if ways else "") + "."
    elif ways:
        text = f"Регистрация не обязательна; записаться можно{deadline}: " + ", ".join(ways) + "."
    else:
        text = "Регистрация не обязательна."
    if reg.capacity:
        text += f" Мест: {reg.capacity}."
    if reg.notes:
        text += " " + " ".join(reg.notes.split())
    return text


def _cut(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, with «…»; "" if not even a word fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit < 2:
        return ""
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return cut + "…" if cut and len(cut) < limit else ""


def post_text(event: m.Event, data: CampaignData, url: str, now: dt.datetime) -> str:
    """The announcement to paste into VK, Telegram or a parents' chat: plain text, no markup.

    The status comes first (a cancelled or moved event must not be read as an invitation); the
    helpline is the last line. The description is shortened at a word so that the whole text
    fits a Telegram picture caption when it can."""
    times = event_times(event, data.campaign)
    year = times.effective_start.year != now.year or times.start.year != now.year
    online = event.place is None or event.status is m.EventStatus.moved_online
    w = when(event, data, year=year, moscow=online, times=times)
    status = event.status.value
    head: list[str] = []
    if data.campaign.is_draft:
        head.append("[Демонстрационный сайт: пример анонса, сведения не настоящие]")
    if status == "cancelled":
        head.append("ОТМЕНЕНО. Событие не состоится.")
    elif status == "postponed":
        head.append("ПЕРЕНОС: событие перенесено на новую дату." if w.known
                    else "ПЕРЕНОС: событие перенесено, новая дата будет объявлена.")
    elif status == "moved_online":
        head.append("ВНИМАНИЕ: событие пройдёт онлайн.")
    lines = [*head, " ".join(event.title.split()), ""]
    if status == "cancelled":
        lines.append(f"Было назначено: {w.full()}")
    elif w.known:
        lines.append(w.full())
    if w.previous:
        lines.append(f"Прежняя дата: {w.previous}")
    if status != "cancelled":
        where = place(event)
        lines.append(f"Онлайн: {event.online_url}" if where == "Онлайн" and event.online_url else f"Место: {where}")
        lines.append("Для кого: " + ", ".join(m.AUDIENCE_LABELS[a.value] for a in event.audience))
    tail: list[str] = []
    if status != "cancelled" and registration(event):
        tail.append(registration(event))
    tail += [("Организатор: " if len(event.organizer_ids) == 1 else "Организаторы: ") + organizers(event, data),
             f"Подробности: {url}", "", helpline_line(data)]
    fixed = len("\n".join(lines + ["", ""] + tail))
    description = _cut(event.description, max(0, TELEGRAM_CAPTION - fixed)) if status != "cancelled" else ""
    body = ["", description, ""] if description else [""]
    return "\n".join(lines + body + tail).strip() + "\n"
