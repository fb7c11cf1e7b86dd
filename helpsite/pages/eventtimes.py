"""When an event takes place, in one place for pages, calendars, JSON-LD and links.

An event's moments are written in the campaign's zone (or the event's own `timezone`);
a bare date is an all-day event. A postponed event with `rescheduled_start` keeps its
length: the new end is the new start plus the old duration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from helpsite.data import model as m


@dataclass(frozen=True)
class EventTimes:
    tz: ZoneInfo
    all_day: bool
    start: dt.datetime  # as written (for a postponed event: the original start)
    end: dt.datetime | None
    rescheduled: dt.datetime | None  # the new start of a postponed event, if known
    effective_start: dt.datetime  # when it really happens: the new start if rescheduled
    effective_end: dt.datetime | None
    last: dt.datetime  # the last moment of the event: after it, the event is past

    @property
    def start_date(self) -> dt.date:
        return self.effective_start.date()

    @property
    def end_date_exclusive(self) -> dt.date:
        """For all-day events: the day after the last day (iCalendar DTEND;VALUE=DATE)."""
        last_day = self.effective_end.date() if self.effective_end else self.effective_start.date()
        return last_day + dt.timedelta(days=1)


def localize(value: dt.date, tz: dt.tzinfo, end: bool = False) -> dt.datetime:
    return m.as_datetime(value, tz, end=end).astimezone(tz)


def event_tz(event: m.Event, campaign: m.Campaign) -> ZoneInfo:
    return ZoneInfo(event.timezone) if event.timezone else campaign.tz


# event id → (the event object, the campaign's zone, its times): asked ≈ 20 times a build for each event
# (pages, calendars, pictures, feeds), and in `mkdocs serve` from build to build while the event's file
# is unchanged (the loader hands back the same object). A record is not changed once loaded.
_TIMES: dict[str, tuple[m.Event, str, EventTimes]] = {}


def event_times(event: m.Event, campaign: m.Campaign) -> EventTimes:
    known = _TIMES.get(event.id)
    if known is not None and known[0] is event and known[1] == campaign.timezone:
        return known[2]
    times = _event_times(event, campaign)
    if len(_TIMES) > 100_000:  # ids of deleted events, over a long session
        _TIMES.clear()
    _TIMES[event.id] = (event, campaign.timezone, times)
    return times


def _event_times(event: m.Event, campaign: m.Campaign) -> EventTimes:
    tz = event_tz(event, campaign)
    start = localize(event.start, tz)
    end = localize(event.end, tz, end=True) if event.end else None
    moved = localize(event.rescheduled_start, tz) if event.rescheduled_start else None
    if event.all_day:
        # all-day moments are whole days: keep them at midnight, the end day included
        end = localize(event.end, tz) if event.end else None
        moved = localize(event.rescheduled_start, tz) if event.rescheduled_start else None
    effective_start = moved or start
    effective_end = (moved + (end - start)) if moved and end else (None if moved else end)
    if event.all_day:
        last_day = (effective_end or effective_start).date()
        last = localize(last_day, tz, end=True)
    else:
        last = effective_end or effective_start
    return EventTimes(tz=tz, all_day=event.all_day, start=start, end=end, rescheduled=moved,
                      effective_start=effective_start, effective_end=effective_end, last=last)
