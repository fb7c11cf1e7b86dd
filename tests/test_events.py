"""Events: the scaffold command, series pages, reports after the event, JSON-LD, the listing filter."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from helpsite.outputs import calendar as ics
from helpsite.publish.build import build_content
from helpsite.data.errors import DataErrors
from helpsite.pages.jsonld import script_tag
from helpsite.data.load import load
from helpsite.editing.scaffold import EventDraft, new_event, slug

from .conftest import FIXTURE_DATA, NOW, ROOT, require_chromium

SCRIPT = ROOT / "scripts" / "new_event.py"
JSONLD = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)


def jsonld_of(markdown_or_html: str) -> dict:
    found = JSONLD.findall(markdown_or_html)
    assert len(found) == 1, "exactly one JSON-LD block per event page"
    return json.loads(found[0])


def pages_of(content) -> dict[str, str]:
    return {p.path: p.markdown for p in content.pages}


# ------------------------------------------------------------------ scaffold

def draft(**changes) -> EventDraft:
    fields = dict(title="Родительское собрание «Безопасный интернет»", type="parent_meeting",
                  start="2026-12-20 18:30", end="2026-12-20 20:00", place="Школа № 7",
                  address="ул. Примерная, 7", audience=["parents"], organizer_ids=["ngo"])
    fields.update(changes)
    return EventDraft(**fields)


def test_slug_follows_the_ids_in_data():
    assert slug("Родительское собрание «Как говорить с ребёнком о безопасности»") == \
        "roditelskoe-sobranie-kak-govorit-s-rebenkom-o-bezopasnosti"
    assert slug("Выявление жестокого обращения: щит") == "vyyavlenie-zhestokogo-obrashcheniya-shchit"


def test_scaffolded_event_is_on_the_site_in_the_calendar_and_on_the_home_page(data_copy: Path):
    created = new_event(data_copy, draft())
    assert created.path == data_copy / "events" / "roditelskoe-sobranie-bezopasnyy-internet-2026-12-20.yml"
    assert created.path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/event.schema.json\n")
    assert created.event.place.address.city == "Нижний Тагил"  # the campaign's city by default
    content = build_content(data_copy, now=NOW)
    eid = created.event.id
    pages = pages_of(content)
    assert f"events/{eid}.md" in pages
    assert "Безопасный интернет" in pages["index.md"].split("## Ближайшие события")[1]
    feed = Calendar.from_ical(content.files[ics.ALL_EVENTS])
    assert f"event-{eid}@example.org" in [str(e["UID"]) for e in feed.walk("VEVENT")]
    assert ics.event_path(eid) in content.files


def test_scaffold_never_overwrites(data_copy: Path):
    new_event(data_copy, draft())
    path = data_copy / "events" / "roditelskoe-sobranie-bezopasnyy-internet-2026-12-20.yml"
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        new_event(data_copy, draft(description="другое"))
    assert path.read_bytes() == before


def test_scaffold_rejects_a_bad_event_and_leaves_data_as_it_was(data_copy: Path):
    before = sorted(p.name for p in (data_copy / "events").iterdir())
    with pytest.raises(DataErrors) as caught:
        new_event(data_copy, draft(organizer_ids=["ngoo"]))
    text = caught.value.report()
    assert "data/events/roditelskoe-sobranie-bezopasnyy-internet-2026-12-20.yml:" in text
    assert "нет организации с таким id" in text and "«ngo»" in text
    assert sorted(p.name for p in (data_copy / "events").iterdir()) == before


def test_scaffold_command(data_copy: Path):
    args = [sys.executable, str(SCRIPT), "--data", str(data_copy), "--title", "Вебинар для педагогов",
            "--type", "training", "--start", "2027-01-15 15:00", "--end", "2027-01-15 16:30",
            "--online", "https://example.org/webinar", "--audience", "teachers", "--audience", "specialists",
            "--organizer", "ngo", "--series", "course", "--part", "3", "--registration-url", "https://example.org/reg",
            "--deadline", "2027-01-10", "--capacity", "40"]
    ok = subprocess.run(args, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Создан файл" in ok.stdout and "Допишите описание" in ok.stdout
    event = load(data_copy).events["vebinar-dlya-pedagogov-2027-01-15"]
    assert event.online_url == "https://example.org/webinar" and event.series_part == 3
    assert event.registration.capacity == 40 and event.registration.deadline == dt.date(2027, 1, 10)
    again = subprocess.run(args, capture_output=True, text=True)
    assert again.returncode == 1 and "уже есть — он не перезаписан" in again.stderr
    nowhere = subprocess.run([sys.executable, str(SCRIPT), "--data", str(data_copy), "--title", "X", "--type", "seminar",
                              "--start", "2027-01-15", "--audience", "parents", "--organizer", "ngo"],
                             capture_output=True, text=True)
    assert nowhere.returncode == 2 and "--place" in nowhere.stderr


# ------------------------------------------------------------------ validation

def test_start_and_end_must_be_of_one_kind(data_copy: Path):
    path = data_copy / "events" / "street-day.yml"
    path.write_text(path.read_text(encoding="utf-8") + "end: 2026-11-26 18:00\n", encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load(data_copy)
    # the line of the end (just appended) and both values
    end_line = len(path.read_text(encoding="utf-8").splitlines())
    assert (f"data/events/street-day.yml:{end_line}: end: у начала и окончания (или новой даты) разный вид: одно с временем, "
            "другое без (end: 2026-11-26 18:00; start: 2026-11-25 в строке") in caught.value.report()


def test_reserved_event_ids(data_copy: Path):
    src = data_copy / "events" / "street-day.yml"
    (data_copy / "events" / "calendar.yml").write_text(
        src.read_text(encoding="utf-8").replace("id: street-day", "id: calendar"), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load(data_copy)
    assert "data/events/calendar.yml:1: id: этот id занят" in caught.value.report()


# ------------------------------------------------------------------ pages

PAGES = pages_of(build_content(FIXTURE_DATA, now=NOW))


def test_series_page_lists_its_sessions():
    page = PAGES["events/series/course.md"]
    assert page.index("../../seminar-1/") < page.index("../../seminar-2/")
    assert 'href="../course.ics"' in page and 'href="webcal://example.org/events/series/course.ics"' in page
    assert 'href="../series/course/"' in PAGES["events/seminar-1.md"]


def test_past_event_with_report_becomes_a_report():
    page = PAGES["events/seminar-1.md"]
    assert '<h2 id="itogi">Итоги</h2>' in page
    assert "<p>Пришли 25 специалистов из &lt;8&gt; служб.</p>" in page  # escaped
    assert '<span class="hs-badge">презентация</span>' in page
    assert "Добавить в календарь" not in page and "Регистрация</h2>" not in page


def test_upcoming_event_offers_calendars_and_registration():
    page = PAGES["events/seminar-2.md"]
    assert "Добавить в календарь" in page and 'href="../seminar-2.ics"' in page
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in page and "outlook.live.com" in page
    assert '<h2 id="registraciya">Регистрация</h2>' in page
    # an image on another host is never loaded, only named in JSON-LD (the kit's own pictures are relative)
    images = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    assert images and not [src for src in images if "//" in src or "poster.png" in src], images


def test_time_is_named_with_its_zone_and_moscow_time():
    page = PAGES["events/seminar-1.md"]
    assert "(UTC+5)</span> <span class=\"hs-tz\">— по времени города Нижний Тагил; в Москве в это время 08:00" in page


def test_listing_filter_form_lists_only_used_values():
    page = PAGES["events/index.md"]
    form = page.split('<form class="hs-filter hs-event-filter" id="hs-event-filter" data-search-exclude hidden>')[1].split("</form>")[0]
    assert '<option value="seminar">' in form and '<option value="street_action">' in form
    assert '<option value="forum">' not in form
    assert '<option value="teachers">' in form and '<option value="parents">' not in form
    assert 'href="webcal://example.org/events/calendar.ics"' in page


# ------------------------------------------------------------------ JSON-LD

REQUIRED = ("name", "startDate", "location")


def _check_google_required(obj: dict):
    assert obj["@context"] == "https://schema.org" and obj["@type"] == "Event"
    for key in REQUIRED:
        assert obj.get(key), key
    locations = obj["location"] if isinstance(obj["location"], list) else [obj["location"]]
    for loc in locations:
        if loc["@type"] == "Place":
            assert loc["address"]["@type"] == "PostalAddress" and loc["address"]["addressLocality"]
        else:
            assert loc["@type"] == "VirtualLocation" and loc["url"].startswith("https://")
    for key in ("description", "eventAttendanceMode", "eventStatus", "organizer"):
        assert obj.get(key), key
    if "T" in obj["startDate"]:
        assert re.search(r"[+-]\d\d:\d\d$", obj["startDate"]), "startDate needs the UTC offset"
        assert dt.datetime.fromisoformat(obj["startDate"]).utcoffset() is not None
    else:
        dt.date.fromisoformat(obj["startDate"])


def test_json_ld_on_fixture_event_pages():
    one = jsonld_of(PAGES["events/seminar-1.md"])
    _check_google_required(one)
    assert one["startDate"] == "2026-10-01T10:00:00+05:00" and one["endDate"] == "2026-10-01T13:00:00+05:00"
    assert one["location"]["geo"]["latitude"] == 57.91
    assert one["superEvent"]["url"] == "https://example.org/events/series/course/"
    two = jsonld_of(PAGES["events/seminar-2.md"])
    _check_google_required(two)
    assert two["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert two["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert two["location"] == {"@type": "VirtualLocation", "url": "https://example.org/live"}
    assert two["image"] == ["https://example.org/poster.png"]
    assert [o["name"] for o in two["organizer"]] == ["АНО «Центр»", "Администрация города"]
    day = jsonld_of(PAGES["events/street-day.md"])
    assert day["startDate"] == "2026-11-25"  # all day: a date, no time
    assert day["location"]["address"]["addressLocality"] == "Нижний Тагил"  # a place without street address


def test_json_ld_statuses(data_copy: Path):
    path = data_copy / "events" / "seminar-1.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "status: postponed\nrescheduled_start: 2026-12-12 11:00\n", encoding="utf-8")
    moved = jsonld_of(pages_of(build_content(data_copy, now=NOW))["events/seminar-1.md"])
    assert moved["eventStatus"] == "https://schema.org/EventRescheduled"
    assert moved["startDate"] == "2026-12-12T11:00:00+05:00" and moved["endDate"] == "2026-12-12T14:00:00+05:00"
    assert moved["previousStartDate"] == "2026-10-01T10:00:00+05:00"
    path.write_text(text + "status: postponed\n", encoding="utf-8")
    assert jsonld_of(pages_of(build_content(data_copy, now=NOW))["events/seminar-1.md"])["eventStatus"] == \
        "https://schema.org/EventPostponed"
    path.write_text(text + "status: cancelled\n", encoding="utf-8")
    assert jsonld_of(pages_of(build_content(data_copy, now=NOW))["events/seminar-1.md"])["eventStatus"] == \
        "https://schema.org/EventCancelled"


def test_json_ld_cannot_be_closed_by_the_data():
    tag = str(script_tag({"name": "</script><script>alert(1)</script><!--"}))
    body = tag.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert "</" not in body and "<!--" not in body
    assert json.loads(body)["name"] == "</script><script>alert(1)</script><!--"


def test_json_ld_in_every_built_event_page(built_site: Path):
    data = load(ROOT / "data")
    for eid, event in data.events.items():
        html = (built_site / "events" / eid / "index.html").read_text(encoding="utf-8")
        obj = jsonld_of(html)
        _check_google_required(obj)
        assert obj["name"] == event.title
        assert obj["url"] == f"https://vmeste-zashchitim.example.org/events/{eid}/"
    # the JSON-LD is data for search engines, not text for the site's search
    from helpsite.outputs.searchindex import read_documents
    assert not any("schema.org" in d[2] for d in read_documents(built_site))


def test_calendars_are_in_the_built_site(built_site: Path):
    data = load(ROOT / "data")
    assert (built_site / "events" / "calendar.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    for eid in data.events:
        assert (built_site / "events" / f"{eid}.ics").is_file()
    for sid in data.series:
        assert (built_site / "events" / "series" / sid / "index.html").is_file()
        assert (built_site / "events" / "series" / f"{sid}.ics").is_file()
    assert (built_site / "plan.ics").is_file()


# ------------------------------------------------------------------ the listing filter in a browser

@require_chromium()
def test_events_filter_by_type_and_audience(visit):
    data = load(ROOT / "data")
    page = visit("events/")
    form = page.locator("#hs-event-filter")
    assert form.is_visible()  # JS reveals it; without JS every event is listed
    total = len(data.events)
    count = page.locator("#hs-event-filter .hs-filter__count")
    assert count.inner_text() == f"Найдено событий: {total}"
    page.select_option("#hs-event-filter-type", "seminar")
    seminars = sum(e.type.value == "seminar" for e in data.events.values())
    assert count.inner_text() == f"Найдено событий: {seminars}"
    assert page.locator(".hs-event:visible").count() == seminars
    page.select_option("#hs-event-filter-type", "")
    page.select_option("#hs-event-filter-audience", "parents")
    parents = sum(any(a.value in ("parents", "everyone") for a in e.audience) for e in data.events.values())
    assert count.inner_text() == f"Найдено событий: {parents}"
    assert all("parents" in c or "everyone" in c for c in
               page.locator(".hs-event:visible").evaluate_all("els => els.map(e => e.dataset.audience)"))
