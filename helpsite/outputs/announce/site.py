"""What the site publishes for announcing: preview pictures, event kits, their paths and texts.

`Announcer` is pure: from the model it says what every picture shows (`Card`), where it is
published (a path with the hash of its content, so a changed event gets a new picture URL that
messengers fetch again) and what the kit's text is. Pages use it while they render (the Open
Graph image of an event page, the kit section); `announce_set` renders the pictures through
the content-hash cache and returns the files to publish.

Only events get pictures of their own: every other page shares the campaign card, so 10,000
services add one PNG, not 10,000.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from helpsite.data import model as m
from helpsite.pages.eventtimes import event_times
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.outputs.announce import words
from helpsite.outputs.announce.cardtext import Card

OG_DIR = "og"
KIT_DIR = "announce"
KIT_TEXT = "anons.txt"
OG_SIZE = (1200, 630)


@functools.cache
def code_version() -> str:
    """Hash of what shapes a picture besides its card: our drawing code, the font, the libraries."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / "cards.py", here / "cardtext.py", here.parent / "printing" / "qr.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in ("pillow", "qrcode", "fontpkg-pt-sans"):
        try:
            digest.update(f"{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            digest.update(f"{dist}=?".encode())
    return digest.hexdigest()


_CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Card))


@functools.lru_cache(maxsize=1 << 15)  # both keys of a card are made of it
def _card_json(card: Card) -> bytes:
    """`dataclasses.asdict(card)` as JSON: a card's fields are all text and flags, so the dict is made
    directly (asdict deep-copies every value: a tenth of a second at 10,000 services)."""
    return json.dumps({name: getattr(card, name) for name in _CARD_FIELDS}, ensure_ascii=False, sort_keys=True).encode()


@functools.lru_cache(maxsize=1 << 15)  # a card is a value: thousands a build, the same from build to build
def card_key(card: Card) -> str:
    """The part of a picture's published name that changes when what it says changes (a new URL,
    so VK and Telegram fetch the picture again). Data only: the same on every machine."""
    return hashlib.sha256(_card_json(card)).hexdigest()[:16]


@functools.lru_cache(maxsize=1 << 15)
def cache_key(card: Card) -> str:
    """The cached file's key: what it says and the code, font and libraries that draw it."""
    return hashlib.sha256(code_version().encode() + b"\0" + _card_json(card)).hexdigest()[:24]


def display_url(url: str) -> str:
    return url.split("://", 1)[-1]


@dataclass(frozen=True)
class Kit:
    """An event's announcement kit: two pictures and the text (paths inside the site)."""

    post: str
    story: str
    text_path: str
    text: str


