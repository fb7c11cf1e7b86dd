"""Announcing events: link previews on every page, preview pictures and event kits, feeds.

Proven as a coordinator meets them: Open Graph tags parsed from the built HTML of every page
type (record pages filled into their frame included), the PNGs opened and measured (text
inside its box, QR codes decoded with zxing-cpp), the feeds parsed with feedparser and
checked element by element, and in Chromium the «Скопировать текст» button pressed and the
clipboard pasted into a plain text field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
import zxingcpp
from PIL import Image

from helpsite.data import model as m
from helpsite.outputs.announce import Announcer, cards, event_feeds, words
from helpsite.outputs.announce.feeds import EVENTS_FEED, entry_title
from helpsite.data.load import load
from helpsite.pages.builder import Site

from .conftest import (
    NOW,
    ROOT,
    copy_project,
    mkdocs_build,
    require_chromium,
)

DATA = load(ROOT / "data")
SITE_URL = DATA.campaign.site_url.rstrip("/") + "/"
LONG_TITLE = ("Межведомственный семинар-практикум для специалистов органов опеки, школьных психологов, "
              "социальных педагогов, инспекторов по делам несовершеннолетних и медицинских работников "
              "«Раннее выявление жестокого обращения с детьми, алгоритм действий и маршрутизация семьи "
              "в городской системе помощи» с разбором случаев")
assert len(LONG_TITLE) >= 300


def _event(**changes) -> m.Event:
    base = DATA.events["roditelskoe-sobranie-2026-12"]
    return base.model_copy(update=changes)


def _announcer(data=DATA, now: dt.datetime = NOW) -> Announcer:
    return Announcer(data, now.astimezone(data.campaign.tz), data.campaign.site_url, Site())


def _with_events(*events: m.Event):
    return dataclasses.replace(DATA, events={e.id: e for e in events})


STATUSES = {
    "scheduled": {},
    "cancelled": {"status": m.EventStatus.cancelled},
    "postponed": {"status": m.EventStatus.postponed, "rescheduled_start": dt.datetime(2027, 2, 4, 18, 0)},
    "postponed-unknown": {"status": m.EventStatus.postponed},
    "moved_online": {"status": m.EventStatus.moved_online, "online_url": "https://example.org/meet"},
    "online": {"place": None, "online_url": "https://example.org/meet"},
}


# ------------------------------------------------------------------ words: dates and the ready text

def test_date_and_time_as_people_write_them():
    event = _event(start=dt.datetime(2027, 1, 21, 15, 0), end=None)
    now = dt.datetime(2027, 1, 10, 12, 0, tzinfo=DATA.campaign.tz)
    assert words.when(event, DATA, year=False).full() == "Четверг, 21 января, 15:00 (время екатеринбургское)"
    online = words.when(event, DATA, year=False, moscow=True).full()
    assert online == "Четверг, 21 января, 15:00 (время екатеринбургское; 13:00 по Москве)"
    text = words.post_text(event, DATA, "https://x.example/e/", now)
    assert "Четверг, 21 января, 15:00 (время екатеринбургское)" in text  # the year is left out in the same year
    later = words.post_text(event, DATA, "https://x.example/e/", dt.datetime(2026, 12, 1, tzinfo=DATA.campaign.tz))
    assert "Четверг, 21 января 2027, 15:00" in later
    whole_day = _event(start=dt.date(2027, 5, 15), end=None)
    assert words.when(whole_day, DATA, year=False).full() == "Суббота, 15 мая, весь день"
    moscow = DATA.campaign.model_copy(update={"timezone": "Europe/Moscow"})
    assert words.zone_words(dt.datetime(2027, 1, 21, 15, tzinfo=moscow.tz)) == "время московское"
    assert words.zone_words(dt.datetime(2027, 1, 21, 15, tzinfo=m.ZoneInfo("Asia/Tbilisi"))) == "время местное, UTC+4"


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_ready_text_says_the_status_first_and_the_helpline_last(status):
    event = _event(**STATUSES[status])
    url = "https://vmeste-zashchitim.example.org/events/roditelskoe-sobranie-2026-12/"
    text = words.post_text(event, DATA, url, NOW)
    lines = text.rstrip("\n").split("\n")
    assert lines[0].startswith("[Демонстрационный сайт")  # this campaign is a draft
    first = lines[1]
    expected_first = {"cancelled": "ОТМЕНЕНО", "postponed": "ПЕРЕНОС", "postponed-unknown": "ПЕРЕНОС",
                      "moved_online": "ВНИМАНИЕ: событие пройдёт онлайн"}.get(status, event.title)
    assert first.startswith(expected_first), first
    assert lines[-1] == words.helpline_line(DATA) and "8-800-2000-122" in lines[-1]
    assert f"Подробности: {url}" in text
    if status == "postponed":
        assert "Четверг, 4 февраля 2027, 18:00–19:30 (время екатеринбургское)" in text
        assert "Прежняя дата: четверг, 10 декабря 2026, 18:30–20:00" in text
    if status == "postponed-unknown":
        assert "новая дата будет объявлена" in text and "Прежняя дата: четверг, 10 декабря, 18:30" in text
    if status == "cancelled":
        assert "Место:" not in text and "Было назначено: Четверг, 10 декабря, 18:30–20:00" in text
    if status in ("online", "moved_online"):
        assert "Онлайн: https://example.org/meet" in text and "по Москве" in text
    else:
        assert "по Москве" not in text
    # plain text: nothing VK or Telegram would show as marks or turn into formatting
    for mark in ("**", "__", "`", "~~", "||", "<", ">", "&lt;", "&amp;", "](", "#"):
        assert mark not in text, mark
    assert len(text) <= words.TELEGRAM_CAPTION


def test_ready_text_of_every_event_fits_a_telegram_caption():
    announcer = _announcer()
    for event in DATA.events.values():
        text = announcer.text(event)
        assert len(text) <= words.TELEGRAM_CAPTION, (event.id, len(text))
        assert " ".join(event.title.split()) in text


def test_long_description_is_cut_at_a_word():
    description = " ".join(["Очень подробное описание занятия с примерами из практики."] * 40)
    event = _event(title=LONG_TITLE, description=description)
    text = words.post_text(event, DATA, SITE_URL + "events/x/", NOW)
    assert len(text) <= words.TELEGRAM_CAPTION
    cut = next(line for line in text.split("\n") if line.startswith("Очень подробное"))
    assert cut.endswith("…") and description.startswith(cut[:-1].rstrip())
    assert cut[:-1].rstrip(" ,.;:") + " " in description + " "  # ends at a whole word
    assert LONG_TITLE in text and text.rstrip().endswith(words.helpline_line(DATA))


# ------------------------------------------------------------------ pictures: sizes, text fits, QR

def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def assert_text_fits(drawn: cards.Drawn):
    """Every line's measured ink stays in its region and in the picture; lines do not overlap."""
    width, height = drawn.size
    for line in drawn.lines:
        left, top, right, bottom = line.ink
        r_left, r_top, r_right, r_bottom = line.region
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, line
        assert r_left <= left and right <= r_right and r_top <= top and bottom <= r_bottom, line
        # measured again from the text itself (textbbox): the box is the text's, not a made-up one
        i_left, i_top, i_right, i_bottom = cards.ink(line.text, cards.font(line.size, line.bold))
        assert (right - left, bottom - top) == (i_right - i_left, i_bottom - i_top), line
    for i, a in enumerate(drawn.lines):
        for b in drawn.lines[i + 1:]:
            overlap = not (a.ink[2] <= b.ink[0] or b.ink[2] <= a.ink[0] or a.ink[3] <= b.ink[1] or b.ink[3] <= a.ink[1])
            assert not overlap, (a, b)
    if drawn.qr_box:
        for line in drawn.lines:
            q = drawn.qr_box
            assert line.ink[2] <= q[0] or q[2] <= line.ink[0] or line.ink[3] <= q[1] or q[3] <= line.ink[1], line


