"""Atom 1.0 feeds of upcoming events: `events/feed.xml` and one per series
(`events/series/<id>.xml`), for RSS readers and the bots that repost a feed into a VK group
or a Telegram channel.

An entry's id is the event page's address (stable while the event's `id` stays); its title
says the status first («Отменено: …», «Перенесено на 4 февраля 2027: …») and its summary is
the kit's ready text. Data files carry no «changed at» date, so the feed remembers: an entry
keeps the `published` and `updated` of the previously published feed (the last good site in
`site/`) while its content is the same; when the status, date, place or text changes, its
`updated` becomes the build time and readers see the change. Without a previous site (the
first build, or a CI job that starts from nothing) every entry is dated by the build.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from markupsafe import escape

from helpsite.data import model as m
from helpsite.pages.eventtimes import event_times
from helpsite.pages.site import Site
from helpsite.outputs.announce import words

ATOM = "http://www.w3.org/2005/Atom"
EVENTS_FEED = "events/feed.xml"
_A = f"{{{ATOM}}}"
_DATES = (f"{_A}published", f"{_A}updated")


def series_feed_path(series_id: str) -> str:
    return f"events/series/{series_id}.xml"


def entry_title(event: m.Event, data) -> str:
    """The title a reader or a channel bot shows: status first, then the title and when."""
    times = event_times(event, data.campaign)
    title = " ".join(event.title.split())
    start = times.effective_start
    moment = words.day(start.date(), weekday=False) + ("" if times.all_day else f", {words.clock(start)}")
    status = event.status.value
    if status == "cancelled":
        return f"Отменено: {title}"
    if status == "postponed":
        if times.rescheduled is None:
            return f"Перенесено, новая дата уточняется: {title}"
        return f"Перенесено на {moment}: {title}"
    if status == "moved_online":
        return f"Онлайн: {title} — {moment}"
    return f"{title} — {moment}"


def _shape(element: ET.Element) -> Any:
    """What an element says, without its dates and formatting: entries compare by it."""
    return (element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(),
            tuple(_shape(child) for child in element if child.tag not in _DATES))


def _previous(path: Path | None) -> tuple[dict[str, tuple[Any, str, str]], str | None, frozenset[str]]:
    """Entries of the previously published feed: id → (shape, published, updated); its updated; its ids."""
    if path is None or not path.is_file():
        return {}, None, frozenset()
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return {}, None, frozenset()
    entries = {}
    for entry in root.findall(f"{_A}entry"):
        ident = entry.findtext(f"{_A}id")
        if ident:
            entries[ident] = (_shape(entry), entry.findtext(f"{_A}published") or "",
                              entry.findtext(f"{_A}updated") or "")
    return entries, root.findtext(f"{_A}updated"), frozenset(entries)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{_A}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


@functools.lru_cache(maxsize=4096)  # the same text from build to build (`mkdocs serve`)
def _html(text: str, image: str) -> str:
    """The ready text as HTML for readers that show content: paragraphs, links, the picture.
    (Escaped a paragraph at a time, not word by word: escaping keeps spaces and line breaks, and a
    link's «https://» has nothing to escape.)"""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = [" ".join([f'<a href="{w}">{w}</a>' if w.startswith(("https://", "http://")) else w for w in line.split(" ")])
                 for line in str(escape(block)).split("\n")]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return f'<p><img src="{escape(image)}" alt="" width="1200" height="630"></p>' + "\n".join(paragraphs)


def atom(announcer, path: str, title: str, subtitle: str, alternate: str, events: list[m.Event],
         previous_site: Path | None) -> bytes:
    ET.register_namespace("", ATOM)
    data = announcer.data
    campaign = data.campaign
    stamp = announcer.now.replace(microsecond=0).isoformat()
    old, old_updated, old_ids = _previous(previous_site / path if previous_site else None)

    feed = ET.Element(f"{_A}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "ru"})
    _sub(feed, "id", announcer.file_url(path))
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle + (" Демонстрационный сайт: сведения не настоящие." if campaign.is_draft else ""))
    updated_el = _sub(feed, "updated", stamp)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=announcer.file_url(path))
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate)
    author = _sub(feed, "author")
    _sub(author, "name", campaign.name)
    _sub(author, "uri", announcer.site_url)
    _sub(feed, "logo", announcer.campaign_image())
    if campaign.copyright:
        _sub(feed, "rights", campaign.copyright)
    _sub(feed, "generator", "helpsite")

    changed = False
    for event in events:
        url = announcer.event_url(event)
        entry = _sub(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", entry_title(event, data))
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        kit = announcer.kit(event)
        image = announcer.og_image(event)
        _sub(entry, "link", rel="enclosure", type="image/png",
             href=announcer.file_url(kit.post) if kit else image)
        for org in event.organizer_ids:
            _sub(_sub(entry, "author"), "name", data.organizations[org].name)
        _sub(entry, "category", term=event.type.value, label=m.EVENT_TYPE_LABELS[event.type.value])
        if event.status is not m.EventStatus.scheduled:
            _sub(entry, "category", term="status-" + event.status.value, label=m.EVENT_STATUS_LABELS[event.status.value])
        text = announcer.text(event)
        _sub(entry, "summary", text)
        _sub(entry, "content", _html(text, image), type="html")
        previous = old.get(url)
        if previous and previous[0] == _shape(entry):
            published, updated = previous[1] or stamp, previous[2] or stamp
        else:  # new, or changed since the last published feed
            published, updated = (previous[1] if previous and previous[1] else stamp), stamp
            changed = True
        # Atom orders id, title, updated… freely; put the dates right after the title for readers of the XML
        entry.insert(2, _element("published", published))
        entry.insert(3, _element("updated", updated))
    ids = frozenset(announcer.event_url(e) for e in events)
    if old_updated and not changed and ids == old_ids:
        updated_el.text = old_updated  # nothing changed: the same file as last time
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _element(tag: str, text: str) -> ET.Element:
    el = ET.Element(f"{_A}{tag}")
    el.text = text
    return el


def event_feeds(announcer, previous_site: Path | None = None) -> dict[str, bytes]:
    """The feed of all upcoming events and one per series: {path in the site: Atom XML}."""
    data = announcer.data
    campaign = data.campaign
    upcoming = announcer.kit_events()
    files = {EVENTS_FEED: atom(announcer, EVENTS_FEED, f"{campaign.name}: ближайшие события",
                               f"Семинары, собрания, тренинги и акции программы «{campaign.name}», {campaign.city}: "
                               "ближайшие события, переносы и отмены.",
                               announcer.page_url(Site.EVENTS), upcoming, previous_site)}
    for series in data.series.values():
        sessions = [e for e in upcoming if e.series_id == series.id]
        files[series_feed_path(series.id)] = atom(
            announcer, series_feed_path(series.id), f"{series.title}: ближайшие занятия",
            f"Занятия цикла «{series.title}» программы «{campaign.name}».",
            announcer.page_url(Site.series(series.id)), sessions, previous_site)
    return files
