"""The helpline poster (A4/A3, for children or for adults), the A5 flyer and the wallet card.

All from the same data as the site: the campaign's main helpline (name, numbers, free /
anonymous / round the clock), the first emergency number (112) and the campaign. The number is
the biggest text on each: on the A3 poster its cap height is ≥ 15 mm (readable at 2 m), on A4
the same layout scaled by 1/√2.

Each renders for the office (default: nothing within 5 mm of the edge) or for the print shop
(`press=True`: CMYK, 3 mm bleed, crop marks, TrimBox/BleedBox; see surface.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A3, A4, A5
from reportlab.lib.units import mm

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.pages.site import Site
from helpsite.outputs.printing import fonts, qr
from helpsite.outputs.printing.column import Column, largest_size
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.content import record_place
from helpsite.outputs.printing.layout import DANGER, INK, MUTED, PRIMARY, PRIMARY_DARK, page_url
from helpsite.outputs.printing.surface import Surface
from helpsite.outputs.printing.text import mm_ru

SIZES = {"A4": A4, "A3": A3}
AUDIENCES = ("child", "adult")
DRAFT_MARK = "ДЕМОНСТРАЦИОННЫЙ ОБРАЗЕЦ"
DRAFT_NOTE = "демонстрационный образец: адрес сайта и часть сведений — примеры, не распространяйте"
# cap height of PT Sans Bold digits, per 1 pt of size (capHeight 700/1000)
CAP = 0.7


@dataclass(frozen=True)
class HelplineFacts:
    """What every helpline product says, taken from the data."""

    name: str
    number: str
    tel: str
    extra: tuple[tuple[str, str], ...]  # (number, what it is) for the other numbers
    terms: str  # «бесплатно · анонимно · круглосуточно»
    terms_sentence: str  # «Бесплатно, анонимно, круглосуточно.»
    description: str
    emergency: tuple[str, str, str]  # number, name, description
    emergency_all: tuple[tuple[str, str], ...]
    campaign: str
    slogan: str | None


def facts(data: CampaignData) -> HelplineFacts:
    helpline = data.main_helpline
    words = [w for w, on in (("бесплатно", helpline.free), ("анонимно", helpline.anonymous),
                             ("круглосуточно", helpline.hours.always_open)) if on]
    sentence = ((", ".join(words[:-1]) + " и " + words[-1] if len(words) > 1 else words[0]).capitalize() + "."
                if words else "")
    first = data.campaign.emergency_numbers[0]
    return HelplineFacts(
        name=helpline.name, number=helpline.phones[0].display, tel=f"tel:{helpline.phones[0].tel}",
        extra=tuple((p.display, p.description or "") for p in helpline.phones[1:]),
        terms=" · ".join(words), terms_sentence=sentence, description=" ".join((helpline.description or "").split()),
        emergency=(first.display, first.name, " ".join((first.description or "").split())),
        emergency_all=tuple((n.display, n.name) for n in data.campaign.emergency_numbers),
        campaign=data.campaign.name, slogan=data.campaign.slogan)


def child_words(f: HelplineFacts) -> str:
    """What the number is for, in a child's words."""
    return "Если тебе плохо или страшно, если тебя обижают — позвони. " + f.terms_sentence


# ------------------------------------------------------------------ poster and flyer


def helpline_url(data: CampaignData, base_url: str | None = None, directory_urls: bool = True) -> str:
    return page_url(base_url or data.campaign.site_url, Site.HELPLINES, directory_urls)


def render_helpline_poster(data: CampaignData, size: str = "A4", audience: str = "child", press: bool = False,
                           base_url: str | None = None, directory_urls: bool = True) -> bytes:
    """The helpline poster: A4 or A3, for children («позвони») or adults; office or print shop."""
    if size not in SIZES:
        raise PrintError(f"неизвестный формат афиши «{size}»", "есть A4 и A3")
    if audience not in AUDIENCES:
        raise PrintError(f"неизвестная версия афиши «{audience}»", "есть child (для детей) и adult (для взрослых)")
    width, height = SIZES[size]
    scale = width / A4[0]
    return _render(data, width, height, scale, audience, press, base_url, directory_urls,
                   f"Телефон доверия — афиша {size}, {'для детей' if audience == 'child' else 'для взрослых'}")