def assert_margins_blank(drawn: cards.Drawn, margin: int):
    """From the pixels: nothing is drawn in the side margins of the white body (no text ran over)."""
    image = _image(drawn.png).convert("RGB")
    width, _ = image.size
    body = next(line.region for line in drawn.lines if line.block == "title")
    for x0, x1 in ((0, body[0] - 2), (body[2] + 2, width)):
        strip = image.crop((x0, body[1], x1, body[3]))
        colours = {c for _, c in strip.getcolors(maxcolors=1 << 16)}
        assert len(colours) == 1, f"something drawn in the margin {x0}–{x1}: {sorted(colours)[:5]}"


def decode(png: bytes) -> zxingcpp.Result:
    results = zxingcpp.read_barcodes(_image(png))
    assert len(results) == 1, results
    return results[0]


@pytest.mark.parametrize("kind", ["og", "post", "story"])
@pytest.mark.parametrize("status", sorted(STATUSES))
def test_event_picture_sizes_text_fits_and_status_comes_first(kind, status):
    announcer = _announcer()
    event = _event(**STATUSES[status])
    card = announcer.event_card(event, kind)
    drawn = cards.render(card)
    image = _image(drawn.png)
    assert image.format == "PNG" and image.size == cards.SIZES[kind]
    assert_text_fits(drawn)
    assert drawn.text("title") == event.title and not drawn.truncated
    assert drawn.text("phones").startswith("Детский телефон доверия") or drawn.text("helpline") == "Детский телефон доверия"
    assert "8-800-2000-122" in drawn.text("phones")
    assert "ДЕМОНСТРАЦИОННЫЙ САЙТ" in drawn.text("draft")
    status_lines = [line for line in drawn.lines if line.block == "status"]
    if status in ("scheduled", "online"):
        assert not status_lines
        assert drawn.text("when") == "Четверг, 10 декабря 2026, 18:30–20:00"
    else:  # the status banner is above the title
        title_top = min(line.ink[1] for line in drawn.lines if line.block == "title")
        assert status_lines and max(line.ink[3] for line in status_lines) < title_top
    if status == "postponed":
        assert drawn.text("status") == "ПЕРЕНЕСЕНО НА 4 ФЕВРАЛЯ 2027"
        assert drawn.text("when") == "Четверг, 4 февраля 2027, 18:00–19:30"  # the same length as planned
        assert "прежняя дата: четверг, 10 декабря 2026" in drawn.text("note")
    if status == "cancelled":
        assert drawn.text("status").startswith("ОТМЕНЕНО")
    if status in ("online", "moved_online"):
        assert drawn.text("where") == "Онлайн"
    else:
        assert drawn.text("where").startswith("Актовый зал школы")
    if kind == "og":
        assert_margins_blank(drawn, 56)
    else:  # the QR code opens the event's page
        result = decode(drawn.png)
        assert result.text == announcer.event_url(event) and result.format == zxingcpp.BarcodeFormat.QRCode
        assert result.ec_level == "M"


