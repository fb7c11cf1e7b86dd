"""iCalendar files (RFC 5545 + RFC 7986) and add-to-calendar links.

`calendar_files()` returns {path in the built site: bytes}: one `.ics` per event
(`events/<id>.ics`), one subscribable calendar of all events (`events/calendar.ics`), one per
series (`events/series/<id>.ics`) and the plan's deadlines (`plan.ics`). Times carry the
event's TZID with a VTIMEZONE for it; all-day events are DATE values (the end day is
exclusive, as RFC 5545 wants). UIDs come from record ids, so they stay the same from build to
build; DTSTAMP is the build time. Text is escaped and lines folded at 75 octets without
splitting a Cyrillic letter (`text`, `fold`); the `icalendar` library makes the VTIMEZONEs.

Yandex Calendar has no add-to-calendar link here: its URL format is not documented publicly.
Yandex (like Apple Calendar and desktop Outlook) opens the `.ics` file or subscribes to the
calendar by its address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable
from urllib.parse import urlsplit

from zoneinfo import ZoneInfo

from icalendar import Timezone

from helpsite.data import model as m
from helpsite.pages.eventtimes import EventTimes, event_times
from helpsite.pages.site import query_keeping_letters
from helpsite.data.load import CampaignData

ALL_EVENTS = "events/calendar.ics"
PLAN = "plan.ics"
REFRESH = dt.timedelta(hours=12)
REFRESH_ICAL = f"PT{REFRESH.seconds // 3600}H"  # as an RFC 5545 DURATION


def event_path(event_id: str) -> str:
    return f"events/{event_id}.ics"


def series_path(series_id: str) -> str:
    return f"events/series/{series_id}.ics"


def webcal(url: str) -> str:
    """The `webcal://` form of an http(s) calendar URL: calendar apps subscribe to it."""
    parts = urlsplit(url)
    return "webcal://" + url[len(parts.scheme) + 3:] if parts.scheme in ("http", "https") else url


def summary(event: m.Event, times: EventTimes | None = None) -> str:
    """The calendar title: a cancelled or not yet rescheduled event says so first."""
    if event.status == m.EventStatus.cancelled:
        return f"Отменено: {event.title}"
    if event.status == m.EventStatus.postponed and event.rescheduled_start is None:
        return f"Перенесено, новая дата уточняется: {event.title}"
    return event.title


def location(event: m.Event) -> str | None:
    if event.place is not None and event.status != m.EventStatus.moved_online:
        parts = [event.place.name]
        if event.place.address is not None:
            parts += [event.place.address.address_1, event.place.address.city]
        return ", ".join(parts)
    return event.online_url


def _description(event: m.Event, data: CampaignData, url: str) -> str:
    lines = [" ".join(event.description.split()), ""]
    if event.online_url:
        lines.append(f"Онлайн: {event.online_url}")
    lines.append("Организаторы: " + "; ".join(data.organizations[o].name for o in event.organizer_ids))
    reg = event.registration
    if reg is not None:
        how = [x for x in (reg.url, reg.phone.display if reg.phone else None, reg.email) if x]
        text = "Нужна регистрация" if reg.required else "Регистрация"
        if reg.deadline:
            text += f" до {reg.deadline.isoformat()}"
        lines.append(text + (": " + ", ".join(how) if how else ""))
    lines.append(f"Подробности: {url}")
    return "\n".join(lines)


def text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped (3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """A content line folded as RFC 5545 3.1 says: at most 75 octets a line (the leading space of a
    continuation counts), never inside a UTF-8 character, never between a backslash and what it
    escapes. Lines end with CRLF."""
    if len(line) < limit and line.isascii():
        return line + "\r\n"
    data = line.encode()
    if len(data) < limit:
        return line + "\r\n"
    # the UTF-8 bytes cut into parts of at most limit - 1 octets: a part ends before a character's first
    # byte (never before a continuation byte 10xxxxxx) and leaves its final backslash to the next part
    if limit < 6:
        raise ValueError("fold: limit < 6 leaves no room for a character and a backslash")
    parts: list[str] = []
    start, end_of_line = 0, len(data)
    while end_of_line - start >= limit:
        end = start + limit - 1
        while data[end] & 0xC0 == 0x80:
            end -= 1
        if data[end - 1] == 0x5C:  # "\\"
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    parts.append(data[start:].decode())
    return "\r\n ".join(parts) + "\r\n"


@dataclass
class Component:
    """A VEVENT as content lines (already folded), and the time zones its times refer to."""
    lines: list[str]
    tzids: set[str] = field(default_factory=set)

    def ical(self) -> str:
        return "BEGIN:VEVENT\r\n" + "".join(self.lines) + "END:VEVENT\r\n"


def _utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _time_line(name: str, value: dt.date, tzids: set[str]) -> str:
    """DTSTART/DTEND: a DATE, a UTC time, or a local time with the TZID of its zone."""
    if not isinstance(value, dt.datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}\r\n"
    key = getattr(value.tzinfo, "key", None)
    if value.tzinfo is None:
        return f"{name}:{value:%Y%m%dT%H%M%S}\r\n"
    if key is None or key in ("UTC", "Etc/UTC"):
        return f"{name}:{_utc_stamp(value)}\r\n"
    tzids.add(key)
    return fold(f"{name};TZID={key}:{value:%Y%m%dT%H%M%S}")


class CalendarWriter:
    """Writes RFC 5545 text directly (a component is a handful of formatted lines; building
    `icalendar` objects cost ≈ 8 ms an event). The output is read back by `icalendar` and ical.js
    in tests/test_calendar.py. VTIMEZONE blocks still come from `icalendar` (once per zone)."""

    def __init__(self, data: CampaignData, now: dt.datetime, page_url: Callable[[str], str], site_url: str):
        self.data = data
        self.stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)
        self.page_url = page_url
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.host = urlsplit(self.site_url).hostname or "localhost"
        # one VTIMEZONE per zone for every file, covering all the years of the data: computing it
        # from the zone's transitions is the slow part, so it is done once per build
        years = [m.naive_utc(e.start).year for e in data.events.values()] + \
                [a.end.year for t in data.plan.tasks for a in t.activities] + [self.stamp.year]
        self.years = (min(years), max(years) + 2)
        self._zones: dict[str, str] = {}
        self._stamp_line = f"DTSTAMP:{_utc_stamp(self.stamp)}\r\n"
        self.vevents: dict[str, tuple[m.Event, tuple, tuple[list[str], list[str], frozenset[str]]]] = {}

    def vtimezone(self, tzid: str) -> str:
        if tzid not in self._zones:
            zone = Timezone.from_tzinfo(ZoneInfo(tzid), tzid=tzid, first_date=dt.date(self.years[0], 1, 1),
                                        last_date=dt.date(self.years[1], 1, 1))
            self._zones[tzid] = zone.to_ical().decode()
        return self._zones[tzid]

    def file_url(self, path: str) -> str:
        return self.site_url + path

    # -- components
    def _context(self, event: m.Event) -> tuple:
        """What an event's VEVENT shows besides the event (the same context: the same lines)."""
        return (self.page_url(f"events/{event.id}.md"), self.host, self.data.campaign.timezone,
                tuple(self.data.organizations[o].name for o in event.organizer_ids))

    def vevent(self, event: m.Event) -> Component:
        context = self._context(event)
        known = self.vevents.get(event.id) or _VEVENTS.get(event.id)
        if known is None or known[0] is not event or known[1] != context:
            part = self._vevent(event, context[0])
            known = (event, context, (part.lines[:part.lines.index(self._stamp_line)],
                                      part.lines[part.lines.index(self._stamp_line) + 1:], frozenset(part.tzids)))
        self.vevents[event.id] = known
        head, tail, tzids = known[2]
        return Component([*head, self._stamp_line, *tail], set(tzids))

    def _vevent(self, event: m.Event, url: str) -> Component:
        times = event_times(event, self.data.campaign)
        if times.all_day:
            start: dt.date = times.start_date
            end: dt.date | None = times.end_date_exclusive
        else:
            start, end = times.effective_start, times.effective_end
        status = {m.EventStatus.cancelled: "CANCELLED"}.get(event.status, "CONFIRMED")
        if event.status == m.EventStatus.postponed and times.rescheduled is None:
            status = "TENTATIVE"
        tzids: set[str] = set()
        lines = [fold("SUMMARY:" + text(summary(event))), _time_line("DTSTART", start, tzids)]
        if end is not None:
            lines.append(_time_line("DTEND", end, tzids))
        lines += [self._stamp_line, fold("UID:" + text(f"event-{event.id}@{self.host}")),
                  f"SEQUENCE:{0 if event.status == m.EventStatus.scheduled else 1}\r\n",
                  fold("CATEGORIES:" + text(m.EVENT_TYPE_LABELS[event.type.value])), "CLASS:PUBLIC\r\n",
                  fold("DESCRIPTION:" + text(_description(event, self.data, url)))]
        addr = event.place.address if event.place else None
        if addr is not None and addr.latitude is not None and addr.longitude is not None \
                and event.status != m.EventStatus.moved_online:
            lines.append(f"GEO:{float(addr.latitude)};{float(addr.longitude)}\r\n")
        where = location(event)
        if where:
            lines.append(fold("LOCATION:" + text(where)))
        lines += [f"STATUS:{status}\r\n", fold("URL:" + url)]
        return Component(lines, tzids)

    def deadline(self, task: m.Task, activity: m.Activity, deadline: dt.date, status: str) -> Component:
        anchor = "activity-" + activity.number.replace(".", "-")
        url = self.page_url("plan.md") + "#" + anchor
        responsible = "; ".join(self.data.organizations[o].name for o in activity.responsible)
        description = "\n".join([f"Задача {task.number}. Статус: {m.ACTIVITY_STATUS_LABELS[status]}.",
                                 f"Ответственные: {responsible}.", "Ожидаемые результаты:",
                                 *(f"— {r}" for r in activity.results), f"Подробности: {url}"])
        tzids: set[str] = set()
        return Component([
            fold("SUMMARY:" + text(f"Срок мероприятия {activity.number}: {' '.join(activity.title.split())}")),
            _time_line("DTSTART", deadline, tzids), _time_line("DTEND", deadline + dt.timedelta(days=1), tzids),
            self._stamp_line, fold("UID:" + text(f"plan-{activity.number.replace('.', '-')}@{self.host}")),
            fold("CATEGORIES:" + text("план")), fold("DESCRIPTION:" + text(description)), fold("URL:" + url),
        ], tzids)

    def calendar(self, path: str, name: str, description: str, page: str, components: Iterable[Component],
                 feed: bool) -> bytes:
        lines = ["BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", fold("PRODID:" + text(f"-//helpsite//{self.host}//RU")),
                 "CALSCALE:GREGORIAN\r\n", "METHOD:PUBLISH\r\n"]
        if feed:  # a calendar to subscribe to: what it is, how often to re-read it, and where from
            lines += [fold("DESCRIPTION:" + text(description)), fold("X-WR-CALDESC:" + text(description))]
        # NAME (RFC 7986) and its older X-WR twin, both as escaped TEXT
        lines += [fold("NAME:" + text(name)), fold("X-WR-CALNAME:" + text(name))]
        if feed:
            lines += [f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH_ICAL}\r\n", fold("SOURCE;VALUE=URI:" + self.file_url(path))]
        lines += [fold("UID:" + text(f"{path}@{self.host}")), fold("URL:" + self.page_url(page))]
        if feed:
            lines.append(f"X-PUBLISHED-TTL:{REFRESH_ICAL}\r\n")
        lines.append(fold("X-WR-TIMEZONE:" + text(self.data.campaign.timezone)))
        events = list(components)
        for tzid in sorted(set().union(*(c.tzids for c in events))):  # VTIMEZONE before the events that use it
            lines.append(self.vtimezone(tzid))
        lines += [c.ical() for c in events]
        lines.append("END:VCALENDAR\r\n")
        return "".join(lines).encode()


