"""Calendars: every generated .ics is read by two independent parsers — the Python `icalendar`
library and Mozilla's ical.js (node, tests/js) — and its events are compared with the data:
titles, start/end instants, places. Plus the RFC 5545 rules a calendar app relies on.

ical.js is installed on first use by `npm ci` in tests/js (conftest.npm_tools); without node/npm
those tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from helpsite.outputs import calendar as ics
from helpsite.publish.build import build_content
from helpsite.pages.eventtimes import event_times

from .conftest import FIXTURE_DATA, NOW, ROOT, npm_tools

JS = ROOT / "tests" / "js"
CONTENT = {name: build_content(path, now=NOW) for name, path in (("fixture", FIXTURE_DATA), ("real", ROOT / "data"))}


def calendars(content) -> dict[str, bytes]:
    return {path: blob for path, blob in content.files.items() if path.endswith(".ics")}


def expected_events(content, path: str):
    data = content.data
    if path == ics.ALL_EVENTS:
        return list(data.events.values())
    if path.startswith("events/series/"):
        sid = path.rsplit("/", 1)[1][:-4]
        return [e for e in data.events.values() if e.series_id == sid]
    if path.startswith("events/"):
        return [data.events[path.rsplit("/", 1)[1][:-4]]]
    return []


def instants(event, campaign):
    """What a calendar must say about when the event is: UTC instants, or dates for all-day events."""
    t = event_times(event, campaign)
    if t.all_day:
        return {"date": t.start_date.isoformat()}, {"date": t.end_date_exclusive.isoformat()}
    utc = lambda v: v.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    return {"utc": utc(t.effective_start)}, ({"utc": utc(t.effective_end)} if t.effective_end else None)


# ------------------------------------------------------------------ RFC 5545 / 7986 shape

@pytest.mark.parametrize("name", sorted(CONTENT))
def test_every_calendar_is_well_formed(name):
    content = CONTENT[name]
    files = calendars(content)
    assert ics.ALL_EVENTS in files and ics.PLAN in files
    assert all(ics.event_path(e) in files for e in content.data.events)
    for path, blob in files.items():
        assert blob.endswith(b"\r\n") and b"\n" not in blob.replace(b"\r\n", b""), f"{path}: lines must end with CRLF"
        for line in blob.split(b"\r\n"):
            assert len(line) <= 75, f"{path}: line longer than 75 octets: {line!r}"
            line.decode("utf-8")  # folding never splits a Cyrillic letter
        cal = Calendar.from_ical(blob)
        assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//helpsite//")
        used = {str(c["DTSTART"].params.get("TZID")) for c in cal.walk("VEVENT") if "TZID" in c["DTSTART"].params}
        defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert used <= defined, f"{path}: TZID without VTIMEZONE: {used - defined}"
        for component in cal.walk("VEVENT"):
            assert component.get("UID") and component.get("DTSTAMP") and component.get("DTSTART")
            assert component["DTSTAMP"].dt == NOW.astimezone(dt.timezone.utc)
        text = blob.decode("utf-8")
        if path in (ics.ALL_EVENTS, ics.PLAN) or path.startswith("events/series/"):  # subscribable
            assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text and "\r\nX-PUBLISHED-TTL:PT12H\r\n" in text
            assert re.search(r"\r\nNAME:.+\r\n", text) and "\r\nSOURCE;VALUE=URI:https://" in text


def test_uids_are_stable_and_unique():
    first = calendars(CONTENT["real"])
    again = calendars(build_content(ROOT / "data", now=NOW + dt.timedelta(days=3)))
    uids = lambda blob: [str(c["UID"]) for c in Calendar.from_ical(blob).walk("VEVENT")]  # noqa: E731
    assert uids(first[ics.ALL_EVENTS]) == uids(again[ics.ALL_EVENTS])
    assert len(set(uids(first[ics.ALL_EVENTS]))) == len(CONTENT["real"].data.events)
    for eid in CONTENT["real"].data.events:
        assert uids(first[ics.event_path(eid)]) == [f"event-{eid}@vmeste-zashchitim.example.org"]


def test_text_is_escaped_and_folded():
    content = CONTENT["real"]
    blob = calendars(content)[ics.event_path("bazovaya-programma-2")]
    unfolded = blob.decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Сопровождение ребенка\\, пережившего жестокое обращение и насилие." in unfolded
    assert "LOCATION:Учебный зал (место условное)\\, ул. Примерная\\, 3\\, Нижний Тагил" in unfolded
    assert "DESCRIPTION:" in unfolded and "\\n\\nОрганизаторы: " in unfolded


def test_all_day_event_is_a_date():
    blob = calendars(CONTENT["real"])[ics.event_path("kruglyy-stol-vmeste-zashchitim")]
    text = blob.decode("utf-8")
    assert "DTSTART;VALUE=DATE:20161102\r\n" in text and "DTEND;VALUE=DATE:20161103\r\n" in text
    assert "VTIMEZONE" not in text  # dates need no time zone


def test_status_of_changed_events():
    content = CONTENT["real"]
    moved = Calendar.from_ical(calendars(content)[ics.event_path("master-klass-lichnaya-bezopasnost-2027-01")])
    event = moved.walk("VEVENT")[0]
    # postponed to a known date: the calendar holds the new date, not the old one
    assert event["DTSTART"].dt == dt.datetime(2027, 2, 4, 18, 0, tzinfo=content.data.campaign.tz)
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 1
    online = Calendar.from_ical(calendars(content)[ics.event_path("vebinar-travlya-v-shkole-2027-03")]).walk("VEVENT")[0]
    assert str(online["LOCATION"]) == "https://example.org/vebinar/travlya-2027-03"


def test_plan_deadlines_calendar():
    content = CONTENT["fixture"]
    cal = Calendar.from_ical(calendars(content)[ics.PLAN])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"plan-1-1@example.org", "plan-1-2@example.org"}
    deadline = events["plan-1-1@example.org"]
    assert deadline["DTSTART"].dt == dt.date(2026, 10, 31)  # «2026-10» ends on the month's last day
    assert "просрочено" in str(deadline["DESCRIPTION"])


# ------------------------------------------------------------------ two parsers agree with the data

def _when(value: dict | None) -> dict | None:
    return None if value is None else {k: v for k, v in value.items() if k in ("utc", "date")}


def _compare(content, path: str, parsed_events: list[dict]):
    expected = expected_events(content, path)
    assert len(parsed_events) == len(expected), path
    by_uid = {e["uid"]: e for e in parsed_events}
    for event in expected:
        got = by_uid[f"event-{event.id}@{urlsplit(content.data.campaign.site_url).hostname}"]
        assert got["summary"] == ics.summary(event) and got["summary"].endswith(event.title)
        start, end = instants(event, content.data.campaign)
        got_start, got_end = _when(got["start"]), _when(got["end"])
        assert got_start == start, (path, event.id)
        assert got_end == end or (end is None and got_end in (None, start)), (path, event.id)
        assert got["location"] == ics.location(event)
        if event.place and event.status.value != "moved_online":
            assert event.place.name in got["location"]


def _python_view(blob: bytes) -> list[dict]:
    out = []
    for c in Calendar.from_ical(blob).walk("VEVENT"):
        def moment(prop):
            if prop is None:
                return None
            value = prop.dt
            if not isinstance(value, dt.datetime):
                return {"date": value.isoformat()}
            assert value.tzinfo is not None, "floating time"
            return {"utc": value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        out.append({"uid": str(c["UID"]), "summary": str(c["SUMMARY"]), "start": moment(c.get("DTSTART")),
                    "end": moment(c.get("DTEND")), "location": str(c["LOCATION"]) if c.get("LOCATION") else None})
    return out


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_icalendar_reads_what_the_data_says(name):
    content = CONTENT[name]
    for path, blob in calendars(content).items():
        if path != ics.PLAN:
            _compare(content, path, _python_view(blob))


def _node() -> str:
    node = shutil.which("node")
    if node and npm_tools(JS) and (JS / "node_modules" / "ical.js").is_dir():
        return node
    if os.environ.get("CI"):
        raise RuntimeError("ical.js is missing: the tests install it with `npm ci` in tests/js (needs node and npm)")
    pytest.skip("ical.js is not installed and npm is missing (tests/js/package.json)")


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_ical_js_reads_what_the_data_says(name, tmp_path: Path):
    node = _node()
    content = CONTENT[name]
    files = calendars(content)
    paths = {}
    for rel, blob in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        paths[str(target)] = rel
    result = subprocess.run([node, str(JS / "parse_ics.mjs"), *paths], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert set(parsed) == set(paths)
    for file, view in parsed.items():
        rel = paths[file]
        assert view["version"] == "2.0" and view["prodid"].startswith("-//helpsite//")
        if rel == ics.PLAN:
            assert len(view["events"]) == sum(len(t.activities) for t in content.data.plan.tasks)
            continue
        _compare(content, rel, view["events"])
        for event in view["events"]:
            assert event["dtstamp"] == NOW.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            if "utc" in event["start"]:
                assert event["start"]["zone"] == "Asia/Yekaterinburg"  # resolved through the file's VTIMEZONE
        if rel == ics.ALL_EVENTS:
            assert view["name"] == f"{content.data.campaign.name}: события"


# ------------------------------------------------------------------ add-to-calendar links

def test_google_and_outlook_links():
    content = CONTENT["real"]
    event = content.data.events["roditelskoe-sobranie-2026-12"]
    url = "https://vmeste-zashchitim.example.org/events/roditelskoe-sobranie-2026-12/"
    google = urlsplit(ics.google_url(event, content.data, url))
    assert google.netloc == "calendar.google.com" and google.path == "/calendar/render"
    q = {k: v[0] for k, v in parse_qs(google.query).items()}
    assert q["action"] == "TEMPLATE" and q["text"] == event.title
    assert q["dates"] == "20261210T133000Z/20261210T150000Z"  # 18:30–20:00 in Nizhny Tagil, UTC+5
    assert q["ctz"] == "Asia/Yekaterinburg" and url in q["details"] and "Актовый зал" in q["location"]
    outlook = urlsplit(ics.outlook_url(event, content.data, url))
    q = {k: v[0] for k, v in parse_qs(outlook.query).items()}
    assert outlook.netloc == "outlook.live.com" and outlook.path == "/calendar/0/deeplink/compose"
    assert q["startdt"] == "2026-12-10T13:30:00Z" and q["enddt"] == "2026-12-10T15:00:00Z" and q["allday"] == "false"
    day = content.data.events["kruglyy-stol-vmeste-zashchitim"]
    assert dict(parse_qs(urlsplit(ics.google_url(day, content.data, url)).query))["dates"] == ["20161102/20161103"]


def test_link_query_is_query_keeping_letters():
    """`query_keeping_letters` (names quoted once, a long value once for both links) writes what quoting each
    name and value writes."""
    from urllib.parse import quote_plus

    from helpsite.pages.site import quote_keeping_letters, query_keeping_letters

    def plain(params: dict[str, str]) -> str:
        return "&".join(f"{quote_plus(k)}={quote_keeping_letters(v, plus=True)}" for k, v in params.items())

    url = "https://vmeste-zashchitim.example.org/events/x/"
    for event in CONTENT["real"].data.events.values():
        details = ics._details(event, url)
        for params in ({"action": "TEMPLATE", "text": event.title, "details": details, "location": ics.location(event) or ""},
                       {"path": "/calendar/action/compose", "body": details, "a b&c": "1 + 1 = 2 «да»", "": ""}):
            assert query_keeping_letters(params) == plain(params)
            assert query_keeping_letters(params) == plain(params)  # the long value from the memo


def test_quote_keeping_letters_word_by_word():
    """Quoted word by word from a memo, a text is what quoting each of its characters makes: letters beyond
    ASCII kept, everything else as `quote` (`quote_plus`) writes it — runs of spaces, spaces at the ends, tabs
    and line breaks (not word breaks), words seen before, long words (not kept)."""
    import random
    from urllib.parse import quote, quote_plus

    from helpsite.pages.site import quote_keeping_letters

    def by_character(text: str, plus: bool) -> str:
        encode = quote_plus if plus else quote
        return "".join(c if ord(c) > 127 and c.isalpha() else encode(c, safe="") for c in text)

    alphabet = "ab Zz09 -_.~,&+=/?#%«»ёЁжЖ\t\n\u00a0\u2028é½²日😀"
    rng = random.Random(18)
    texts = ["", " ", "  ", "Нижний Тагил, ул. Ленина, 5", " ул.  Ленина ", "x+y z&w", "ё&" * 30 + " " + "Ж/" * 25]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(30))) for _ in range(3000)]
    for text in texts + texts:  # the second time from the memo
        for plus in (False, True):
            assert quote_keeping_letters(text, plus) == by_character(text, plus), (text, plus)


def test_webcal_link():
    assert ics.webcal("https://example.org/events/calendar.ics") == "webcal://example.org/events/calendar.ics"


def _fold_by_characters(line: str, limit: int = 75) -> str:
    """The folding rule written character by character (the writer's first version): the reference."""
    if len(line.encode()) < limit:
        return line + "\r\n"
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= limit:
            if len(current) > 1 and current[-1] == "\\":  # an escape pair stays together
                current.pop()
                parts.append("".join(current))
                current, size = ["\\"], 1
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def test_fold_cuts_where_the_character_rule_cuts():
    """`fold` cuts the UTF-8 bytes (fast); the lines are exactly those of cutting character by
    character: same places, same backslash kept with what it escapes, at any limit it accepts."""
    import random

    rng = random.Random(18)
    alphabet = ["a", " ", "\\", "\\n", ",", "я", "ё", "€", "😀", "\u0301", "x" * 10, "ж" * 7]
    for limit in (75, 75, 75, 6, 7, 10, 20):
        for _ in range(3000):
            line = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 130)))
            assert ics.fold(line, limit) == _fold_by_characters(line, limit), (limit, line)
    with pytest.raises(ValueError):
        ics.fold("ж" * 10, 5)


def test_written_text_reads_back_exactly():
    """The direct writer's escaping and folding: awkward text (Cyrillic, emoji, escapes right at a
    fold, CR/LF, commas, semicolons, backslashes) comes back from icalendar unchanged, every line
    ≤ 75 octets and no UTF-8 character split."""
    import random
    from icalendar import Event

    rng = random.Random(5)
    alphabet = ["ж", "ё", "a", " ", ",", ";", "\\", "\n", "😀", "«", "»", ":", "x" * 3]
    samples = ["", "\\" * 80, ";" * 80, "ж" * 100, "a" * 73 + "\\,", "a" * 72 + "ж,;"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300))) for _ in range(300)]
    for value in samples:
        line = ics.fold("DESCRIPTION:" + ics.text(value))
        assert line.endswith("\r\n")
        for part in line.encode().split(b"\r\n")[:-1]:
            assert len(part) <= 75
            part.decode()  # raises if a character was split
        parsed = Event.from_ical(f"BEGIN:VEVENT\r\n{line}END:VEVENT\r\n")
        assert str(parsed["DESCRIPTION"]) == value.replace("\r\n", "\n"), repr(value)
