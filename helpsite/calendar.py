"""iCalendar files (RFC 5545 + RFC 7986) and add-to-calendar links.

`calendar_files()` returns {path in the built site: bytes}: one `.ics` per event
(`events/<id>.ics`), one subscribable calendar of all events (`events/calendar.ics`), one per
series (`events/series/<id>.ics`) and the plan's deadlines (`plan.ics`). Times carry the
event's TZID with a VTIMEZONE for it; all-day events are DATE values (the end day is
exclusive, as RFC 5545 wants). UIDs come from record ids, so they stay the same from build to
build; DTSTAMP is the build time. The `icalendar` library escapes text and folds lines at
75 octets without splitting a Cyrillic letter.

Yandex Calendar has no add-to-calendar link here: its URL format is not documented publicly.
Yandex (like Apple Calendar and desktop Outlook) opens the `.ics` file or subscribes to the
calendar by its address.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable
from urllib.parse import urlencode, urlsplit

from zoneinfo import ZoneInfo

from icalendar import Calendar, Event as VEvent, Timezone, vDuration, vText

from . import model as m
from .eventtimes import EventTimes, event_times
from .load import CampaignData

ALL_EVENTS = "events/calendar.ics"
PLAN = "plan.ics"
REFRESH = dt.timedelta(hours=12)


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


class CalendarWriter:
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
        self._zones: dict[str, Timezone] = {}

    def vtimezone(self, tzid: str) -> Timezone:
        if tzid not in self._zones:
            self._zones[tzid] = Timezone.from_tzinfo(ZoneInfo(tzid), tzid=tzid, first_date=dt.date(self.years[0], 1, 1),
                                                     last_date=dt.date(self.years[1], 1, 1))
        return self._zones[tzid]

    def file_url(self, path: str) -> str:
        return self.site_url + path

    # -- components
    def vevent(self, event: m.Event) -> VEvent:
        times = event_times(event, self.data.campaign)
        url = self.page_url(f"events/{event.id}.md")
        if times.all_day:
            start: dt.date = times.start_date
            end: dt.date | None = times.end_date_exclusive
        else:
            start, end = times.effective_start, times.effective_end
        status = {m.EventStatus.cancelled: "CANCELLED"}.get(event.status, "CONFIRMED")
        if event.status == m.EventStatus.postponed and times.rescheduled is None:
            status = "TENTATIVE"
        vevent = VEvent.new(uid=f"event-{event.id}@{self.host}", stamp=self.stamp, start=start, end=end,
                            summary=summary(event), description=_description(event, self.data, url),
                            location=location(event), url=url, status=status,
                            sequence=0 if event.status == m.EventStatus.scheduled else 1,
                            categories=[m.EVENT_TYPE_LABELS[event.type.value]])
        vevent.add("class", "PUBLIC")
        addr = event.place.address if event.place else None
        if addr is not None and addr.latitude is not None and addr.longitude is not None \
                and event.status != m.EventStatus.moved_online:
            vevent.add("geo", (addr.latitude, addr.longitude))
        return vevent

    def deadline(self, task: m.Task, activity: m.Activity, deadline: dt.date, status: str) -> VEvent:
        anchor = "activity-" + activity.number.replace(".", "-")
        url = self.page_url("plan.md") + "#" + anchor
        responsible = "; ".join(self.data.organizations[o].name for o in activity.responsible)
        text = "\n".join([f"Задача {task.number}. Статус: {m.ACTIVITY_STATUS_LABELS[status]}.",
                          f"Ответственные: {responsible}.", "Ожидаемые результаты:",
                          *(f"— {r}" for r in activity.results), f"Подробности: {url}"])
        return VEvent.new(uid=f"plan-{activity.number.replace('.', '-')}@{self.host}", stamp=self.stamp,
                          start=deadline, end=deadline + dt.timedelta(days=1),
                          summary=f"Срок мероприятия {activity.number}: {' '.join(activity.title.split())}",
                          description=text, url=url, categories=["план"])

    def calendar(self, path: str, name: str, description: str, page: str, components: Iterable[VEvent],
                 feed: bool) -> bytes:
        cal = Calendar.new(prodid=f"-//helpsite//{self.host}//RU", uid=f"{path}@{self.host}",
                           url=self.page_url(page), method="PUBLISH", calscale="GREGORIAN")
        # NAME (RFC 7986) and its older X-WR twin, both as escaped TEXT
        cal.add("name", vText(name))
        cal.add("x-wr-calname", vText(name))
        cal.add("x-wr-timezone", self.data.campaign.timezone)
        if feed:  # a calendar to subscribe to: what it is, how often to re-read it, and where from
            cal.add("description", vText(description))
            cal.add("x-wr-caldesc", vText(description))
            cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
            cal.add("x-published-ttl", vDuration(REFRESH))
            cal.add("source", self.file_url(path), parameters={"VALUE": "URI"})
        events = list(components)
        tzids = sorted({str(c[key].params["TZID"]) for c in events for key in ("DTSTART", "DTEND")
                        if key in c and "TZID" in c[key].params})
        for tzid in tzids:  # VTIMEZONE before the events that use it
            cal.add_component(self.vtimezone(tzid))
        for component in events:
            cal.add_component(component)
        return cal.to_ical()


def calendar_files(data: CampaignData, now: dt.datetime, page_url: Callable[[str], str], site_url: str,
                   plan_deadlines: Iterable[tuple[m.Task, m.Activity, dt.date, str]] = ()) -> dict[str, bytes]:
    """Every calendar of the site: {path relative to the site root: file content}."""
    writer = CalendarWriter(data, now, page_url, site_url)
    campaign = data.campaign
    files: dict[str, bytes] = {}
    for event in data.events.values():
        files[event_path(event.id)] = writer.calendar(
            event_path(event.id), event.title, " ".join(event.description.split()), f"events/{event.id}.md",
            [writer.vevent(event)], feed=False)
    files[ALL_EVENTS] = writer.calendar(
        ALL_EVENTS, f"{campaign.name}: события", f"Семинары, собрания, тренинги и акции программы «{campaign.name}», "
        f"{campaign.place}. Время — {campaign.place} ({campaign.timezone}).", "events/index.md",
        [writer.vevent(e) for e in data.events.values() if not e.date_approximate], feed=True)  # no invented dates
    for series in data.series.values():
        sessions = [e for e in data.events.values() if e.series_id == series.id and not e.date_approximate]
        files[series_path(series.id)] = writer.calendar(
            series_path(series.id), series.title, " ".join((series.description or series.title).split()),
            f"events/series/{series.id}.md", [writer.vevent(e) for e in sessions], feed=True)
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
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


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
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(params)