# `mkdocs serve`: the last build's VEVENTs and event calendars in this process, by event id, with what
# they were made from (`CalendarWriter._context`); an unchanged event's are not made again (its
# DTSTAMP is this build's). A record is the same object from build to build while its file is unchanged.
_VEVENTS: dict[str, tuple[m.Event, tuple, tuple[list[str], list[str], frozenset[str]]]] = {}
_EVENT_FILES: dict[str, tuple[m.Event, tuple, bytes]] = {}


def calendar_files(data: CampaignData, now: dt.datetime, page_url: Callable[[str], str], site_url: str,
                   plan_deadlines: Iterable[tuple[m.Task, m.Activity, dt.date, str]] = ()) -> dict[str, bytes]:
    """Every calendar of the site: {path relative to the site root: file content}."""
    global _VEVENTS, _EVENT_FILES
    writer = CalendarWriter(data, now, page_url, site_url)
    campaign = data.campaign
    files: dict[str, bytes] = {}
    event_files: dict[str, tuple[m.Event, tuple, bytes]] = {}
    stamp = writer._stamp_line.encode()
    for event in data.events.values():
        # an event's own calendar: its VEVENT, and the zone and the years the writer covers
        context = (writer._context(event), writer.site_url, writer.years)
        known = _EVENT_FILES.get(event.id)
        if known is not None and known[0] is event and known[1] == context:
            blob = known[2]
            start = blob.index(b"\r\nDTSTAMP:") + 2  # its one DTSTAMP (a line; a folded line goes on with a space)
            blob = blob[:start] + stamp + blob[blob.index(b"\r\n", start) + 2:]  # this build's
        else:
            blob = writer.calendar(
                event_path(event.id), event.title, " ".join(event.description.split()), f"events/{event.id}.md",
                [writer.vevent(event)], feed=False)
        files[event_path(event.id)] = blob
        event_files[event.id] = (event, context, blob)
    _EVENT_FILES = event_files
    files[ALL_EVENTS] = writer.calendar(
        ALL_EVENTS, f"{campaign.name}: события", f"Семинары, собрания, тренинги и акции программы «{campaign.name}», "
        f"{campaign.place}. Время — {campaign.place} ({campaign.timezone}).", "events/index.md",
        [writer.vevent(e) for e in data.events.values() if not e.date_approximate], feed=True)  # no invented dates
    for series in data.series.values():
        sessions = [e for e in data.events.values() if e.series_id == series.id and not e.date_approximate]
        files[series_path(series.id)] = writer.calendar(
            series_path(series.id), series.title, " ".join((series.description or series.title).split()),
            f"events/series/{series.id}.md", [writer.vevent(e) for e in sessions], feed=True)
    _VEVENTS = writer.vevents
    deadlines = list(plan_deadlines)
    if deadlines:
        files[PLAN] = writer.calendar(
            PLAN, f"{campaign.name}: сроки плана", f"Сроки мероприятий плана «{data.plan.title}»: последний день каждого срока.",
            "plan.md", [writer.deadline(*item) for item in deadlines], feed=True)
    return files


