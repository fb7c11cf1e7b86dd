"""Shared pieces of the page-sized renderers (leaflet, poster, checklist): styles, fitting a column
of flowables into a box, site URLs and dates in Russian (the QR and checkbox flowables are in
`flowables`; what the leaflet lists, and a record's place for messages, in `content`). Imported
only when a file is drawn (a print cache miss)."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Callable, Sequence
from urllib.parse import urljoin

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.pages.russian import date_ru, time_ru, utc_offset_ru
from helpsite.outputs.printing import fonts
from helpsite.outputs.printing.errors import PrintError

if TYPE_CHECKING:  # reportlab's platypus is imported when a page is laid out (a print cache miss), not with the build
    from reportlab.platypus import Flowable

PRIMARY = colors.HexColor("#5b2a86")
PRIMARY_DARK = colors.HexColor("#3f1d5e")
DANGER = colors.HexColor("#b3261e")
MUTED = colors.HexColor("#444444")
INK = colors.HexColor("#141414")
TINT = colors.HexColor("#ece6f3")
MIN_SIZE = 7.0
WEEKDAYS = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]


def style(name: str, size: float, *, font: str = fonts.REGULAR, color=INK, leading: float = 1.25,
          align: int = TA_LEFT, before: float = 0, after: float = 0) -> ParagraphStyle:
    size = max(MIN_SIZE, size)
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * leading, textColor=color,
                          alignment=align, spaceBefore=before, spaceAfter=after)


def centred(name: str, size: float, **kw) -> ParagraphStyle:
    return style(name, size, align=TA_CENTER, **kw)


def height_of(flowables: Sequence[Flowable], width: float) -> float:
    scratch = Canvas(io.BytesIO())
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrapOn(scratch, width, 10_000)
        total += h + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
    return total


def fit(build: Callable[[float], list[Flowable]], width: float, height: float, what: str,
        scales: Sequence[float] = (1.0, 0.94, 0.88, 0.82, 0.76, 0.7, 0.64, 0.58),
        fields: dict[str, str] | None = None) -> list[Flowable]:
    """The flowables of the largest scale that fit `width`×`height` points; none fits → PrintError.

    `fields` maps a paragraph's style name to «file:line: field» of the data it prints: the
    error then names the value that takes the most room.
    """
    for scale in scales:
        flowables = build(scale)
        if height_of(flowables, width) <= height:
            return flowables
    hint = "сократите текст в данных"
    culprit = ""
    if fields:
        scratch = Canvas(io.BytesIO())
        sized = [(f.wrapOn(scratch, width, 10_000)[1], fields[name]) for f in build(scales[-1])
                 if (name := getattr(getattr(f, "style", None), "name", "")) in fields]
        if sized:
            tall, place = max(sized)
            culprit = f"{place} — больше всего места занимает это поле ({tall / mm:.0f} мм из {height / mm:.0f} мм); "
            hint = f"сократите это поле в файле ({place.split(':')[0]})"
    raise PrintError(f"{culprit}{what}: текст не помещается на страницу даже мелким шрифтом ({MIN_SIZE:g} pt)", hint)


def fill(frame_box: tuple[float, float, float, float], flowables: list[Flowable], canvas: Canvas, what: str) -> None:
    """Draw flowables into a frame (x, y, w, h in points); all of them must fit."""
    from reportlab.platypus import Frame

    x, y, w, h = frame_box
    frame = Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    rest = list(flowables)
    frame.addFromList(rest, canvas)
    if rest:
        raise PrintError(f"{what}: не всё поместилось на страницу", "сократите текст в данных")


def page_url(base_url: str, md_path: str, directory_urls: bool = True) -> str:
    """Absolute URL of a generated page, as MkDocs publishes it."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", Site(directory_urls).url_of(md_path))


def display_url(url: str) -> str:
    """A URL as people read it on paper: without the scheme."""
    return url.split("://", 1)[-1]


def event_when(data: CampaignData, event: m.Event) -> tuple[str, str]:
    """(date line, time line with the zone) of an event, in Russian."""
    tz = m.ZoneInfo(event.timezone) if event.timezone else data.campaign.tz
    start = m.as_datetime(event.start, tz).astimezone(tz)
    end = m.as_datetime(event.end, tz, end=True).astimezone(tz) if event.end else None
    if event.all_day:
        if end and end.date() != start.date():
            return f"{date_ru(start.date())} – {date_ru(end.date())}", "весь день"
        return f"{date_ru(start.date())}, {WEEKDAYS[start.weekday()]}", "весь день"
    zone = (data.campaign.local_time if not event.timezone else f"часовой пояс {event.timezone}")
    if end and end.date() != start.date():
        return (f"{date_ru(start.date())}, {time_ru(start.time())} – {date_ru(end.date())}, {time_ru(end.time())}",
                f"{zone} ({utc_offset_ru(start)})")
    times = time_ru(start.time()) + (f"–{time_ru(end.time())}" if end else "")
    return f"{date_ru(start.date())}, {WEEKDAYS[start.weekday()]}", f"{times} {zone} ({utc_offset_ru(start)})"


def rescheduled(data: CampaignData, event: m.Event) -> str | None:
    if event.rescheduled_start is None:
        return None
    tz = m.ZoneInfo(event.timezone) if event.timezone else data.campaign.tz
    moment = m.as_datetime(event.rescheduled_start, tz).astimezone(tz)
    if not isinstance(event.rescheduled_start, dt.datetime):
        return date_ru(moment.date())
    return f"{date_ru(moment.date())}, {time_ru(moment.time())} ({utc_offset_ru(moment)})"


def contact_phones(record: object) -> str:
    phones = getattr(record, "phones", []) or []
    return ", ".join(p.display for p in phones)


def set_meta(canvas: Canvas, data: CampaignData, title: str, subject: str = "") -> None:
    canvas.setTitle(title)
    canvas.setAuthor(data.campaign.name)
    canvas.setCreator("helpsite")
    canvas.setSubject(subject)
