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
from typing import Any, Callable

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.builder import GeneratedPage, PageBuilder
from helpsite.pages.site import Site
from helpsite.pages.russian import plural_ru
from helpsite.outputs.printing import cache as print_cache
from helpsite.outputs.printing.content import leaflet_algorithm, leaflet_services, sticker_for
from helpsite.outputs.printing.stock import load_stocks
from helpsite.outputs.printing.text import mm_ru


# The renderers (reportlab, its platypus, the QR code maker) and the previews (pypdfium2, Pillow) are
# imported when a file is made (`_renderer`): a build whose print files all come from the print cache (the
# usual one) imports none of them (platypus ≈ 0.04 s CPU; reportlab, Pillow, qrcode and the drawing modules ≈ 0.07 s).
_RENDERERS = {"render_checklist": "checklist", "render_leaflet": "leaflet", "render_poster": "poster",
              "render_cards": "helpline", "render_flyer": "helpline", "render_helpline_poster": "helpline",
              "render_calibration": "stickers", "render_stickers": "stickers", "render_previews": "preview"}


def _renderer(name: str) -> Callable[..., Any]:
    """The renderer `name` («render_leaflet», …) of its module, imported now."""
    import importlib

    return getattr(importlib.import_module(f"helpsite.outputs.printing.{_RENDERERS[name]}"), name)


PAGE_PATH = "print.md"