# ------------------------------------------------------------------ add-to-calendar links

def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc)


def _details(event: m.Event, url: str, limit: int = 600) -> str:
    text = " ".join(event.description.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"{text}\n\n{url}"


def google_url(event: m.Event, data: CampaignData, url: str) -> str:
    """Google Calendar's event template: the reader's calendar opens with the event filled in."""
    times = event_times(event, data.campaign)
    if times.all_day:
        dates = f"{times.start_date:%Y%m%d}/{times.end_date_exclusive:%Y%m%d}"
    else:
        end = times.effective_end or times.effective_start
        dates = f"{_utc(times.effective_start):%Y%m%dT%H%M%SZ}/{_utc(end):%Y%m%dT%H%M%SZ}"
    params = {"action": "TEMPLATE", "text": summary(event), "dates": dates, "details": _details(event, url),
              "location": location(event) or "", "ctz": times.tz.key}
    return "https://calendar.google.com/calendar/render?" + query_keeping_letters(params)


def outlook_url(event: m.Event, data: CampaignData, url: str) -> str:
    """Outlook on the web (personal accounts): the «new event» form filled in."""
    times = event_times(event, data.campaign)
    if times.all_day:
        start, end, all_day = times.start_date.isoformat(), times.end_date_exclusive.isoformat(), "true"
    else:
        stop = times.effective_end or times.effective_start
        start = f"{_utc(times.effective_start):%Y-%m-%dT%H:%M:%SZ}"
        end = f"{_utc(stop):%Y-%m-%dT%H:%M:%SZ}"
        all_day = "false"
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": summary(event),
              "startdt": start, "enddt": end, "allday": all_day, "body": _details(event, url),
              "location": location(event) or ""}
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + query_keeping_letters(params)