@pytest.mark.parametrize("kind", ["og", "post", "story"])
@pytest.mark.parametrize("title", [LONG_TITLE, LONG_TITLE + " " + LONG_TITLE], ids=["300", "600"])
def test_a_long_title_shrinks_and_is_cut_at_a_word(kind, title):
    announcer = _announcer()
    event = _event(title=title, status=m.EventStatus.postponed,
                   rescheduled_start=dt.datetime(2027, 2, 4, 18, 0),
                   place=m.EventPlace(name="Большой зал Центра социальной помощи семье и детям Ленинского района "
                                           "города Нижний Тагил, корпус 2, третий этаж, по коридору направо"))
    drawn = cards.render(announcer.event_card(event, kind))
    assert_text_fits(drawn)
    shown = drawn.text("title")
    normal = max(line.size for line in cards.render(announcer.event_card(_event(), kind)).lines if line.block == "title")
    title_sizes = {line.size for line in drawn.lines if line.block == "title"}
    assert max(title_sizes) < normal  # shrunk first
    assert max(title_sizes) >= 26  # still readable in a feed
    if "title" in drawn.truncated:  # then cut at a word, with «…»
        assert shown.endswith("…")
        kept = shown[:-1].rstrip()
        assert title.startswith(kept) and title[len(kept)] in " ,«", "cut inside a word"
    else:
        assert shown == title
    if len(title) > 500:
        assert "title" in drawn.truncated  # 600 characters never fit whole
    # what matters most stays whole: the new date, the status, the helpline
    assert drawn.text("when") == "Четверг, 4 февраля 2027, 18:00–19:30"
    assert drawn.text("status") == "ПЕРЕНЕСЕНО НА 4 ФЕВРАЛЯ 2027"
    assert "8-800-2000-122" in drawn.text("phones")
    if kind == "og":
        assert_margins_blank(drawn, 56)
    else:
        assert decode(drawn.png).text == announcer.event_url(event)


def test_a_word_longer_than_the_line_is_broken_not_overflowing():
    announcer = _announcer()
    event = _event(title="Б" * 120, place=m.EventPlace(name="Ц" * 200))
    drawn = cards.render(announcer.event_card(event, "og"))
    assert_text_fits(drawn)
    assert_margins_blank(drawn, 56)


def test_campaign_card_and_the_draft_label():
    announcer = _announcer()
    drawn = cards.render(announcer.campaign_card())
    assert _image(drawn.png).size == (1200, 630)
    assert_text_fits(drawn)
    assert drawn.text("title") == DATA.campaign.name and drawn.text("draft") == "ДЕМОНСТРАЦИОННЫЙ САЙТ"
    assert "8-800-2000-122" in drawn.text("phones")
    live = dataclasses.replace(DATA, campaign=DATA.campaign.model_copy(update={"status": m.CampaignStatus.live}))
    live_announcer = _announcer(live)
    assert not [line for line in cards.render(live_announcer.campaign_card()).lines if line.block == "draft"]
    for kind in ("og", "post", "story"):
        lines = cards.render(live_announcer.event_card(_event(), kind)).lines
        assert not [line for line in lines if line.block == "draft"]
        assert "[Демонстрационный" not in live_announcer.text(_event())