FILES_DIR = "print"
# Posters of the nearest upcoming events go into every build; a national calendar has hundreds
# of events, and a poster for any event is one command away: `scripts/print.py poster <id>`.
POSTERS_IN_SITE = 12
CACHE_ENV = "HELPSITE_PRINT_CACHE"
AUDIENCE_NAMES = {"child": "для детей", "adult": "для взрослых"}


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
                                   for i in range(preview_pages)]  # preview_pages=0: the PDF only

        def make() -> list[bytes]:
            pdf = make_pdf()
            return [pdf, *_renderer("render_previews")(pdf, preview_pages, outlines=outlines)]

        paths = cache.get(print_cache.key(kind, slug, base, directory_urls, *key_parts), names, make)
        site_paths = [f"{FILES_DIR}/{name}" for name in names]
        files.extend(zip(site_paths, paths, strict=False))
        return site_paths[0], tuple(site_paths[1:])

    helpline = data.main_helpline
    sticker = sticker_for(data, base_url=base)

    # the helpline poster, flyer and wallet cards: office PDFs with previews, print-shop PDFs beside them
    for size in ("A3", "A4"):
        for audience in ("child", "adult"):
            slug = f"helpline-poster-{size.lower()}-{audience}"
            parts = (data.campaign, data.helplines, size, audience)
            pdf, previews = publish("helpline-poster", slug, parts,
                                    lambda z=size, a=audience: _renderer("render_helpline_poster")(data, z, a, False, base, directory_urls))
            press_pdf, _ = publish("helpline-poster-press", slug + "-press", parts,
                                   lambda z=size, a=audience: _renderer("render_helpline_poster")(data, z, a, True, base, directory_urls),
                                   preview_pages=0)
            items.append(PrintItem("helpline", f"Телефон доверия — афиша {size}, {AUDIENCE_NAMES[audience]}",
                                   f"{size}, номер крупно: читается с 2 м", pdf, previews,
                                   {"для типографии (CMYK, вылеты 3 мм)": press_pdf}))
    pdf, previews = publish("flyer", "helpline-flyer-a5", (data.campaign, data.helplines),
                            lambda: _renderer("render_flyer")(data, False, base, directory_urls))
    press_pdf, _ = publish("flyer-press", "helpline-flyer-a5-press", (data.campaign, data.helplines),
                           lambda: _renderer("render_flyer")(data, True, base, directory_urls), preview_pages=0)
    items.append(PrintItem("helpline", "Телефон доверия — листовка A5", "A5, для детей и родителей", pdf, previews,
                           {"для типографии (CMYK, вылеты 3 мм)": press_pdf}))
    for stock in (s for s in stocks.values() if s.kind == "cards"):
        pdf, previews = publish("cards", f"cards-{stock.id}", (data.campaign, data.helplines, stock),
                                lambda s=stock: _renderer("render_cards")(data, s), outlines=[stock.label_box(i) for i in range(stock.per_sheet)])
        cal_pdf, _ = publish("calibration", f"calibration-{stock.id}", (stock,), lambda s=stock: _renderer("render_calibration")(s),
                             preview_pages=0)
        press_pdf, _ = publish("cards-press", "card-press", (data.campaign, data.helplines),
                               lambda s=stock: _renderer("render_cards")(data, s, press=True), preview_pages=0)
        items.append(PrintItem("cards", f"Карточки «в кошелёк» — {stock.name}",
                               f"{stock.per_sheet} карточек {mm_ru(stock.label_width)} × {mm_ru(stock.label_height)} мм "
                               "на листе визиток", pdf, previews,
                               {"пробный лист": cal_pdf, "для типографии (одна карточка, CMYK, вылеты 3 мм)": press_pdf}))

    for stock in (s for s in stocks.values() if s.kind == "labels"):
        boxes = [stock.label_box(i) for i in range(stock.per_sheet)]
        pdf, previews = publish("stickers", f"stickers-{stock.id}", (data.campaign, helpline, stock, sticker),
                                lambda s=stock: _renderer("render_stickers")(data, s, sticker), outlines=boxes)
        cal_pdf, cal_previews = publish("calibration", f"calibration-{stock.id}", (stock,),
                                        lambda s=stock: _renderer("render_calibration")(s))
        count = stock.per_sheet
        items.append(PrintItem("stickers", stock.name,
                               f"{count} {plural_ru(count, 'наклейка', 'наклейки', 'наклеек')} на листе, "
                               f"{mm_ru(stock.label_width)} × {mm_ru(stock.label_height)} мм "
                               f"({stock.columns} × {stock.rows})", pdf, previews,
                               {"пробный лист": cal_pdf, "превью пробного листа": cal_previews[0]}))

    algorithm = leaflet_algorithm(data) if data.algorithms else None
    if algorithm is not None:
        # the services as the leaflet prints them (what it shows of 10,000 records, not their whole JSON)
        leaflet_parts = (data.campaign, data.helplines, leaflet_services(data), algorithm, data.organizations)
        pdf, previews = publish("leaflet", "leaflet", leaflet_parts,
                                lambda: _renderer("render_leaflet")(data, algorithm.id, base, directory_urls), preview_pages=2)
        press_pdf, _ = publish("leaflet-press", "leaflet-press", leaflet_parts,
                               lambda: _renderer("render_leaflet")(data, algorithm.id, base, directory_urls, press=True),
                               preview_pages=0)
        items.append(PrintItem("leaflet", "Листовка", f"A4, сложить в три сгиба; «что делать, если…» — "
                               f"{algorithm.title}", pdf, previews, {"для типографии (CMYK, вылеты 3 мм)": press_pdf}))

    builder = PageBuilder(data, now, directory_urls, base)  # base: the kits on the page (announce) use the same URLs
    upcoming = sorted((e for e in data.events.values() if builder.is_upcoming(e)
                       and (data.campaign.is_draft or not e.example)),
                      key=lambda e: (builder.event_times(e).effective_start, e.id))
    for event in upcoming[:POSTERS_IN_SITE]:
        orgs = [data.organizations[o] for o in event.organizer_ids]
        pdf, previews = publish("poster", f"poster-{event.id}", (data.campaign, helpline, event, orgs),
                                lambda e=event: _renderer("render_poster")(data, e, base, directory_urls))
        items.append(PrintItem("poster", event.title, m.EVENT_TYPE_LABELS[event.type.value], pdf, previews))

    for algorithm in data.algorithms.values():
        contacts = sorted({ref for step in algorithm.steps for ref in step.contacts})
        resolved = [data.resolve(ref)[1] for ref in contacts]
        pdf, previews = publish("checklist", f"checklist-{algorithm.id}",
                                (data.campaign, helpline, algorithm, resolved, data.organizations),
                                lambda a=algorithm: _renderer("render_checklist")(data, a, base, directory_urls))
        items.append(PrintItem("checklist", algorithm.title, m.ALGORITHM_AUDIENCE_LABELS[algorithm.audience.value],
                               pdf, previews))

    # PT Sans for the page's start-at-label generator: the browser sets the same glyphs as the PDF
    from helpsite.outputs.printing import fonts as print_fonts

    font_files = {"regular": f"{FILES_DIR}/fonts/PTSans-Regular.ttf", "bold": f"{FILES_DIR}/fonts/PTSans-Bold.ttf"}
    files.append((font_files["regular"], print_fonts.font_path(print_fonts.REGULAR)))
    files.append((font_files["bold"], print_fonts.font_path(print_fonts.BOLD)))
    cache.prune()
    page_url = Site(directory_urls).url_of(PAGE_PATH)  # "print/" or "print.html"
    page_dir = "/" + (page_url if page_url.endswith("/") else posixpath.dirname(page_url))

    def file_url(path: str) -> str:
        """URL of a published file relative to the print page (raw HTML links are not rewritten by MkDocs)."""
        return posixpath.relpath("/" + path, page_dir)

    page = builder.render("print.md.j2", PAGE_PATH, items=items, sticker=sticker,
                          stocks=[s for s in stocks.values() if s.kind == "labels"], file_url=file_url, font_files=font_files,
                          start_layouts=start_layouts(data, stocks, sticker))
    return PrintSet(page=page, files=files, items=items, rendered=cache.misses)