def render_flyer(data: CampaignData, press: bool = False, base_url: str | None = None,
                 directory_urls: bool = True) -> bytes:
    """The A5 flyer: the helpline for children and for parents, the emergency numbers, a QR to the site."""
    width, height = A5
    return _render(data, width, height, width / A4[0], "flyer", press, base_url, directory_urls,
                   "Телефон доверия — листовка A5")


def _render(data: CampaignData, width: float, height: float, s: float, kind: str, press: bool,
            base_url: str | None, directory_urls: bool, title: str) -> bytes:
    f = facts(data)
    surface = Surface(width, height, press=press, title=title, author=data.campaign.name,
                      subject="печать 100 %" + (", CMYK, вылеты 3 мм" if press else ""))
    c = surface.canvas
    safe = surface.safe
    margin = max(safe + 4 * mm, 14 * mm * s)
    inner = width - 2 * margin
    url = helpline_url(data, base_url, directory_urls)
    payload = f.tel if kind == "child" else url
    carries_site = payload.startswith("http")
    draft = data.campaign.is_draft and carries_site

    # top band: the question the poster answers
    band_h = 30 * mm * s
    band_top = height if press else height - safe
    surface.background(0 if press else safe, band_top - band_h, width if press else width - 2 * safe, band_h, PRIMARY)
    headline = {"child": "Тебе плохо или страшно?", "adult": "Тревожитесь за ребёнка?",
                "flyer": "Тебе плохо или страшно? Тревожитесь за ребёнка?"}[kind]
    head = Column(inner)
    head.add(headline, fonts.BOLD, 40 * s, "white", "headline", align="centre", max_lines=2)
    hs = head.best_scale(band_h - 8 * mm * s, "афиша: заголовок")
    hh = head.height(hs) or 0
    head.draw(c, margin, band_top - (band_h - hh) / 2, hs)
    records = list(head.records)
    top = band_top - band_h - 7 * mm * s
    if draft:
        c.setFillColor(DANGER)
        c.setFont(fonts.BOLD, max(8, 11 * s))
        c.drawCentredString(width / 2, top - 11 * s, f"{DRAFT_MARK}: {DRAFT_NOTE.split(': ', 1)[1]}"
                            if fonts.width(f"{DRAFT_MARK}: {DRAFT_NOTE.split(': ', 1)[1]}", fonts.BOLD, max(8, 11 * s)) <= inner
                            else DRAFT_MARK)
        top -= 11 * s + 5 * mm * s

    # bottom: the QR code and the campaign
    qr_side = 36 * mm * s
    bottom = safe + 4 * mm * s
    code = qr.make(payload, "M")
    qr.module_for(code, qr_side / mm, "на афише")
    qr.draw(c, code, width - margin - qr_side, bottom, qr_side)
    foot = Column(inner - qr_side - 6 * mm * s)
    if kind == "child":
        foot.add("Наведи камеру телефона на код — номер наберётся сам.", fonts.REGULAR, 15 * s, INK, "qr-hint")
    else:
        foot.add("Все телефоны и службы помощи — на сайте:", fonts.REGULAR, 14 * s, INK, "qr-hint")
        foot.add(_short_url(url, fonts.BOLD, 16 * s, foot.width), fonts.BOLD, 16 * s, PRIMARY_DARK, "url", before=3)
    foot.add(f.campaign + (f" — {f.slogan}" if f.slogan and kind != "child" else ""), fonts.REGULAR, 12 * s, MUTED,
             "campaign", before=6 * s, max_lines=2)
    fs = foot.best_scale(qr_side, "афиша: подпись к QR-коду")
    fh = foot.height(fs) or 0
    foot.draw(c, margin, bottom + (qr_side + fh) / 2, fs)
    records += foot.records

    # emergency box above the footer
    box_h = 30 * mm * s
    box_y = bottom + qr_side + 6 * mm * s
    c.setStrokeColor(DANGER)
    c.setLineWidth(2.2 * s)
    c.roundRect(margin, box_y, inner, box_h, 3 * mm * s, stroke=1, fill=0)
    e_number, e_name, e_desc = f.emergency
    number_w = fonts.width(e_number, fonts.BOLD, 1.0)
    e_size = min(54 * s, (box_h - 8 * mm * s) / (fonts.ASCENT + fonts.DESCENT))
    c.setFillColor(DANGER)
    c.setFont(fonts.BOLD, e_size)
    ex = margin + 6 * mm * s
    c.drawString(ex, box_y + (box_h - CAP * e_size) / 2, e_number)
    etext = Column(inner - (ex - margin) - number_w * e_size - 12 * mm * s)
    if kind == "child":
        etext.add("Если тебе или другому ребёнку грозит опасность прямо сейчас — звони", fonts.BOLD, 17 * s, INK,
                  "emergency")
        etext.add(e_desc.split(". ", 1)[1] if ". " in e_desc else e_name, fonts.REGULAR, 13 * s, INK, "emergency-note",
                  before=3 * s)
    else:
        etext.add(e_desc or e_name, fonts.BOLD, 16 * s, INK, "emergency")
        if kind == "flyer" and len(f.emergency_all) > 1:
            etext.add(" · ".join(f"{name.lower()} — {num}" for num, name in f.emergency_all[1:]), fonts.REGULAR, 13 * s,
                      INK, "emergency-note", before=3 * s)
    es = etext.best_scale(box_h - 6 * mm * s, "афиша: экстренный номер")
    eh = etext.height(es) or 0
    etext.draw(c, ex + number_w * e_size + 6 * mm * s, box_y + (box_h + eh) / 2, es)
    records += etext.records

    # the middle: what the number is, the number, what it is for
    body = Column(inner)
    body.add(f.name, fonts.BOLD, 34 * s, PRIMARY, "name", align="centre", max_lines=2)
    number_size = largest_size(f.number, fonts.BOLD, inner, 120 * s)
    body.add(f.number, fonts.BOLD, number_size, PRIMARY_DARK, "number", align="centre", before=4 * s, max_lines=1)
    for extra, note in f.extra:
        body.add(f"или {extra}" + (f" — {note}" if note else ""), fonts.BOLD, 22 * s, PRIMARY_DARK, "extra",
                 align="centre", before=2 * s, max_lines=2)
    if f.terms:
        body.add(f.terms, fonts.REGULAR, 24 * s, INK, "terms", align="centre", before=8 * s)
    if kind == "child":
        body.add(child_words(f).split(" — позвони.")[0] + " — позвони. Тебя выслушают и "
                 "подскажут, что делать." + (" Можно не называть своё имя." if data.main_helpline.anonymous else ""),
                 fonts.REGULAR, 20 * s, INK, "message", align="centre", before=10 * s, leading=1.25)
    elif kind == "adult":
        body.add(f.description, fonts.REGULAR, 18 * s, INK, "message", align="centre", before=10 * s, leading=1.25)
        body.add("Позвоните, если вы тревожитесь за ребёнка или не знаете, как поступить.", fonts.BOLD, 18 * s, INK,
                 "message", align="centre", before=6 * s)
    else:
        body.add(child_words(f).split(" Бесплатно")[0], fonts.BOLD, 17 * s, INK, "message", align="centre",
                 before=10 * s)
        body.add(f.description, fonts.REGULAR, 15 * s, INK, "message", align="centre", before=5 * s, leading=1.25)
    available = top - (box_y + box_h + 6 * mm * s)
    scales = [1.0 - 0.02 * i for i in range(40)]
    bs = None
    for sc in scales:
        h = body.height(sc)
        if h is not None and h <= available:
            bs = sc
            break
    if bs is None:
        raise PrintError(f"{record_place(data, 'helpline', data.main_helpline.id, 'description')} — афиша телефона "
                         "доверия: текст не помещается", "сократите описание линии помощи в этом файле")
    bh = body.height(bs) or 0
    body.draw(c, margin, top - (available - bh) / 2, bs)
    records += body.records
    number_pt = next(r.size for r in records if r.role == "number")
    if max(r.size for r in records) > number_pt + 1e-6:
        raise PrintError("афиша телефона доверия: номер не самый крупный текст", "укоротите заголовок")
    return surface.finish()