def test_only_events_get_pictures_of_their_own():
    announcer = _announcer()
    images = announcer.images()
    og = [path for path, card in images if card.kind == "og"]
    assert len(og) == 1 + len(DATA.events)  # one campaign card, one per event; none per service
    kits = [path for path, card in images if card.kind != "og"]
    assert len(kits) == 2 * len(announcer.kit_events())
    assert len({path for path, _ in images}) == len(images)
    # a changed event gets a new picture address (messengers cache pictures by address)
    before = announcer.og_image(_event())
    assert announcer.og_image(_event(status=m.EventStatus.cancelled)) != before
    assert announcer.og_image(_event()) == before


def test_announce_set_uses_the_page_builders_announcer_only_when_it_says_the_same(tmp_path: Path, monkeypatch):
    """The build hands the page builder's announcer to `announce_set`: the cards made there are those the
    event pages show. An announcer made of other inputs (another address, URL style, time, data) is not used."""
    from helpsite.outputs.announce import site as announce_site

    monkeypatch.setattr(announce_site, "render_missing", lambda jobs: None)  # the paths, not the pictures
    now = NOW.astimezone(DATA.campaign.tz)
    same = Announcer(DATA, now, DATA.campaign.site_url, Site())
    assert same.says_as(_announcer())
    others = [Announcer(DATA, now, "https://other.example.org/", Site()), Announcer(DATA, now, DATA.campaign.site_url, Site(False)),
              Announcer(DATA, now + dt.timedelta(days=1), DATA.campaign.site_url, Site()),
              Announcer(_with_events(*DATA.events.values()), now, DATA.campaign.site_url, Site())]
    assert not any(other.says_as(same) for other in others)
    alone = announce_site.announce_set(DATA, NOW, tmp_path, DATA.campaign.site_url)
    shared = announce_site.announce_set(DATA, NOW, tmp_path, DATA.campaign.site_url, announcer=same)
    assert shared == alone and same._cards  # the same set, and its cards are now the announcer's
    for other in others:
        announce_site.announce_set(DATA, NOW, tmp_path, DATA.campaign.site_url, announcer=other)
        assert not other._cards


# ------------------------------------------------------------------ feeds