class Announcer:
    def __init__(self, data: CampaignData, now: dt.datetime, site_url: str, site: Site):
        self.data = data
        self.now = now
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.site = site
        self._campaign_image_path: str | None = None
        # asked several times a build for each event (its page, the pictures, the kit, the feeds): made once
        self._cards: dict[tuple[str, str], tuple[m.Event, Card]] = {}
        self._texts: dict[str, tuple[m.Event, str]] = {}
        self._helpline_fields: dict[str, str] | None = None

    # -- addresses
    def page_url(self, md_path: str) -> str:
        return self.site_url + self.site.url_of(md_path)

    def event_url(self, event: m.Event) -> str:
        return self.page_url(Site.event(event.id))

    def file_url(self, path: str) -> str:
        return self.site_url + path

    # -- what the pictures say
    def _helpline(self) -> dict[str, str]:
        """The main helpline as every card shows it: made once (each of ≈ 1,700 cards at 10,000 services asks)."""
        if self._helpline_fields is None:
            helpline = self.data.main_helpline
            terms = ", ".join(t for t in ("бесплатно" if helpline.free else "", "анонимно" if helpline.anonymous else "",
                                          "круглосуточно" if helpline.hours.always_open else "") if t)
            self._helpline_fields = {"helpline": helpline.name, "phones": " или ".join(p.display for p in helpline.phones),
                                     "terms": terms}
        return self._helpline_fields

    def campaign_card(self) -> Card:
        c = self.data.campaign
        summary = " ".join(c.description.split())
        return Card(kind="og", layout="campaign", band=f"{c.city}, {c.region}", kicker=c.slogan or "", status="",
                    title=c.name, note=summary, where=display_url(self.site_url).rstrip("/"), draft=c.is_draft,
                    **self._helpline())

    def event_card(self, event: m.Event, kind: str = "og") -> Card:
        known = self._cards.get((event.id, kind))
        if known is None or known[0] is not event:
            known = self._cards[(event.id, kind)] = (event, self._event_card(event, kind))
        return known[1]

    def _event_card(self, event: m.Event, kind: str) -> Card:
        times = event_times(event, self.data.campaign)
        online = event.place is None or event.status is m.EventStatus.moved_online
        w = words.when(event, self.data, times=times, moscow=online)  # online: people join from other zones
        status = event.status.value
        banner, when_line, notes = "", w.line, [n for n in (w.zone, w.moscow) if n]
        if status == "cancelled":
            banner = "ОТМЕНЕНО — СОБЫТИЕ НЕ СОСТОИТСЯ"
            when_line = f"Было назначено: {w.line}"
        elif status == "postponed":
            if w.known:
                moved = times.effective_start
                banner = "ПЕРЕНЕСЕНО НА " + words.day(moved.date(), weekday=False).upper()
            else:
                banner = "ПЕРЕНЕСЕНО — НОВАЯ ДАТА БУДЕТ ОБЪЯВЛЕНА"
                when_line = ""
            notes.append(f"прежняя дата: {w.previous}")
        elif status == "moved_online":
            banner = "СОБЫТИЕ ПРОЙДЁТ ОНЛАЙН"
        note = " · ".join(notes)
        note = note[0].upper() + note[1:] if note else ""
        orgs = words.organizers(event, self.data)
        url = self.event_url(event)
        return Card(kind=kind, layout="event",
                    band=f"{self.data.campaign.name} · {m.EVENT_TYPE_LABELS[event.type.value]}",
                    kicker="", status=banner, title=" ".join(event.title.split()), when=when_line, note=note,
                    where=words.place(event), organizer=("Организатор: " if len(event.organizer_ids) == 1
                                                         else "Организаторы: ") + orgs,
                    qr=url if kind != "og" else "", link=display_url(url) if kind != "og" else "",
                    draft=self.data.campaign.is_draft, **self._helpline())

    # -- where they are published
    def campaign_image_path(self) -> str:
        # on every service page: made once (the data and the site address do not change within a build)
        if self._campaign_image_path is None:
            self._campaign_image_path = f"{OG_DIR}/campaign-{card_key(self.campaign_card())}.png"
        return self._campaign_image_path

    def event_image_path(self, event: m.Event) -> str:
        return f"{OG_DIR}/events/{event.id}-{card_key(self.event_card(event))}.png"

    def campaign_image(self) -> str:
        """Absolute URL of the campaign card (every page without a picture of its own)."""
        return self.file_url(self.campaign_image_path())

    def og_image(self, event: m.Event) -> str:
        """Absolute URL of an event's preview picture."""
        return self.file_url(self.event_image_path(event))

    def has_kit(self, event: m.Event) -> bool:
        """Upcoming events have a kit (cancelled and postponed ones too: they announce the change)."""
        return event_times(event, self.data.campaign).last >= self.now

    def kit(self, event: m.Event) -> Kit | None:
        if not self.has_kit(event):
            return None
        folder = f"{KIT_DIR}/{event.id}"
        post, story = self.event_card(event, "post"), self.event_card(event, "story")
        return Kit(post=f"{folder}/post-{card_key(post)}.png", story=f"{folder}/story-{card_key(story)}.png",
                   text_path=f"{folder}/{KIT_TEXT}", text=self.text(event))

    def text(self, event: m.Event) -> str:
        known = self._texts.get(event.id)
        if known is None or known[0] is not event:
            known = self._texts[event.id] = (event, words.post_text(event, self.data, self.event_url(event), self.now))
        return known[1]

    def kit_events(self) -> list[m.Event]:
        """Events with a kit, soonest first."""
        events = [e for e in self.data.events.values() if self.has_kit(e)]
        return sorted(events, key=lambda e: (event_times(e, self.data.campaign).effective_start, e.id))

    def images(self) -> list[tuple[str, Card]]:
        """Every picture of the site: (path in the site, card)."""
        out = [(self.campaign_image_path(), self.campaign_card())]
        for event in self.data.events.values():
            out.append((self.event_image_path(event), self.event_card(event)))
        for event in self.kit_events():
            kit = self.kit(event)
            assert kit is not None
            out += [(kit.post, self.event_card(event, "post")), (kit.story, self.event_card(event, "story"))]
        return out

    def says_as(self, other: Announcer) -> bool:
        """Whether the two make the same cards, paths and texts (the same inputs)."""
        return (self.data is other.data and self.now == other.now and self.now.tzinfo == other.now.tzinfo
                and self.site_url == other.site_url and self.site.directory_urls == other.site.directory_urls)

    def theme_context(self) -> dict[str, str]:
        """What every page's head needs for its link preview (`overrides/partials/og.html`)."""
        from helpsite.outputs.announce.feeds import EVENTS_FEED

        campaign = self.data.campaign
        return {"image": self.campaign_image(), "width": str(OG_SIZE[0]), "height": str(OG_SIZE[1]),
                "site_name": campaign.name + (" (демонстрационный сайт)" if campaign.is_draft else ""),
                "events_feed": self.file_url(EVENTS_FEED), "events_feed_title": f"{campaign.name}: ближайшие события"}


