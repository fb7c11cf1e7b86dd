"""The site search index: small, UTF-8, and with one short entry per record.

Material's search plugin indexes every page section and writes the JSON with every Cyrillic
letter escaped (6 bytes a letter). Record pages (services, events) are kept out of it
(`search: exclude` in their front matter) and get one entry each here with what people
search for — name, categories, district, organisation, a short text — and the whole index
is written back as compact UTF-8.
"""

from __future__ import annotations

import html
import json
from typing import Any, Iterable

from . import model as m
from .eventtimes import event_times
from .load import CampaignData
from .pages import Site, date_ru
from .richtext import first_paragraph

SHORT_TEXT = 160


def _short(text: str, limit: int = SHORT_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def record_entries(data: CampaignData, site: Site) -> list[dict[str, str]]:
    """One search entry per service and per event, and one for each of their listings."""
    entries = [
        _entry(site.url_of(Site.SERVICES), "Службы помощи",
               ("Каталог служб помощи детям и семьям", ", ".join(c.name for c in data.categories.values()))),
        _entry(site.url_of(Site.EVENTS), "События",
               ("Семинары, родительские собрания, тренинги, акции", "календарь событий")),
    ]
    for service in data.services.values():
        parts: Iterable[str] = (
            ", ".join(data.categories[c].name for c in service.categories),
            service.district,
            data.organizations[service.organization_id].name,
            _short(service.description),
        )
        entries.append(_entry(site.url_of(Site.service(service.id)), service.name, parts))
    for event in data.events.values():
        times = event_times(event, data.campaign)
        parts = (m.EVENT_TYPE_LABELS[event.type.value], date_ru(times.effective_start.date()),
                 event.place.name if event.place else "онлайн", _short(first_paragraph(event.description)))
        entries.append(_entry(site.url_of(Site.event(event.id)), event.title, parts))
    return entries


def _entry(location: str, title: str, parts: Iterable[str]) -> dict[str, str]:
    return {"location": location, "title": html.escape(title, quote=False),
            "text": html.escape(" · ".join(p for p in parts if p), quote=False)}


def merge(index_json: bytes | str, entries: list[dict[str, Any]]) -> bytes:
    """Material's index plus the record entries, as compact UTF-8 JSON."""
    index = json.loads(index_json)
    index["docs"].extend(entries)
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
