"""A leaflet: A4 folded in three (letter fold), printed on both sides (flip on the short edge).

Outside (page 1), left to right: the flap that folds in («что делать, если…» from an algorithm),
the back (emergency numbers, organisers), the cover (campaign, the main helpline, QR to the site).
Inside (page 2): the helplines, then the most important services, as many as fit.
The flap is 3 mm narrower so it folds inside without buckling.
"""

from __future__ import annotations

import re

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer

from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.pages.russian import hours_ru
from helpsite.outputs.printing import fonts, qr
from helpsite.outputs.printing.flowables import QRFlowable
from helpsite.outputs.printing.layout import (
    DANGER, MUTED, PRIMARY, PRIMARY_DARK, centred, display_url, fill, fit, height_of, page_url, style,
)
from helpsite.outputs.printing.content import helpline_terms, leaflet_algorithm, leaflet_services, record_place
from helpsite.outputs.printing.poster import url_para
from helpsite.outputs.printing.surface import MARK_GAP, OFFICE_SAFE, SLUG, Surface
from helpsite.outputs.printing.text import para

PANELS_OUTSIDE = (97 * mm, 100 * mm, 100 * mm)  # flap, back, cover
PANELS_INSIDE = (100 * mm, 100 * mm, 97 * mm)
PAD = 8 * mm
QR_SIDE = 36 * mm
GROW = (1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.92, 0.84, 0.76, 0.68)


def _boxes(widths: tuple[float, ...]) -> list[tuple[float, float, float, float]]:
    _, height = landscape(A4)
    x, out = 0.0, []
    for w in widths:
        out.append((x + PAD, PAD, w - 2 * PAD, height - 2 * PAD))
        x += w
    return out


FOLD_MARK = (6 * mm, 10 * mm)  # from the sheet's edge: inside what an office printer prints (≥ 5 mm)


def _fold_marks(canvas: Canvas, widths: tuple[float, ...], press: bool = False) -> None:
    """Short lines where the sheet folds: 6–10 mm from the edge (office), in the slug (print shop)."""
    _, height = landscape(A4)
    near, far = (-SLUG + 1 * mm, -MARK_GAP) if press else FOLD_MARK
    canvas.saveState()
    canvas.setLineWidth(0.4)
    canvas.setStrokeColor(MUTED)
    canvas.setDash(2, 1.5)
    x = 0.0
    for w in widths[:-1]:
        x += w
        canvas.line(x, height - far, x, height - near)
        canvas.line(x, near, x, far)
    canvas.restoreState()