def start_layouts(data: CampaignData, stocks: dict, sticker) -> str:
    """JSON for the page's start-at-label generator: each stock's geometry and the laid-out
    sticker (text lines and the QR code's modules), so the browser prints exactly our layout."""
    import json

    out = []
    for stock in stocks.values():  # the layouts measure text with reportlab and make QR codes: imported for a stock
        if stock.kind == "cards":
            from helpsite.outputs.printing.helpline import card_layout

            card = card_layout(data, stock)
            out.append({"id": stock.id, "name": stock.name + " (карточки)", "page": [stock.page_width, stock.page_height],
                        "label": [stock.label_width, stock.label_height], "grid": [stock.columns, stock.rows],
                        "margin": [stock.margin_left, stock.margin_top], "pitch": [stock.pitch_x, stock.pitch_y],
                        "variants": {"card": {"qr": card["qr"], "lines": card["lines"]}},
                        "labels": ["card"] * stock.per_sheet, "qr": card["rows"]})
            continue
        if stock.kind != "labels":
            continue
        from helpsite.outputs.printing.stickers import label_inset, layouts_for

        layouts = layouts_for(stock, sticker)  # the sheets above were made with the same layouts

        variants = {}
        for key, layout in layouts.items():
            variants[",".join(f"{v:g}" for v in key)] = {
                "qr": list(layout.qr_box) if layout.qr_box else None,
                "lines": [{"text": line.text, "x": round(line.x, 3), "baseline": round(line.baseline, 3),
                           "runs": [{"text": r.text, "size": r.size, "bold": r.font.endswith("Bold"),
                                     "color": "#" + "".join(f"{round(c * 255):02x}" for c in r.color)}
                                    for r in line.runs]} for line in layout.lines]}
        per_label = [",".join(f"{v:g}" for v in tuple(round(x, 3) for x in label_inset(stock, i)))
                     for i in range(stock.per_sheet)]
        code = next(iter(layouts.values())).code
        out.append({"id": stock.id, "name": stock.name, "page": [stock.page_width, stock.page_height],
                    "label": [stock.label_width, stock.label_height], "grid": [stock.columns, stock.rows],
                    "margin": [stock.margin_left, stock.margin_top], "pitch": [stock.pitch_x, stock.pitch_y],
                    "variants": variants, "labels": per_label,
                    "qr": ["".join("1" if v else "0" for v in row) for row in code.rows]})
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))
