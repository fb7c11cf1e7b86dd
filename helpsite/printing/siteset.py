"""The standard print set of a site build, and its page «Материалы для печати».

`build_print_set` renders (through the content-hash cache) sticker sheets and a calibration page
for every label stock, the leaflet, posters for the nearest upcoming events (POSTERS_IN_SITE) and a checklist for every
algorithm, with PNG previews; it returns the page's Markdown and the files to publish under
`print/`. Nothing here knows MkDocs: the hook adds the page and copies the files.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .. import model as m
from ..load import CampaignData
from ..pages import GeneratedPage, PageBuilder, Site, plural_ru
from . import cache as print_cache
from .checklist import render_checklist
from .leaflet import leaflet_algorithm, render_leaflet
from .poster import render_poster
from .preview import render_previews
from .stickers import render_calibration, render_stickers, sticker_for
from .stock import load_stocks
from .text import mm_ru

PAGE_PATH = "print.md"



FILES_DIR = "print"
# Posters of the nearest upcoming events go into every build; a national calendar has hundreds
# of events, and a poster for any event is one command away: `scripts/print.py poster <id>`.
POSTERS_IN_SITE = 12
CACHE_ENV = "HELPSITE_PRINT_CACHE"


@dataclass(frozen=True)
class PrintItem:
    kind: str  # stickers | calibration | leaflet | poster | checklist
    title: str
    note: str
    pdf: str  # path in the site, e.g. "print/leaflet.pdf"
    previews: tuple[str, ...]
    extra: dict[str, str] = field(default_factory=dict)  # more links: label → site path


@dataclass(frozen=True)
class PrintSet:
    page: GeneratedPage
    files: list[tuple[str, Path]]  # (path in the site, file to copy)
    items: list[PrintItem]
    rendered: int  # items made in this build (cache misses)


def default_cache_dir(project_dir: Path) -> Path:
    """$HELPSITE_PRINT_CACHE, else the user's cache (~/.cache/helpsite/print), else build/print-cache.

    Keys are content hashes, so one cache serves every checkout and copy of the project safely.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "helpsite" / "print"
    try:
        user.mkdir(parents=True, exist_ok=True)
        if os.access(user, os.W_OK):
            return user
    except OSError:
        pass
    return project_dir / "build" / "print-cache"


def site_print_set(data: CampaignData, now: dt.datetime, project_dir: Path, base_url: str | None = None,
                   directory_urls: bool = True) -> PrintSet:
    """The print set of the project in `project_dir` (data in data/, the default cache)."""
    return build_print_set(data, project_dir / "data", default_cache_dir(project_dir), now, base_url, directory_urls)


def build_print_set(data: CampaignData, data_dir: Path, cache_dir: Path, now: dt.datetime,
                    base_url: str | None = None, directory_urls: bool = True) -> PrintSet:
    """Render (or take from the cache) the standard print set and the page that lists it.

    Raises `DataErrors` for bad label files and `PrintError` for content that cannot be printed.
    """
    stocks = load_stocks(data_dir)
    base = base_url or data.campaign.site_url
    cache = print_cache.PrintCache(cache_dir)
    files: list[tuple[str, Path]] = []
    items: list[PrintItem] = []

    def publish(kind: str, slug: str, key_parts: tuple, make_pdf, preview_pages: int = 1,
                outlines=None) -> tuple[str, tuple[str, ...]]:
        names = [f"{slug}.pdf"] + [f"{slug}-{i + 1}.png" if preview_pages > 1 else f"{slug}.png"
                                   for i in range(preview_pages)]

        def make() -> list[bytes]:
            pdf = make_pdf()
            return [pdf, *render_previews(pdf, preview_pages, outlines=outlines)]

        paths = cache.get(print_cache.key(kind, slug, base, directory_urls, *key_parts), names, make)
        site_paths = [f"{FILES_DIR}/{name}" for name in names]
        files.extend(zip(site_paths, paths))
        return site_paths[0], tuple(site_paths[1:])

    helpline = data.main_helpline
    sticker = sticker_for(data, base_url=base)
    for stock in stocks.values():
        boxes = [stock.label_box(i) for i in range(stock.per_sheet)]
        pdf, previews = publish("stickers", f"stickers-{stock.id}", (data.campaign, helpline, stock, sticker),
                                lambda s=stock: render_stickers(data, s, sticker), outlines=boxes)
        cal_pdf, cal_previews = publish("calibration", f"calibration-{stock.id}", (stock,),
                                        lambda s=stock: render_calibration(s))
        count = stock.per_sheet
        items.append(PrintItem("stickers", stock.name,
                               f"{count} {plural_ru(count, 'наклейка', 'наклейки', 'наклеек')} на листе, "
                               f"{mm_ru(stock.label_width)} × {mm_ru(stock.label_height)} мм "
                               f"({stock.columns} × {stock.rows})", pdf, previews,
                               {"пробный лист": cal_pdf, "превью пробного листа": cal_previews[0]}))

    algorithm = leaflet_algorithm(data) if data.algorithms else None
    if algorithm is not None:
        pdf, previews = publish("leaflet", "leaflet", (data.campaign, data.helplines, data.services, algorithm,
                                                       data.organizations),
                                lambda: render_leaflet(data, algorithm.id, base, directory_urls), preview_pages=2)
        items.append(PrintItem("leaflet", "Листовка", f"A4, сложить в три сгиба; «что делать, если…» — "
                               f"{algorithm.title}", pdf, previews))

    builder = PageBuilder(data, now, directory_urls, base)  # base: the kits on the page (announce) use the same URLs
    upcoming = sorted((e for e in data.events.values() if builder.is_upcoming(e)),
                      key=lambda e: (builder.event_times(e).effective_start, e.id))
    for event in upcoming[:POSTERS_IN_SITE]:
        orgs = [data.organizations[o] for o in event.organizer_ids]
        pdf, previews = publish("poster", f"poster-{event.id}", (data.campaign, helpline, event, orgs),
                                lambda e=event: render_poster(data, e, base, directory_urls))
        items.append(PrintItem("poster", event.title, m.EVENT_TYPE_LABELS[event.type.value], pdf, previews))

    for algorithm in data.algorithms.values():
        contacts = sorted({ref for step in algorithm.steps for ref in step.contacts})
        resolved = [data.resolve(ref)[1] for ref in contacts]
        pdf, previews = publish("checklist", f"checklist-{algorithm.id}",
                                (data.campaign, helpline, algorithm, resolved),
                                lambda a=algorithm: render_checklist(data, a, base, directory_urls))
        items.append(PrintItem("checklist", algorithm.title, m.ALGORITHM_AUDIENCE_LABELS[algorithm.audience.value],
                               pdf, previews))

    cache.prune()
    page_url = Site(directory_urls).url_of(PAGE_PATH)  # "print/" or "print.html"
    page_dir = "/" + (page_url if page_url.endswith("/") else posixpath.dirname(page_url))

    def file_url(path: str) -> str:
        """URL of a published file relative to the print page (raw HTML links are not rewritten by MkDocs)."""
        return posixpath.relpath("/" + path, page_dir)

    page = builder.render("print.md.j2", PAGE_PATH, items=items, sticker=sticker,
                          stocks=list(stocks.values()), file_url=file_url)
    return PrintSet(page=page, files=files, items=items, rendered=cache.misses)