def _short_url(url: str, font: str, size: float, width: float) -> str:
    """The address as printed: without the scheme; just the domain when it would not fit one line."""
    shown = url.split("://", 1)[-1]
    if fonts.width(shown, font, size) <= width:
        return shown
    return shown.split("/", 1)[0]


# ------------------------------------------------------------------ wallet card


CARD_W, CARD_H = 85 * mm, 54 * mm


def draw_card(c, data: CampaignData, w: float, h: float, pad: float):
    """One wallet card with its bottom-left corner at the origin; `pad` = distance of text from the card's edge."""
    f = facts(data)
    code = qr.make(f.tel, "Q")
    side = code.min_side_mm() * mm * 1.1
    qr.draw(c, code, w - pad - side, pad, side)
    col = Column(w - 2 * pad)
    col.add(f.name, fonts.BOLD, 12, PRIMARY, "name", max_lines=1)
    number = min(20.0, largest_size(f.number, fonts.BOLD, w - 2 * pad, 20))
    col.add(f.number, fonts.BOLD, number, PRIMARY_DARK, "number", before=1, max_lines=1)
    side_col = Column(w - 2 * pad - side - 2 * mm)
    for extra, note in f.extra:
        side_col.add(f"или {extra}" + (f" — {note}" if note else ""), fonts.BOLD, 8.5, PRIMARY_DARK, "extra",
                     max_lines=2)
    side_col.add(child_words(f), fonts.REGULAR, 8.5, INK, "message", before=2, max_lines=4)
    e_number, _, _ = f.emergency
    side_col.add(f"Опасность прямо сейчас — {e_number}", fonts.BOLD, 8.5, DANGER, "emergency", before=2)
    top = h - pad
    bottom = col.draw(c, pad, top)
    avail = bottom - 1.5 * mm - pad
    scale = side_col.best_scale(avail, "визитка: текст", [1.0 - 0.03 * i for i in range(10)])
    side_col.draw(c, pad, bottom - 1.5 * mm, scale)
    return col.records + side_col.records, (w - pad - side, pad, side), code


