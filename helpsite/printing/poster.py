"""An A4 poster for an event: what, when (with the time zone), where, for whom, who organises,
how to register, and a QR code to the event's page (where changes are published)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer

from .. import model as m
from ..load import CampaignData
from ..pages import Site, audience_ru, date_ru
from . import fonts, qr
from .layout import (DANGER, MUTED, PRIMARY, PRIMARY_DARK, QRFlowable, display_url, event_when, fill, fit, page_url,
                     rescheduled, set_meta, style)
from .stickers import helpline_terms
from .text import para

MARGIN = 15 * mm
QR_SIDE = 42 * mm
STATUS_BANNERS = {"cancelled": "СОБЫТИЕ ОТМЕНЕНО", "postponed": "СОБЫТИЕ ПЕРЕНЕСЕНО",
                  "moved_online": "СОБЫТИЕ ПРОЙДЁТ ОНЛАЙН"}


def poster_url(data: CampaignData, event: m.Event, base_url: str | None = None, directory_urls: bool = True) -> str:
    return page_url(base_url or data.campaign.site_url, Site.event(event.id), directory_urls)


def render_poster(data: CampaignData, event: m.Event, base_url: str | None = None, directory_urls: bool = True) -> bytes:
    """The poster of `event` as a one-page A4 PDF."""
    fonts.register()
    url = poster_url(data, event, base_url, directory_urls)
    code = qr.make(url, "M")
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    set_meta(canvas, data, f"Афиша: {event.title}", m.EVENT_TYPE_LABELS[event.type.value])

    # band: campaign and the kind of event
    band = 24 * mm
    canvas.setFillColor(PRIMARY)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    head = [Paragraph(para(data.campaign.name), style("band1", 17, font=fonts.BOLD, color="white")),
            Paragraph(para(m.EVENT_TYPE_LABELS[event.type.value].capitalize()), style("band2", 12, color="white"))]
    fill((MARGIN, height - band + 3 * mm, width - 2 * MARGIN, band - 6 * mm), head, canvas, "афиша")
    top = height - band - 8 * mm

    if event.status.value in STATUS_BANNERS:
        text = STATUS_BANNERS[event.status.value]
        if event.status.value == "postponed":
            moved = rescheduled(data, event)
            text += f" — НОВАЯ ДАТА: {moved}" if moved else " — НОВАЯ ДАТА БУДЕТ ОБЪЯВЛЕНА"
        canvas.setFillColor(DANGER)
        canvas.rect(MARGIN, top - 14 * mm, width - 2 * MARGIN, 14 * mm, stroke=0, fill=1)
        fill((MARGIN + 4 * mm, top - 12 * mm, width - 2 * MARGIN - 8 * mm, 10 * mm),
             [Paragraph(para(text), style("status", 15, font=fonts.BOLD, color="white"))], canvas, "афиша")
        top -= 20 * mm

    # footer: QR code and the helpline
    footer = 18 * mm
    qr_bottom = footer + 8 * mm
    QRFlowable(code, QR_SIDE, "на афише").drawOn(canvas, width - MARGIN - QR_SIDE, qr_bottom)
    caption = [Paragraph("Подробности, изменения и регистрация — на странице события:",
                         style("qrcap", 12, color=MUTED, after=3)),
               Paragraph(para(display_url(url)), style("qrurl", 11, font=fonts.BOLD, color=PRIMARY_DARK, after=6)),
               Paragraph("Наведите камеру телефона на QR-код.", style("qrhint", 10, color=MUTED))]
    fill((MARGIN, qr_bottom, width - 2 * MARGIN - QR_SIDE - 8 * mm, QR_SIDE), caption, canvas, "афиша")
    helpline = data.main_helpline
    canvas.setFillColor(PRIMARY_DARK)
    canvas.rect(0, 0, width, footer, stroke=0, fill=1)
    phones = " или ".join(p.display for p in helpline.phones)
    fill((MARGIN, 3 * mm, width - 2 * MARGIN, footer - 5 * mm),
         [Paragraph(f"{para(helpline.name)}: <b>{para(phones)}</b>", style("hl", 13, color="white")),
          Paragraph(para(helpline_terms(helpline)), style("hl2", 10, color="white"))], canvas, "афиша")

    # body: title, when, where, for whom, description, registration, organisers
    body_bottom = qr_bottom + QR_SIDE + 8 * mm
    body_w = width - 2 * MARGIN

    def build(scale: float) -> list:
        s = lambda n: n * scale  # noqa: E731
        date_line, time_line = event_when(data, event)
        out: list = [Paragraph(para(event.title), style("title", s(30), font=fonts.BOLD, color=PRIMARY_DARK,
                                                          leading=1.15, after=s(14))),
                     Paragraph(para(date_line), style("date", s(22), font=fonts.BOLD, after=s(2))),
                     Paragraph(para(time_line), style("time", s(15), after=s(12)))]
        if event.place and event.status.value != "moved_online":
            out.append(Paragraph(para(event.place.name), style("place", s(16), font=fonts.BOLD, after=s(2))))
            if event.place.address:
                addr = event.place.address
                text = f"{addr.address_1}, {addr.city}" + (f". {addr.description}" if addr.description else "")
                out.append(Paragraph(para(text), style("addr", s(13), after=s(10))))
            else:
                out.append(Spacer(1, s(8)))
        if event.online_url:
            out.append(Paragraph("Онлайн: " + para(display_url(event.online_url)),
                                 style("online", s(13), font=fonts.BOLD, after=s(10))))
        out.append(Paragraph("<b>Для кого:</b> " + para(audience_ru(event.audience)), style("aud", s(13), after=s(10))))
        out.append(Paragraph(para(event.description), style("desc", s(13), leading=1.3, after=s(10))))
        reg = event.registration
        if reg:
            parts = ["Нужна предварительная регистрация." if reg.required else "Регистрация не обязательна."]
            if reg.deadline:
                parts.append(f"Записаться до {date_ru(reg.deadline)}.")
            if reg.capacity:
                parts.append(f"Мест: {reg.capacity}.")
            ways = [w for w in (f"телефон {reg.phone.display}" if reg.phone else "",
                                f"почта {reg.email}" if reg.email else "",
                                display_url(reg.url) if reg.url else "") if w]
            if ways:
                parts.append("Запись: " + "; ".join(ways) + ".")
            if reg.notes:
                parts.append(reg.notes)
            out.append(Paragraph("<b>Регистрация.</b> " + para(" ".join(parts)), style("reg", s(13), after=s(10))))
        orgs = "; ".join(data.organizations[o].name for o in event.organizer_ids)
        out.append(Paragraph("<b>Организаторы:</b> " + para(orgs), style("org", s(11), color=MUTED, after=s(4))))
        if event.example:
            out.append(Paragraph("Пример: дата, место и контакты вымышлены.",
                                 style("example", s(10), font=fonts.BOLD, color=DANGER)))
        return out

    flowables = fit(build, body_w, top - body_bottom, f"афиша «{event.title}»",
                    scales=(1.4, 1.3, 1.2, 1.1, 1.0, 0.92, 0.84, 0.76, 0.68, 0.6))
    fill((MARGIN, body_bottom, body_w, top - body_bottom), flowables, canvas, f"афиша «{event.title}»")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
