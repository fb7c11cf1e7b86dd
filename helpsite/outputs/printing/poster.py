"""An A4 poster for an event: what, when (with the time zone), where, for whom, who organises,
how to register, and a QR code to the event's page (where changes are published)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.pages.russian import audience_ru, date_ru
from helpsite.outputs.printing import fonts, qr
from helpsite.outputs.printing.flowables import QRFlowable
from helpsite.outputs.printing.layout import (
    DANGER, MUTED, PRIMARY, PRIMARY_DARK, display_url, event_when, fill, fit, page_url, rescheduled, style,
)
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.content import helpline_terms, record_place
from helpsite.outputs.printing.surface import Surface
from helpsite.outputs.printing.text import para

MARGIN = 15 * mm
QR_SIDE = 42 * mm


def poster_url(data: CampaignData, event: m.Event, base_url: str | None = None, directory_urls: bool = True) -> str:
    return page_url(base_url or data.campaign.site_url, Site.event(event.id), directory_urls)


def url_lines(url: str, font: str, size: float, width: float) -> list[str]:
    """A web address as printed: broken only after «/»; if a piece between slashes is still too
    wide, just the domain (the QR code carries the whole address)."""
    shown = display_url(url)
    pieces = [p + "/" for p in shown.split("/")[:-1]] + [shown.split("/")[-1]]
    pieces = [p for p in pieces if p]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if fonts.width(current + piece, font, size) <= width:
            current += piece
            continue
        if not current or fonts.width(piece, font, size) > width:
            domain = shown.split("/", 1)[0]
            return [domain] if fonts.width(domain, font, size) <= width else [domain[: max(1, len(domain) // 2)] + "…"]
        lines.append(current)
        current = piece
    if current:
        lines.append(current)
    return lines


def url_para(url: str, font: str, size: float, width: float) -> str:
    return "<br/>".join(para(line) for line in url_lines(url, font, size, width))


def record_file(kind: str, ident: str) -> str:
    return {"event": f"data/events/{ident}.yml", "algorithm": f"data/algorithms/{ident}.yml",
            "service": f"data/services/{ident}.yml"}.get(kind, f"data/{kind}")


def render_poster(data: CampaignData, event: m.Event, base_url: str | None = None, directory_urls: bool = True,
                  press: bool = False) -> bytes:
    """The poster of `event` as a one-page A4 PDF (office; `press` — for a print shop).

    It prints the event's current truth: postponed → the new date is the biggest text and the old
    one is struck through; cancelled → «ОТМЕНЕНО» is; moved online → the link to join.
    """
    if event.example and not data.campaign.is_draft:
        raise PrintError(f"{record_file('event', event.id)}: событие помечено example: true — афиша с вымышленными "
                         "датой и местом не печатается", "впишите настоящие сведения и удалите строку «example: true»")
    url = poster_url(data, event, base_url, directory_urls)
    code = qr.make(url, "M")
    width, height = A4
    surface = Surface(width, height, press=press, title=f"Афиша: {event.title}", author=data.campaign.name,
                      subject=m.EVENT_TYPE_LABELS[event.type.value])
    canvas = surface.canvas
    where = f"{record_file('event', event.id)}: афиша «{event.title}»"

    # band: campaign and the kind of event (inset 5 mm for office printers; to the bleed at a print shop)
    band = 24 * mm
    band_top = height if press else height - surface.safe
    surface.background(0 if press else surface.safe, band_top - band, width if press else width - 2 * surface.safe,
                       band, PRIMARY)
    head = [Paragraph(para(data.campaign.name), style("band1", 17, font=fonts.BOLD, color="white")),
            Paragraph(para(m.EVENT_TYPE_LABELS[event.type.value].capitalize()), style("band2", 12, color="white"))]
    fill((MARGIN, band_top - band + 3 * mm, width - 2 * MARGIN, band - 6 * mm), head, canvas, where + " (поле title)")
    top = band_top - band - 8 * mm
    if data.campaign.is_draft:
        mark = "ДЕМОНСТРАЦИОННЫЙ ОБРАЗЕЦ" + (": дата, место и контакты вымышлены" if event.example else
                                             ": адрес сайта — пример")
        fill((MARGIN, top - 7 * mm, width - 2 * MARGIN, 7 * mm),
             [Paragraph(para(mark), style("draft", 11, font=fonts.BOLD, color=DANGER))], canvas, where)
        top -= 10 * mm

    # footer: QR code and the helpline (a band inset like the top one)
    footer = 18 * mm
    footer_bottom = 0 if press else surface.safe
    qr_bottom = footer_bottom + footer + 6 * mm
    QRFlowable(code, QR_SIDE, "на афише").drawOn(canvas, width - MARGIN - QR_SIDE, qr_bottom)
    caption_w = width - 2 * MARGIN - QR_SIDE - 8 * mm
    caption = [Paragraph("Подробности, изменения и регистрация — на странице события:",
                         style("qrcap", 12, color=MUTED, after=3)),
               Paragraph(url_para(url, fonts.BOLD, 11, caption_w),
                         style("qrurl", 11, font=fonts.BOLD, color=PRIMARY_DARK, after=6)),
               Paragraph("Наведите камеру телефона на QR-код.", style("qrhint", 10, color=MUTED))]
    fill((MARGIN, qr_bottom, caption_w, QR_SIDE), caption, canvas, where)
    helpline = data.main_helpline
    surface.background(0 if press else surface.safe, footer_bottom, width if press else width - 2 * surface.safe,
                       footer, PRIMARY_DARK)
    phones = " или ".join(p.display for p in helpline.phones)
    fill((MARGIN, footer_bottom + 3 * mm, width - 2 * MARGIN, footer - 5 * mm),
         [Paragraph(f"{para(helpline.name)}: <b>{para(phones)}</b>", style("hl", 13, color="white")),
          Paragraph(para(helpline_terms(helpline)), style("hl2", 10, color="white"))], canvas, where)

    # body: status first, then title, when, where, for whom, description, registration, organisers
    body_bottom = qr_bottom + QR_SIDE + 8 * mm
    body_w = width - 2 * MARGIN
    status = m.EventStatus(event.status).value

    def build(scale: float) -> list:
        s = lambda n: n * scale  # noqa: E731
        date_line, time_line = event_when(data, event)
        out: list = []
        title_size = 30 if status == "scheduled" else 24
        if status == "cancelled":
            out.append(Paragraph("ОТМЕНЕНО", style("cancel", s(60), font=fonts.BOLD, color=DANGER, leading=1.1,
                                                   after=s(6))))
        elif status == "postponed":
            out.append(Paragraph("ПЕРЕНЕСЕНО", style("moved", s(20), font=fonts.BOLD, color=DANGER, after=s(4))))
        elif status == "moved_online":
            out.append(Paragraph("ПРОЙДЁТ ОНЛАЙН", style("online-head", s(24), font=fonts.BOLD, color=DANGER,
                                                         after=s(4))))
        out.append(Paragraph(para(event.title), style("title", s(title_size), font=fonts.BOLD, color=PRIMARY_DARK,
                                                       leading=1.15, after=s(12))))
        if status == "postponed":
            moved = rescheduled(data, event)
            out.append(Paragraph(("Новая дата: " + para(moved)) if moved else "Новая дата будет объявлена",
                                 style("newdate", s(34), font=fonts.BOLD, color=DANGER, leading=1.15, after=s(4))))
            out.append(Paragraph(f"<strike>{para(date_line)}, {para(time_line)}</strike>",
                                 style("olddate", s(14), color=MUTED, after=s(12))))
        elif status == "cancelled":
            out.append(Paragraph(f"<strike>{para(date_line)}, {para(time_line)}</strike>",
                                 style("olddate", s(16), color=MUTED, after=s(8))))
            out.append(Paragraph("Событие не состоится. Новости — на странице события (QR-код ниже).",
                                 style("cancel-note", s(15), after=s(10))))
        else:
            out.append(Paragraph(para(date_line), style("date", s(22), font=fonts.BOLD, after=s(2))))
            out.append(Paragraph(para(time_line), style("time", s(15), after=s(12))))
        if status == "cancelled":
            return out
        if event.place and status != "moved_online":
            out.append(Paragraph(para(event.place.name), style("place", s(16), font=fonts.BOLD, after=s(2))))
            if event.place.address:
                addr = event.place.address
                text = f"{addr.address_1}, {addr.city}" + (f". {addr.description}" if addr.description else "")
                out.append(Paragraph(para(text), style("addr", s(13), after=s(10))))
            else:
                out.append(Spacer(1, s(8)))
        if event.online_url:
            big = status == "moved_online"
            size = s(18 if big else 13)
            out.append(Paragraph("Ссылка для участия: " if big else "Онлайн: ",
                                 style("online-l", size, font=fonts.BOLD, after=0)))
            out.append(Paragraph(url_para(event.online_url, fonts.BOLD, size, body_w),
                                 style("online", size, font=fonts.BOLD, color=PRIMARY_DARK, after=s(10))))
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
                                display_url(reg.url).split("/", 1)[0] if reg.url else "") if w]
            if ways:
                parts.append("Запись: " + "; ".join(ways) + ".")
            if reg.notes:
                parts.append(reg.notes)
            out.append(Paragraph("<b>Регистрация.</b> " + para(" ".join(parts)), style("reg", s(13), after=s(10))))
        orgs = "; ".join(data.organizations[o].name for o in event.organizer_ids)
        out.append(Paragraph("<b>Организаторы:</b> " + para(orgs), style("org", s(11), color=MUTED, after=s(4))))
        return out

    place = lambda field: record_place(data, "event", event.id, field)  # noqa: E731
    fields = {"title": place("title"), "desc": place("description"), "reg": place("registration"),
              "addr": place("place.address"), "place": place("place.name"), "online": place("online_url")}
    flowables = fit(build, body_w, top - body_bottom, f"афиша «{event.title}»",
                    scales=(1.4, 1.3, 1.2, 1.1, 1.0, 0.92, 0.84, 0.76, 0.68, 0.6), fields=fields)
    fill((MARGIN, body_bottom, body_w, top - body_bottom), flowables, canvas, where)
    return surface.finish()