def _first_sentence(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def render_leaflet(data: CampaignData, algorithm_id: str | None = None, base_url: str | None = None,
                   directory_urls: bool = True, press: bool = False) -> bytes:
    """The leaflet as a two-page landscape A4 PDF (outside, inside); `press` — for a print shop."""
    fonts.register()
    base = base_url or data.campaign.site_url
    site_url = page_url(base, Site.HOME, directory_urls)
    algorithm = leaflet_algorithm(data, algorithm_id)
    code = qr.make(site_url, "M")
    helpline = data.main_helpline
    page_w, page_h = landscape(A4)
    surface = Surface(page_w, page_h, press=press, title=f"Листовка «{data.campaign.name}»", author=data.campaign.name,
                      subject="A4, сложить в три сгиба, печать с двух сторон")
    canvas = surface.canvas

    flap, back, cover = _boxes(PANELS_OUTSIDE)
    # cover: a coloured panel with the campaign and the main helpline (5 mm clear of the sheet's
    # edges for an office printer; to the bleed at a print shop)
    cover_x = PANELS_OUTSIDE[0] + PANELS_OUTSIDE[1]
    inset = 0 if press else OFFICE_SAFE
    surface.background(cover_x, page_h - 72 * mm, PANELS_OUTSIDE[2] - inset, 72 * mm - inset, PRIMARY)

    def cover_head(scale: float) -> list:
        out = [Paragraph(para(data.campaign.name), centred("c1", 26 * scale, font=fonts.BOLD, color="white",
                                                           leading=1.1, after=6))]
        if data.campaign.slogan:
            out.append(Paragraph(para(data.campaign.slogan), centred("c2", 13 * scale, color="white", after=4)))
        out.append(Paragraph(para(data.campaign.place), centred("c3", 10 * scale, color="white")))
        return out

    head_box = (cover[0], page_h - 72 * mm + 6 * mm, cover[2], 72 * mm - 14 * mm - inset)
    fill(head_box, fit(cover_head, head_box[2], head_box[3], "обложка листовки"), canvas, "обложка листовки")

    def cover_body(scale: float) -> list:
        phones = [Paragraph(("" if i == 0 else f'<font size="{max(7, 12 * scale):.1f}" name="{fonts.REGULAR}">или </font>')
                            + f"<b>{para(p.display)}</b>",
                            centred(f"cp{i}", (26 if i == 0 else 22) * scale, color=PRIMARY_DARK, leading=1.1, after=2))
                  for i, p in enumerate(helpline.phones)]
        return [Paragraph("Если тебе плохо, страшно или кто-то обижает — позвони:",
                          centred("cb1", 12 * scale, after=6)),
                Paragraph(para(helpline.name), centred("cb2", 14 * scale, font=fonts.BOLD, color=PRIMARY, after=4)),
                *phones,
                Paragraph(para(helpline_terms(helpline)), centred("cb3", 11 * scale, after=8))]

    body_box = (cover[0], PAD + QR_SIDE + 12 * mm, cover[2], page_h - 72 * mm - 6 * mm - (PAD + QR_SIDE + 12 * mm))
    fill(body_box, fit(cover_body, body_box[2], body_box[3], "обложка листовки"), canvas, "обложка листовки")
    QRFlowable(code, QR_SIDE, "на листовке").drawOn(canvas, cover[0] + (cover[2] - QR_SIDE) / 2, PAD + 8 * mm)
    fill((cover[0], PAD, cover[2], 7 * mm),
         [Paragraph(para(display_url(site_url)), centred("curl", 10, font=fonts.BOLD, color=PRIMARY_DARK))],
         canvas, "обложка листовки")

    # flap: what to do if…, from an algorithm
    def flap_content(scale: float) -> list:
        out = [Paragraph("Что делать, если…", style("f0", 18 * scale, font=fonts.BOLD, color=PRIMARY, after=4)),
               Paragraph(para(algorithm.title), style("f1", 12 * scale, font=fonts.BOLD, after=6))]
        for i, step in enumerate(algorithm.steps, 1):
            when = f"— {step.within}" if step.within else ""
            out.append(Paragraph(f"<b>{i}. {para(step.title)}</b> {para(when)}",
                                 style(f"fs{i}", 10.5 * scale, after=3 * scale)))
        url = page_url(base, Site.algorithm(algorithm.id), directory_urls)
        out += [Spacer(1, 4), Paragraph("Подробно, с ответами на вопросы:", style("f2", 9, color=MUTED)),
                Paragraph(f"<b>{url_para(url, fonts.BOLD, 8, flap[2])}</b>", style("f3", 8, color=MUTED))]
        return out

    steps = {f"fs{i}": record_place(data, "algorithm", algorithm.id, f"steps.{i - 1}.title")
             for i in range(1, len(algorithm.steps) + 1)}
    steps["f1"] = record_place(data, "algorithm", algorithm.id, "title")
    fill(flap, fit(flap_content, flap[2], flap[3], "листовка: «Что делать, если…»", GROW, fields=steps), canvas,
         "листовка")

    # back: emergency numbers and organisers
    def back_content(scale: float) -> list:
        out = []
        if data.campaign.is_draft:
            out.append(Paragraph("ДЕМОНСТРАЦИОННЫЙ ОБРАЗЕЦ: адрес сайта и часть сведений — примеры, не распространяйте",
                                 style("draft", 10, font=fonts.BOLD, color=DANGER, after=8)))
        out.append(Paragraph("Опасность прямо сейчас", style("b0", 16 * scale, font=fonts.BOLD, color=DANGER, after=6)))
        for i, number in enumerate(data.campaign.emergency_numbers):
            out.append(Paragraph(f"<b>{para(number.display)}</b> — {para(number.name)}",
                                 style(f"be{i}", (15 if i == 0 else 12) * scale, after=2)))
            if number.description:
                out.append(Paragraph(para(number.description), style(f"bd{i}", 9.5 * scale, color=MUTED, after=4)))
        orgs = [data.organizations[o].name for o in data.campaign.organizer_ids if o in data.organizations]
        if orgs:
            out += [Spacer(1, 8 * scale), Paragraph("Организаторы", style("b1", 12 * scale, font=fonts.BOLD,
                                                                          color=PRIMARY, after=3))]
            out += [Paragraph(para(o), style(f"bo{i}", 9.5 * scale, after=2)) for i, o in enumerate(orgs)]
        out += [Spacer(1, 8 * scale),
                Paragraph(f"Все телефоны, службы и события — на сайте <b>{para(display_url(site_url))}</b>",
                          style("b2", 10 * scale, after=4))]
        if data.campaign.copyright:
            out.append(Paragraph(para(data.campaign.copyright), style("b3", 8 * scale, color=MUTED)))
        return out

    fill(back, fit(back_content, back[2], back[3], "листовка: оборот", GROW), canvas, "листовка")
    _fold_marks(canvas, PANELS_OUTSIDE, press)
    surface.show_page()

    # inside: helplines, then services (as many as fit the two remaining panels)
    left, middle, right = _boxes(PANELS_INSIDE)

    def helplines_content(scale: float) -> list:
        out = [Paragraph("Телефоны помощи", style("h0", 18 * scale, font=fonts.BOLD, color=PRIMARY, after=6))]
        for i, line in enumerate(data.helplines.values()):
            terms = [t for t in (hours_ru(line.hours), "бесплатно" if line.free else "", "анонимно" if line.anonymous else "") if t]
            block = [Paragraph(para(line.name), style(f"hn{i}", 11.5 * scale, font=fonts.BOLD, after=1)),
                     Paragraph(" · ".join(f"<b>{para(p.display)}</b>" for p in line.phones),
                               style(f"hp{i}", 14 * scale, color=PRIMARY_DARK, after=1)),
                     Paragraph(para(f"{line.audience}; " + ", ".join(terms)), style(f"ht{i}", 9 * scale, color=MUTED,
                                                                                     after=7 * scale))]
            out += block
        return out

    lines_fields = {f"ht{i}": record_place(data, "helpline", h.id, "audience") for i, h in enumerate(data.helplines.values())}
    lines_fields |= {f"hn{i}": record_place(data, "helpline", h.id, "name") for i, h in enumerate(data.helplines.values())}
    fill(left, fit(helplines_content, left[2], left[3], "листовка: телефоны помощи", GROW, fields=lines_fields), canvas,
         "листовка")

    # only real services one can reach from paper: not examples, with a phone or an address
    groups: list[list] = []
    for i, service in enumerate(leaflet_services(data)):
        lines = [Paragraph(para(service.name), style(f"sn{i}", 11, font=fonts.BOLD, after=1)),
                 Paragraph(para(_first_sentence(service.description)), style(f"sd{i}", 9, after=1))]
        details = []
        if service.phones:
            details.append("<b>" + para(", ".join(service.phones)) + "</b>")
        if service.address is not None:
            details.append(para(service.address))
        if service.hours is not None:
            details.append(para(service.hours))
        if details:
            lines.append(Paragraph("; ".join(details), style(f"sx{i}", 9, color=PRIMARY_DARK, after=1)))
        if service.free:
            lines.append(Paragraph("бесплатно", style(f"sf{i}", 8, color=MUTED)))
        lines.append(Spacer(1, 7))
        groups.append(lines)
    all_url = page_url(base, Site.SERVICES, directory_urls)
    where = "города" if data.campaign.city else "региона"  # a region-wide campaign lists the region's services
    tail = Paragraph(f"Все службы {where} — на сайте: <b>{url_para(all_url, fonts.BOLD, 9.5, right[2])}</b>",
                     style("st", 9.5, color=MUTED))
    heading = Paragraph("Куда обратиться", style("s0", 18, font=fonts.BOLD, color=PRIMARY, after=6))
    if not groups:  # nothing real to list yet: the space says where help is, in large type
        phones = " или ".join(p.display for p in helpline.phones)

        def fallback(scale: float) -> list:
            out = [Paragraph("Куда обратиться", style("s0", 18 * scale, font=fonts.BOLD, color=PRIMARY, after=8)),
                   Paragraph("Сведения о службах города ещё проверяются. Сейчас звоните — там подскажут, куда "
                             "обратиться рядом с домом:", style("sn-none", 12 * scale, leading=1.3, after=8)),
                   Paragraph(para(helpline.name), style("sn-h", 14 * scale, font=fonts.BOLD, after=2)),
                   Paragraph(f"<b>{para(phones)}</b>", style("sn-hl", 20 * scale, color=PRIMARY_DARK, after=2)),
                   Paragraph(para(helpline_terms(helpline)), style("sn-t", 11 * scale, color=MUTED, after=14)),
                   Paragraph("Опасность прямо сейчас", style("sn-e0", 14 * scale, font=fonts.BOLD, color=DANGER,
                                                             after=2)),
                   Paragraph(f"<b>{para(data.campaign.emergency_numbers[0].display)}</b> — "
                             f"{para(data.campaign.emergency_numbers[0].name.lower())}",
                             style("sn-e", 16 * scale, color=DANGER, after=8))]
            return out

        fill(middle, fit(fallback, middle[2], middle[3], "листовка: куда обратиться", GROW[2:]), canvas, "листовка")
        heading = None
    for box, first in ((middle, True), (right, False)):
        x, y, w, h = box
        if not first:
            y, h = y + 12 * mm, h - 12 * mm  # room for the closing line
        column: list = [heading] if first and heading is not None else []
        while groups and height_of(column + groups[0], w) <= h:
            column += groups.pop(0)
        if column:
            fill((x, y, w, h), column, canvas, "листовка: службы")
    fill((right[0], right[1], right[2], 11 * mm), [tail], canvas, "листовка")
    _fold_marks(canvas, PANELS_INSIDE, press)
    return surface.finish()