def card_layout(data: CampaignData, stock: m.LabelStock) -> dict:
    """The card as the page's start-at-label generator draws it: text lines and the QR box in mm
    from the card's top left (the same numbers the PDF is drawn with)."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas
    import io

    w, h = stock.label_width * mm, stock.label_height * mm
    records, (qx, qy, side), code = draw_card(Canvas(io.BytesIO()), data, w, h, max(stock.padding, 4) * mm)

    def hexed(colour) -> str:
        return "#" + colors.toColor(colour).hexval()[2:].lower()

    lines = [{"text": r.text, "x": round(r.x / mm, 3), "baseline": round((h - r.baseline) / mm, 3),
              "runs": [{"text": r.text, "size": round(r.size, 3), "bold": r.font == fonts.BOLD, "color": hexed(r.colour)}]}
             for r in records]
    return {"qr": [round(qx / mm, 3), round((h - qy - side) / mm, 3), round(side / mm, 3)], "lines": lines,
            "rows": ["".join("1" if v else "0" for v in row) for row in code.rows]}


def render_cards(data: CampaignData, stock: m.LabelStock, options=None, press: bool = False) -> bytes:
    """Wallet cards: a sheet of `stock` (office), or one card with bleed and crop marks (print shop)."""
    from helpsite.outputs.printing.stickers import SheetOptions, _origin, plan_sheets

    if press:
        surface = Surface(CARD_W, CARD_H, press=True, title="Карточка с телефоном доверия, 85 × 54 мм",
                          author=data.campaign.name, subject="CMYK, вылеты 3 мм")
        surface.background(0, CARD_H - 4 * mm, CARD_W, 4 * mm, PRIMARY)
        draw_card(surface.canvas, data, CARD_W, CARD_H - 4 * mm, 4 * mm)
        return surface.finish()
    options = options or SheetOptions()
    if abs(stock.label_width - 85) > 1 or abs(stock.label_height - 54) > 1:
        raise PrintError(f"карточки печатаются на листе визиток 85 × 54 мм, а у {stock.name} "
                         f"{mm_ru(stock.label_width)} × {mm_ru(stock.label_height)} мм", "выберите avery-c32011")
    plan = plan_sheets(stock, options)
    surface = Surface(stock.page_width * mm, stock.page_height * mm, title=f"Карточки с телефоном доверия — {stock.name}",
                      author=data.campaign.name, subject=f"{stock.name}: {stock.columns} × {stock.rows}")
    c = surface.canvas
    w, h = stock.label_width * mm, stock.label_height * mm
    c.beginForm("card", lowerx=0, lowery=0, upperx=w, uppery=h)
    draw_card(c, data, w, h, max(stock.padding, 4) * mm)
    c.endForm()
    for n, sheet in enumerate(plan):
        if n:
            surface.show_page()
        for index in sheet:
            x, y = _origin(stock, index, options)
            c.saveState()
            c.translate(x, y)
            c.doForm("card")
            c.restoreState()
    return surface.finish()