# ------------------------------------------------------------------ rendering through the cache

@dataclass(frozen=True)
class AnnounceSet:
    files: dict[str, bytes]  # feeds and kit texts: path in the site → content
    copies: list[tuple[str, Path]]  # pictures: path in the site → cached file
    rendered: int  # pictures drawn in this build (cache misses)


def _cache_file(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}-card.png"


def _render_into(job: tuple[Path, Card]) -> None:
    from helpsite.outputs.announce.cards import render  # Pillow: imported only when a picture is drawn

    target, card = job
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(render(card).png)
    os.replace(tmp, target)  # atomic: a concurrent build never reads half a file


def render_missing(jobs: list[tuple[Path, Card]]) -> None:
    """Draw the pictures that are not cached yet, on every core when there are many."""
    if not jobs:
        return
    import importlib

    importlib.import_module("helpsite.outputs.announce.cards")  # Pillow and the drawing: here, before the workers fork
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if len(jobs) < 8 or workers < 2 or not hasattr(os, "fork"):
        for job in jobs:
            _render_into(job)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for _ in pool.imap_unordered(_render_into, jobs, chunksize=4):
            pass


def announce_set(data: CampaignData, now: dt.datetime, cache_dir: Path, site_url: str, directory_urls: bool = True,
                 previous_site: Path | None = None, announcer: Announcer | None = None) -> AnnounceSet:
    """The pictures (from the cache, drawing what is missing), the kit texts and the event feeds.
    `announcer`: the page builder's, used when it says the same (the same data, time, address and URL
    style): the cards and kit texts made here are then those its event pages show (the record pages'
    forked writers inherit them: ≈ 50 ms at 1,000 events not spent making each card twice)."""
    from helpsite.outputs.announce.feeds import event_feeds

    own = Announcer(data, now.astimezone(data.campaign.tz), site_url, Site(directory_urls))
    if announcer is None or not announcer.says_as(own):
        announcer = own
    cache_dir.mkdir(parents=True, exist_ok=True)
    copies: list[tuple[str, Path]] = []
    missing: dict[Path, Card] = {}
    now_ts = dt.datetime.now().timestamp()
    for path, card in announcer.images():
        cached = _cache_file(cache_dir, cache_key(card))
        if cached.is_file():
            os.utime(cached, (now_ts, now_ts))  # recently used: kept by the cache's pruning
        else:
            missing[cached] = card
        copies.append((path, cached))
    render_missing(list(missing.items()))
    files: dict[str, bytes] = {}
    for event in announcer.kit_events():
        kit = announcer.kit(event)
        assert kit is not None
        files[kit.text_path] = kit.text.encode("utf-8")
    files.update(event_feeds(announcer, previous_site))
    return AnnounceSet(files=files, copies=copies, rendered=len(missing))