def _feed_checks(xml: bytes, feed_url: str):
    """feedparser accepts it; every element Atom requires is there once; every link absolute."""
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(xml)
    a = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{a}feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{a}{tag}")) == 1, tag
    assert root.find(f"{a}author/{a}name").text
    self_links = [link.get("href") for link in root.findall(f"{a}link") if link.get("rel") == "self"]
    assert self_links == [feed_url] and root.findtext(f"{a}id") == feed_url
    feed_updated = dt.datetime.fromisoformat(root.findtext(f"{a}updated"))
    ids = []
    for entry in root.findall(f"{a}entry"):
        for tag in ("id", "title", "updated", "published", "summary"):
            assert len(entry.findall(f"{a}{tag}")) == 1, tag
        updated = dt.datetime.fromisoformat(entry.findtext(f"{a}updated"))
        assert updated.tzinfo is not None and updated <= feed_updated
        assert dt.datetime.fromisoformat(entry.findtext(f"{a}published")) <= updated
        ids.append(entry.findtext(f"{a}id"))
        alternate = [link for link in entry.findall(f"{a}link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href") == entry.findtext(f"{a}id")
    assert len(ids) == len(set(ids))
    for element in root.iter():
        for attr in ("href",):
            if element.get(attr):
                assert urlsplit(element.get(attr)).scheme == "https", element.get(attr)
    for url in ids + [root.findtext(f"{a}logo")]:
        assert url.startswith(SITE_URL), url
    return parsed


def test_feed_entries_change_with_status_and_date(tmp_path: Path):
    event = _event()
    other = DATA.events["seminar-vyyavlenie-zhestokogo-obrashcheniya-2027-02"]
    now1 = NOW
    first = event_feeds(_announcer(_with_events(event, other), now1))
    previous = tmp_path / "site"
    for path, content in first.items():
        (previous / path).parent.mkdir(parents=True, exist_ok=True)
        (previous / path).write_bytes(content)
    parsed = _feed_checks(first[EVENTS_FEED], SITE_URL + EVENTS_FEED)
    assert [e.title for e in parsed.entries] == [entry_title(event, DATA), entry_title(other, DATA)]
    assert parsed.entries[0].title == "Родительское собрание «Как говорить с ребёнком о безопасности» — 10 декабря 2026, 18:30"

    # a day later, nothing changed: the same bytes (entries and the feed keep their dates)
    now2 = NOW + dt.timedelta(days=1)
    again = event_feeds(_announcer(_with_events(event, other), now2), previous)
    assert again[EVENTS_FEED] == first[EVENTS_FEED]

    # postponed: its entry is updated and says so first; the other entry keeps its dates
    moved = _event(status=m.EventStatus.postponed, rescheduled_start=dt.datetime(2027, 2, 4, 18, 0))
    changed = _feed_checks(event_feeds(_announcer(_with_events(moved, other), now2), previous)[EVENTS_FEED],
                           SITE_URL + EVENTS_FEED)
    entries = {e.id: e for e in changed.entries}
    url = SITE_URL + "events/roditelskoe-sobranie-2026-12/"
    assert entries[url].title == ("Перенесено на 4 февраля 2027, 18:00: "
                                  "Родительское собрание «Как говорить с ребёнком о безопасности»")
    assert dt.datetime.fromisoformat(entries[url].updated) == now2.astimezone(DATA.campaign.tz)
    assert dt.datetime.fromisoformat(entries[url].published) == now1  # first seen stays
    assert entries[url].summary.splitlines()[1].startswith("ПЕРЕНОС")
    other_url = SITE_URL + "events/seminar-vyyavlenie-zhestokogo-obrashcheniya-2027-02/"
    assert dt.datetime.fromisoformat(entries[other_url].updated) == now1
    assert dt.datetime.fromisoformat(changed.feed.updated) == now2.astimezone(DATA.campaign.tz)

    # cancelled: the title says it first
    cancelled = event_feeds(_announcer(_with_events(_event(status=m.EventStatus.cancelled), other), now2), previous)
    assert feedparser.parse(cancelled[EVENTS_FEED]).entries[0].title.startswith("Отменено: ")
    # the date moved by the editor (no status): updated too
    redated = event_feeds(_announcer(_with_events(_event(start=dt.datetime(2026, 12, 11, 18, 30), end=None), other),
                                     now2), previous)
    entry = feedparser.parse(redated[EVENTS_FEED]).entries[0]
    assert entry.title.endswith("11 декабря 2026, 18:30")
    assert dt.datetime.fromisoformat(entry.updated) == now2.astimezone(DATA.campaign.tz)


def test_feed_lists_only_upcoming_events_and_series_feeds():
    announcer = _announcer()
    files = event_feeds(announcer)
    parsed = _feed_checks(files[EVENTS_FEED], SITE_URL + EVENTS_FEED)
    upcoming = {announcer.event_url(e) for e in DATA.events.values() if announcer.has_kit(e)}
    assert {e.id for e in parsed.entries} == upcoming and upcoming
    for series in DATA.series.values():
        path = f"events/series/{series.id}.xml"
        _feed_checks(files[path], SITE_URL + path)


def test_feed_text_is_escaped_xml():
    event = _event(title='Семинар "A&B" <script>alert(1)</script> ]]>', description="x < y & z")
    xml = event_feeds(_announcer(_with_events(event)))[EVENTS_FEED]
    parsed = _feed_checks(xml, SITE_URL + EVENTS_FEED)
    assert parsed.entries[0].title.startswith('Семинар "A&B" <script>alert(1)</script> ]]>')
    assert b"<script>" not in xml


# ------------------------------------------------------------------ the built site

class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1[-1] += data


def head_of(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


OG_REQUIRED = ["og:type", "og:site_name", "og:locale", "og:title", "og:description", "og:url", "og:image",
               "og:image:width", "og:image:height", "twitter:card", "twitter:title", "twitter:description",
               "twitter:image"]


def local_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    rel = url[len(SITE_URL):]
    target = site / rel
    return target / "index.html" if rel.endswith("/") or rel == "" else target


def check_preview(site: Path, page: Path) -> dict[str, str]:
    head = head_of(page)
    og = {}
    for key in OG_REQUIRED:
        values = head.meta.get(key, [])
        assert len(values) == 1 and values[0].strip(), f"{page.relative_to(site)}: {key} = {values}"
        og[key] = values[0]
    assert og["og:locale"] == "ru_RU" and og["twitter:card"] == "summary_large_image"
    assert og["og:site_name"] == "Вместе защитим (демонстрационный сайт)"
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [og["og:url"]] and local_file(site, og["og:url"]) == page
    assert og["twitter:title"] == og["og:title"] and og["twitter:description"] == og["og:description"]
    assert og["twitter:image"] == og["og:image"]
    assert og["og:description"] == head.meta["description"][0]
    picture = local_file(site, og["og:image"])
    with Image.open(picture) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    feeds = [link for link in head.links if "alternate" in link.get("rel", "").split()
             and link.get("type") == "application/atom+xml"]
    assert feeds and feeds[0]["href"] == SITE_URL + EVENTS_FEED
    assert "HSSHELL" not in page.read_text(encoding="utf-8")
    return og


def test_every_page_has_a_link_preview(built_site: Path):
    pages = sorted(p for p in built_site.rglob("*.html") if p.name != "404.html")
    assert len(pages) >= 40
    campaign_card = None
    for page in pages:
        og = check_preview(built_site, page)
        if "/og/events/" not in og["og:image"]:
            campaign_card = campaign_card or og["og:image"]
            assert og["og:image"] == campaign_card, page  # every other page shares one campaign card
    assert re.search(r"/og/campaign-[0-9a-f]{16}\.png$", campaign_card)


PAGE_TYPES = {
    "index.html": ("Вместе защитим", "website"),
    "helplines/index.html": ("Телефоны помощи", "article"),
    "services/index.html": ("Службы помощи", "article"),
    "algorithms/index.html": (None, "article"),
    "events/index.html": ("События", "article"),
    "news/index.html": (None, "article"),
    "plan/index.html": (None, "article"),
    "results/index.html": (None, "article"),
    "print/index.html": ("Материалы для печати", "article"),
    "open-data/index.html": (None, "article"),
    "about/index.html": (None, "article"),
    "safety/index.html": (None, "article"),
}


@pytest.mark.parametrize("path", sorted(PAGE_TYPES))
def test_page_types_preview(built_site: Path, path: str):
    title, kind = PAGE_TYPES[path]
    og = check_preview(built_site, built_site / path)
    assert og["og:type"] == kind
    if title:
        assert og["og:title"] == title
    assert og["og:image"].startswith(SITE_URL + "og/campaign-")


def test_record_pages_have_their_own_values(built_site: Path):
    """Services and events are filled into a shared frame: each page's tags must be its own."""
    for service in list(DATA.services.values())[:5]:
        page = built_site / "services" / service.id / "index.html"
        og = check_preview(built_site, page)
        assert og["og:title"] == service.name and og["og:url"] == SITE_URL + f"services/{service.id}/"
        assert og["og:description"].startswith(service.name)
        assert "/og/campaign-" in og["og:image"]
    announcer = Announcer(DATA, dt.datetime.now(DATA.campaign.tz), SITE_URL, Site())
    for event in DATA.events.values():
        page = built_site / "events" / event.id / "index.html"
        og = check_preview(built_site, page)
        assert og["og:title"] == " ".join(event.title.split()) == head_of(page).h1[0].strip()
        assert og["og:url"] == SITE_URL + f"events/{event.id}/"
        assert og["og:image"] == announcer.og_image(event)
        assert re.search(rf"/og/events/{re.escape(event.id)}-[0-9a-f]{{16}}\.png$", og["og:image"])
        if event.status is m.EventStatus.postponed:
            assert og["og:description"].startswith("Мастер-класс, 4 февраля 2027 (перенесено с 21 января 2027)")
        if event.status is m.EventStatus.moved_online:
            assert "онлайн" in og["og:description"].split(".")[0]
    # no picture per service: one campaign card and one per event
    assert len(list((built_site / "og").rglob("*.png"))) == 1 + len(DATA.events)


def test_kits_in_the_built_site(built_site: Path):
    announcer = Announcer(DATA, dt.datetime.now(DATA.campaign.tz), SITE_URL, Site())
    kit_events = announcer.kit_events()
    assert kit_events
    for event in kit_events:
        kit = announcer.kit(event)
        page = (built_site / "events" / event.id / "index.html").read_text(encoding="utf-8")
        assert '<details class="hs-kit" id="anons">' in page and "<summary>Для организаторов: анонс</summary>" in page
        for path, size in ((kit.post, (1080, 1080)), (kit.story, (1080, 1920))):
            png = (built_site / path).read_bytes()
            assert _image(png).size == size
            result = decode(png)
            assert result.text == SITE_URL + f"events/{event.id}/" and result.ec_level == "M"
            assert local_file(built_site, result.text).is_file()  # the code leads to a page that exists
            # as a messenger passes it on: half the size, JPEG quality 70 — still read
            small = io.BytesIO()
            image = _image(png).convert("RGB")
            image.resize((size[0] // 2, size[1] // 2), Image.Resampling.LANCZOS).save(small, "JPEG", quality=70)
            assert decode(small.getvalue()).text == result.text
            assert f"../../{path}" in page
        text = (built_site / kit.text_path).read_text(encoding="utf-8")
        assert text == announcer.text(event)
        # the text in the page's field is the same text (HTML-escaped inside <textarea>)
        field = re.search(r'<textarea id="hs-kit-text"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1)
        assert _unescape(field) == text
    past = [e for e in DATA.events.values() if e not in kit_events]
    for event in past:
        assert 'class="hs-kit"' not in (built_site / "events" / event.id / "index.html").read_text(encoding="utf-8")
    printed = (built_site / "print" / "index.html").read_text(encoding="utf-8")
    assert "Анонсы событий для соцсетей" in printed
    for event in kit_events[:12]:
        kit = announcer.kit(event)
        assert f'href="../{kit.story}"' in printed and f'href="../{kit.text_path}"' in printed


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_feeds_in_the_built_site(built_site: Path):
    xml = (built_site / EVENTS_FEED).read_bytes()
    parsed = _feed_checks(xml, SITE_URL + EVENTS_FEED)
    for entry in parsed.entries:
        assert local_file(built_site, entry.link).is_file()
        assert any(local_file(built_site, link.href).is_file() for link in entry.links if link.rel == "enclosure")
    titles = [e.title for e in parsed.entries]
    assert any(t.startswith("Перенесено на 4 февраля 2027, 18:00: Мастер-класс") for t in titles), titles
    assert any(t.startswith("Онлайн: ") for t in titles), titles
    for series in DATA.series:
        _feed_checks((built_site / f"events/series/{series}.xml").read_bytes(), SITE_URL + f"events/series/{series}.xml")
    events_page = head_of(built_site / "events" / "index.html")
    assert any(a.get("href") == "feed.xml" and a.get("type") == "application/atom+xml" for a in events_page.anchors)
    series_page = head_of(built_site / "events" / "series" / "bazovaya-programma" / "index.html")
    feeds = [link["href"] for link in series_page.links if link.get("type") == "application/atom+xml"]
    assert SITE_URL + "events/series/bazovaya-programma.xml" in feeds


def test_a_change_reaches_previews_and_feed_and_text_is_escaped(tmp_path: Path):
    """Two builds of one project: the second, after an event was cancelled and renamed with
    markup in its title, keeps the feed's other entries and dates, updates the changed one,
    and every preview tag shows the title as text."""
    project = copy_project(tmp_path / "project")
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout
    before = feedparser.parse((site / EVENTS_FEED).read_bytes())
    event_file = project / "data" / "events" / "roditelskoe-sobranie-2026-12.yml"
    record = yaml.safe_load(event_file.read_text(encoding="utf-8"))
    record["status"] = "cancelled"
    record["title"] = 'Собрание "A&B" <script>alert(1)</script>'
    event_file.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout
    after = feedparser.parse((site / EVENTS_FEED).read_bytes())
    assert after.bozo == 0
    old = {e.id: e for e in before.entries}
    new = {e.id: e for e in after.entries}
    url = SITE_URL + "events/roditelskoe-sobranie-2026-12/"
    assert new[url].title == 'Отменено: Собрание "A&B" <script>alert(1)</script>'
    assert new[url].updated > old[url].updated and new[url].published == old[url].published
    for ident in set(old) - {url}:
        assert (new[ident].updated, new[ident].title) == (old[ident].updated, old[ident].title)
    page = site / "events" / "roditelskoe-sobranie-2026-12" / "index.html"
    raw = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw  # (JSON-LD holds it as «<\/script>», inert)
    og = check_preview(site, page)
    assert og["og:title"] == 'Собрание "A&B" ‹script›alert(1)‹/script›'  # as text: no tag can be formed
    assert og["og:description"].startswith("Отменено: родительское собрание, 10 декабря 2026")
    picture = local_file(site, og["og:image"])
    assert picture.is_file() and "/og/events/roditelskoe-sobranie-2026-12-" in og["og:image"]
    kit_text = (site / "announce" / "roditelskoe-sobranie-2026-12" / "anons.txt").read_text(encoding="utf-8")
    assert kit_text.split("\n")[1] == "ОТМЕНЕНО. Событие не состоится."


# ------------------------------------------------------------------ the copy button in Chromium

def _expected_text(event_id: str) -> str:
    announcer = Announcer(DATA, dt.datetime.now(DATA.campaign.tz), SITE_URL, Site())
    return announcer.text(DATA.events[event_id])


def _put_on_clipboard(page, text: str) -> None:
    """Something else on the clipboard first (Ctrl+C of a scratch field): the paste must come from the button."""
    page.evaluate("""(text) => { const t = document.createElement('textarea'); t.id = 'scratch'; t.value = text;
                                 document.body.prepend(t); t.focus(); t.select(); }""", text)
    page.keyboard.press("Control+C")
    page.evaluate("document.getElementById('scratch').remove()")


def _paste_into_plain_field(page) -> str:
    """A plain <textarea> outside the kit, focused, Ctrl+V: what a coordinator's paste gives."""
    page.evaluate("""() => { const t = document.createElement('textarea'); t.id = 'paste-here';
                             document.body.prepend(t); t.focus(); }""")
    page.keyboard.press("Control+V")
    return page.locator("#paste-here").input_value()


def _check_pasted(pasted: str, event_id: str):
    event = DATA.events[event_id]
    assert pasted == _expected_text(event_id)
    # and against the data itself, not only our own function
    assert " ".join(event.title.split()) in pasted
    assert "Четверг, 4 февраля 2027, 18:00 (время екатеринбургское)" in pasted
    assert "Прежняя дата: четверг, 21 января 2027, 18:00" in pasted
    assert event.place.name in pasted and "8-800-2000-122" in pasted.splitlines()[-1]
    assert f"{SITE_URL}events/{event_id}/" in pasted


@require_chromium()
def test_copy_button_copies_the_text_through_the_clipboard_api(visit, context, site_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = visit("events/master-klass-lichnaya-bezopasnost-2027-01/")
    _put_on_clipboard(page, "что-то другое")
    assert _paste_into_plain_field(page) == "что-то другое"  # the clipboard works in this browser
    page.evaluate("document.getElementById('paste-here').remove()")
    button = page.locator("button.hs-kit__copy")
    assert not button.is_visible()  # collapsed until an organiser opens it
    page.locator("details.hs-kit > summary").click()
    assert button.is_visible() and button.inner_text().strip() == "Скопировать текст"
    button.click()
    page.wait_for_function("document.querySelector('.hs-kit__status').textContent.length > 0")
    assert page.locator(".hs-kit__status").inner_text().startswith("Текст скопирован")
    _check_pasted(_paste_into_plain_field(page), "master-klass-lichnaya-bezopasnost-2027-01")


@require_chromium()
def test_copy_button_falls_back_to_selecting_the_text(visit, site_url):
    page = visit.page
    # a browser without the Clipboard API (an old phone, a non-secure address)
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = visit("events/master-klass-lichnaya-bezopasnost-2027-01/")
    assert page.evaluate("navigator.clipboard === undefined")
    _put_on_clipboard(page, "что-то другое")
    page.locator("details.hs-kit > summary").click()
    page.locator("button.hs-kit__copy").click()
    assert page.locator(".hs-kit__status").inner_text().startswith("Текст скопирован")
    _check_pasted(_paste_into_plain_field(page), "master-klass-lichnaya-bezopasnost-2027-01")


@require_chromium()
def test_kit_text_can_be_selected_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "events/master-klass-lichnaya-bezopasnost-2027-01/")
    page.locator("details.hs-kit > summary").click()
    assert not page.locator("button.hs-kit__copy").is_visible()  # no button that would do nothing
    assert page.locator("#hs-kit-text").input_value() == _expected_text("master-klass-lichnaya-bezopasnost-2027-01")
    context.close()


def test_record_frame_fills_the_preview_picture_escaped():
    """The record frame (helpsite/publish/shell.py) puts each record's own og:image in, escaped like the title."""
    from helpsite.publish import shell

    sample = shell.PROTOTYPE
    frame = shell.make_shell(f'<head><meta property="og:image" content="{sample.image}">'
                             f'<meta property="og:title" content="{sample.title}"><link rel="canonical" '
                             f'href="https://x.example/events/{sample.id}/"></head><body>{sample.body}</body>')
    assert "image" in frame.slots
    html = frame.fill(title='A "B" <i>', description="d", body="<p>b</p>", slug="e-1",
                      image='https://x.example/og/events/e-1-0123456789abcdef.png"><script>')
    head = _Head()
    head.feed(html)
    assert head.meta["og:image"] == ['https://x.example/og/events/e-1-0123456789abcdef.png"›‹script›']
    assert head.meta["og:title"] == ['A "B" ‹i›'] and "<script>" not in html
    front = '---\ntitle: "T"\nog_image: "https://x.example/og/a.png"\n---\n'
    assert shell.front_image(front) == "https://x.example/og/a.png" and shell.front_image("") == ""
