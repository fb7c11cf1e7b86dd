"""Diary stickers for a helpline on a sheet of labels, and a calibration page for the printer.

The sticker: the helpline's name, its numbers (the largest text), «бесплатно · анонимно ·
круглосуточно», the campaign slogan and a QR code (error correction Q: stickers get scuffed).
Layout adapts to the label: the QR code stays ≥ 0.5 mm per module, text ≥ 7 pt; what cannot fit
is left out in a fixed order (slogan, then the name), and reported in `StickerLayout.dropped`.
Every label of one layout is drawn from one PDF form, so 100 sheets stay small and fast.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .. import model as m
from ..load import CampaignData
from . import fonts, qr
from .errors import PrintError
from .text import labels_ru, mm_ru, wrap

PRIMARY = (0x5B / 255, 0x2A / 255, 0x86 / 255)  # the site's primary colour (#5b2a86)
INK = (0.08, 0.08, 0.08)
MIN_SIZE = 7.0  # pt: smallest text anywhere on print
NUMBER_LEAD = 0.3  # pt: the number is at least this much larger than any other text
QR_GAP = 0.3  # mm between the text column and the QR code's quiet zone
MAX_SHEETS = 1000
MAX_OFFSET = 10.0  # mm
SOURCE_TAG = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


# ------------------------------------------------------------------ content


@dataclass(frozen=True)
class Sticker:
    heading: str
    numbers: tuple[str, ...]  # phone numbers as shown, the main one first
    terms: str  # «бесплатно · анонимно · круглосуточно»
    slogan: str | None
    payload: str  # what the QR code holds


def helpline_terms(helpline: m.Helpline) -> str:
    return " · ".join(t for t, on in (("бесплатно", helpline.free), ("анонимно", helpline.anonymous),
                                      ("круглосуточно", helpline.hours.always_open)) if on)


def tag_url(url: str, source: str | None) -> str:
    """`url` with `src=<source>` added to its query (tells one school's batch from another)."""
    if not source:
        return url
    if not SOURCE_TAG.match(source):
        raise PrintError(f"метка источника «{source}» не годится для адреса",
                         "только латиница, цифры, дефис и подчёркивание, до 40 символов: например school-5")
    if not url.startswith(("http://", "https://")):
        raise PrintError("метка источника (src) добавляется только к ссылке на страницу сайта, не к номеру tel:",
                         "выберите QR-код со ссылкой на сайт или уберите метку")
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + f"src={source}"
    return parts._replace(query=query).geturl()


def sticker_payload(data: CampaignData, helpline: m.Helpline, target: str = "tel", source: str | None = None,
                    base_url: str | None = None) -> str:
    """QR payload: «tel» (the helpline's first number), «site» (the site's home page) or a full URL."""
    if target == "tel":
        payload = f"tel:{helpline.phones[0].tel}"
    elif target == "site":
        payload = base_url or data.campaign.site_url
    elif target.startswith(("http://", "https://", "tel:")):
        payload = target
    else:
        raise PrintError(f"непонятно, что записать в QR-код: «{target}»",
                         "укажите tel (номер телефона), site (главная страница сайта) или полный адрес https://…")
    return tag_url(payload, source)


def sticker_for(data: CampaignData, helpline_id: str | None = None, target: str = "tel", source: str | None = None,
                base_url: str | None = None) -> Sticker:
    """The sticker of a helpline (default: the campaign's main helpline)."""
    helpline_id = helpline_id or data.campaign.main_helpline_id
    if helpline_id not in data.helplines:
        raise PrintError(f"нет линии помощи «{helpline_id}»", "есть: " + ", ".join(data.helplines))
    helpline = data.helplines[helpline_id]
    return Sticker(heading=helpline.name, numbers=tuple(p.display for p in helpline.phones),
                   terms=helpline_terms(helpline), slogan=data.campaign.slogan,
                   payload=sticker_payload(data, helpline, target, source, base_url))


# ------------------------------------------------------------------ layout of one label


@dataclass(frozen=True)
class Run:
    text: str
    font: str
    size: float
    color: tuple[float, float, float] = INK


@dataclass(frozen=True)
class TextLine:
    role: str  # heading | number | terms | slogan
    runs: tuple[Run, ...]
    x: float  # mm from the label's left edge, start of the line
    baseline: float  # mm from the label's top edge
    width: float  # mm

    @property
    def size(self) -> float:
        return max(r.size for r in self.runs)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class StickerLayout:
    width: float  # label, mm
    height: float
    content: tuple[float, float, float, float]  # left, top, width, height (mm from the label's top-left)
    qr_box: tuple[float, float, float]  # left, top, side — with the quiet zone
    code: qr.QR
    lines: tuple[TextLine, ...]
    dropped: tuple[str, ...] = field(default=())

    @property
    def module_mm(self) -> float:
        return self.qr_box[2] / self.code.modules_with_quiet_zone


_DROP_ORDER = ("slogan", "heading", "terms")  # left out first → last; numbers and QR always stay
_ROLE_NAMES = {"slogan": "лозунг", "heading": "название линии", "terms": "«бесплатно · анонимно · круглосуточно»"}


@dataclass
class _Block:
    role: str
    lines: list[tuple[Run, ...]]
    size: float


def _number_lines(numbers: tuple[str, ...], size: float) -> list[tuple[Run, ...]]:
    lines: list[tuple[Run, ...]] = [(Run(numbers[0], fonts.BOLD, size),)]
    for extra in numbers[1:]:
        lines.append((Run("или ", fonts.REGULAR, max(MIN_SIZE, size * 0.6)), Run(extra, fonts.BOLD, size)))
    return lines


def _line_width(runs: tuple[Run, ...]) -> float:
    return sum(fonts.width(r.text, r.font, r.size) for r in runs)


def _blocks(sticker: Sticker, width: float, number: float, scale: float, drop: tuple[str, ...]) -> list[_Block] | None:
    """Text blocks at one scale, wrapped to `width` points; None if something cannot fit the width."""
    cap = number - NUMBER_LEAD
    blocks: list[_Block] = []

    def sized(pref: float) -> float:
        return max(MIN_SIZE, min(cap, pref * scale))

    if "heading" not in drop:
        size = sized(number * 0.62)
        lines = wrap(sticker.heading, fonts.BOLD, size, width)
        if lines is None or len(lines) > 2:
            return None
        blocks.append(_Block("heading", [(Run(t, fonts.BOLD, size, PRIMARY),) for t in lines], size))
    numbers = _number_lines(sticker.numbers, number)
    if any(_line_width(line) > width + 1e-6 for line in numbers):
        return None
    blocks.append(_Block("number", numbers, number))
    if "terms" not in drop and sticker.terms:
        size = sized(number * 0.55)
        lines = wrap(sticker.terms, fonts.REGULAR, size, width, separators=(" · ",))
        if lines is None or len(lines) > 3:
            return None
        blocks.append(_Block("terms", [(Run(t, fonts.REGULAR, size),) for t in lines], size))
    if "slogan" not in drop and sticker.slogan:
        size = sized(number * 0.5)
        lines = wrap(sticker.slogan, fonts.ITALIC, size, width)
        if lines is None or len(lines) > 3:
            return None
        blocks.append(_Block("slogan", [(Run(t, fonts.ITALIC, size, PRIMARY),) for t in lines], size))
    return blocks


def _height(blocks: list[_Block]) -> float:
    lines = sum(fonts.line_height(max(r.size for r in line)) for b in blocks for line in b.lines)
    gaps = sum(0.3 * min(a.size, b.size) for a, b in zip(blocks, blocks[1:]))
    return lines + gaps


def _fit_text(sticker: Sticker, width_mm: float, height_mm: float, drop: tuple[str, ...],
              number_floor: float) -> list[_Block] | None:
    """Blocks that fit `width_mm`×`height_mm` with the number ≥ `number_floor` pt, or None."""
    width, height = width_mm * mm, height_mm * mm
    number_max = min(width / fonts.width(sticker.numbers[0], fonts.BOLD, 1.0), height * 0.3, 30.0)
    while number_max > 0 and any(_line_width(line) > width for line in _number_lines(sticker.numbers, number_max)):
        number_max -= 0.1
    floor = max(number_floor, MIN_SIZE + NUMBER_LEAD)
    if number_max < floor:
        return None
    scale = 1.0
    while scale > 0.15:
        number = max(floor, number_max * min(1.0, 0.5 + 0.5 * scale))
        blocks = _blocks(sticker, width, number, scale, drop)
        if blocks is not None and _height(blocks) <= height:
            return blocks
        scale -= 0.05
    return None


def layout_sticker(sticker: Sticker, width: float, height: float,
                   inset: tuple[float, float, float, float]) -> StickerLayout:
    """Lay out one sticker on a `width`×`height` mm label; `inset` = left, top, right, bottom margins (mm).

    Preference order: a large number (≥ 10 pt where the label allows), then keeping every text
    block, then a larger QR code, then larger secondary text.
    """
    left, top, right, bottom = inset
    cw, ch = width - left - right, height - top - bottom
    where = f"на этикетке {mm_ru(width)} × {mm_ru(height)} мм"
    code = qr.make(sticker.payload, "Q")
    qr.module_for(code, min(cw, ch), where)  # raises a clear error when the code cannot be ≥ 0.5 mm/module
    n = code.modules_with_quiet_zone
    smallest = code.min_side_mm()
    preferred = max(smallest, min(ch, n * 0.75, cw * 0.45))
    sides = [preferred]
    while sides[-1] - 1.0 > smallest:
        sides.append(sides[-1] - 1.0)
    if sides[-1] != smallest:
        sides.append(smallest)
    drops = [tuple(r for r in _DROP_ORDER[:i]) for i in range(len(_DROP_ORDER) + 1)]
    chosen: tuple[float, list[_Block], tuple[str, ...]] | None = None
    for floor in (10.0, 0.0):
        for drop in drops:
            for side in sides:
                blocks = _fit_text(sticker, cw - side - QR_GAP, ch, drop, floor)
                if blocks is not None:
                    chosen = (side, blocks, tuple(r for r in drop if _present(sticker, r)))
                    break
            if chosen:
                break
        if chosen:
            break
    if chosen is None:
        raise PrintError(f"номер телефона не помещается {where} рядом с QR-кодом (текст не меньше {MIN_SIZE:g} pt)",
                         "выберите этикетку крупнее или QR-код короче (tel: вместо ссылки)")
    side, blocks, dropped = chosen
    qr_box = (left + cw - side, top + (ch - side) / 2, side)
    text_w = cw - side - QR_GAP
    y = top + (ch - _height(blocks) / mm) / 2
    lines: list[TextLine] = []
    prev: _Block | None = None
    for block in blocks:
        if prev is not None:
            y += 0.3 * min(prev.size, block.size) / mm
        for runs in block.lines:
            size = max(r.size for r in runs)
            w = _line_width(runs) / mm
            baseline = y + fonts.ASCENT * size / mm
            lines.append(TextLine(block.role, runs, left + (text_w - w) / 2, baseline, w))
            y += fonts.line_height(size) / mm
        prev = block
    return StickerLayout(width, height, (left, top, cw, ch), qr_box, code, tuple(lines), dropped)


def _present(sticker: Sticker, role: str) -> bool:
    return bool({"slogan": sticker.slogan, "heading": sticker.heading, "terms": sticker.terms}[role])


def draw_layout(canvas: Canvas, layout: StickerLayout) -> None:
    """Draw a laid-out sticker with the label's bottom-left corner at the canvas origin."""
    h = layout.height
    left, top, side = layout.qr_box
    qr.draw_mm(canvas, layout.code, left, h - top - side, side)
    for line in layout.lines:
        x = line.x * mm
        for run in line.runs:
            canvas.setFillColorRGB(*run.color)
            canvas.setFont(run.font, run.size)
            canvas.drawString(x, (h - line.baseline) * mm, run.text)
            x += fonts.width(run.text, run.font, run.size)


# ------------------------------------------------------------------ sheets


@dataclass(frozen=True)
class SheetOptions:
    count: int | None = None  # stickers in all; None → fill the sheets
    sheets: int | None = None  # sheets; None with no count → one sheet
    start: int = 1  # first label to use on the first sheet (1 = top left, row by row)
    offset_x: float = 0.0  # mm, + moves the print right (printer calibration)
    offset_y: float = 0.0  # mm, + moves the print down


def plan_sheets(stock: m.LabelStock, options: SheetOptions) -> list[list[int]]:
    """Label indices (0-based) used on each sheet; a clear error for impossible requests."""
    per = stock.per_sheet
    if not 1 <= options.start <= per:
        raise PrintError(f"начальная этикетка {options.start} за пределами листа {stock.name}: на нём {labels_ru(per)} "
                         f"({stock.columns} × {stock.rows}), номера от 1 до {per}",
                         "этикетки считаются слева направо и сверху вниз; 1 — левая верхняя")
    if options.count is not None and options.sheets is not None:
        raise PrintError("указаны и число наклеек, и число листов", "укажите что-то одно")
    if options.count is not None and options.count < 1:
        raise PrintError(f"число наклеек должно быть больше нуля (указано {options.count})")
    if options.sheets is not None and options.sheets < 1:
        raise PrintError(f"число листов должно быть больше нуля (указано {options.sheets})")
    for name, value in (("по горизонтали", options.offset_x), ("по вертикали", options.offset_y)):
        if abs(value) > MAX_OFFSET:
            raise PrintError(f"сдвиг {name} {value:g} мм больше {MAX_OFFSET:g} мм — похоже на ошибку",
                             "сдвиг — это поправка принтера в миллиметрах, обычно меньше 3 мм; проверьте пробным листом")
    first = list(range(options.start - 1, per))
    if options.count is not None:
        total = options.count
    else:
        total = len(first) + per * ((options.sheets or 1) - 1)
    sheets: list[list[int]] = []
    remaining = total
    indices = first
    while remaining > 0:
        take = indices[:remaining]
        sheets.append(take)
        remaining -= len(take)
        indices = list(range(per))
        if len(sheets) > MAX_SHEETS:
            raise PrintError(f"слишком много листов за раз (больше {MAX_SHEETS})", "разбейте заказ на части")
    return sheets


def label_inset(stock: m.LabelStock, index: int) -> tuple[float, float, float, float]:
    """Margins inside label `index`: the padding, widened where the printer cannot print near the sheet edge."""
    x, y, w, h = stock.label_box(index)
    pad, edge = stock.padding, stock.printer_margin
    return (max(pad, edge - x), max(pad, edge - y),
            max(pad, x + w - (stock.page_width - edge)), max(pad, y + h - (stock.page_height - edge)))


def layouts_for(stock: m.LabelStock, sticker: Sticker) -> dict[tuple[float, ...], StickerLayout]:
    """One layout per distinct inset on the sheet (edge labels of a borderless sheet differ)."""
    out: dict[tuple[float, ...], StickerLayout] = {}
    for index in range(stock.per_sheet):
        inset = tuple(round(v, 3) for v in label_inset(stock, index))
        if inset not in out:
            out[inset] = layout_sticker(sticker, stock.label_width, stock.label_height, inset)  # type: ignore[arg-type]
    return out


def _canvas(buffer: io.BytesIO, stock: m.LabelStock, title: str, data: CampaignData | None) -> Canvas:
    fonts.register()
    canvas = Canvas(buffer, pagesize=(stock.page_width * mm, stock.page_height * mm), invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(data.campaign.name if data else "")
    canvas.setCreator("helpsite")
    canvas.setSubject(f"{stock.name}: {stock.columns} × {stock.rows}, {stock.label_width:g} × {stock.label_height:g} мм")
    return canvas


def _origin(stock: m.LabelStock, index: int, options: SheetOptions) -> tuple[float, float]:
    """Bottom-left corner of label `index` on the PDF page (points), printer offset applied."""
    x, y, w, h = stock.label_box(index)
    return (x + options.offset_x) * mm, (stock.page_height - y - h - options.offset_y) * mm


def render_stickers(data: CampaignData, stock: m.LabelStock, sticker: Sticker,
                    options: SheetOptions = SheetOptions()) -> bytes:
    """Sheets of stickers as one PDF (exact page size of the stock, vector text and QR)."""
    plan = plan_sheets(stock, options)
    layouts = layouts_for(stock, sticker)
    buffer = io.BytesIO()
    canvas = _canvas(buffer, stock, f"Наклейки «{sticker.heading}» — {stock.name}", data)
    forms: dict[tuple[float, ...], str] = {}
    for i, (inset, layout) in enumerate(layouts.items()):
        name = f"sticker{i}"
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=stock.label_width * mm, uppery=stock.label_height * mm)
        draw_layout(canvas, layout)
        canvas.endForm()
        forms[inset] = name
    for sheet in plan:
        for index in sheet:
            x, y = _origin(stock, index, options)
            canvas.saveState()
            canvas.translate(x, y)
            canvas.doForm(forms[tuple(round(v, 3) for v in label_inset(stock, index))])
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_calibration(stock: m.LabelStock, options: SheetOptions = SheetOptions()) -> bytes:
    """A test page: the outline of every label, its number and centre, nothing else.

    Print it on plain paper, lay it on a sheet of labels against the light: where the outlines
    miss the labels, measure by how much and pass it as the printer offset.
    """
    plan_sheets(stock, SheetOptions(offset_x=options.offset_x, offset_y=options.offset_y))  # checks the offset
    buffer = io.BytesIO()
    canvas = _canvas(buffer, stock, f"Пробный лист — {stock.name}", None)
    canvas.setLineWidth(0.5)
    canvas.setStrokeColorRGB(0, 0, 0)
    for index in range(stock.per_sheet):
        x, y = _origin(stock, index, options)
        w, h = stock.label_width * mm, stock.label_height * mm
        if stock.corner_radius:
            canvas.roundRect(x, y, w, h, stock.corner_radius * mm, stroke=1, fill=0)
        else:
            canvas.rect(x, y, w, h, stroke=1, fill=0)
        cx, cy = x + w / 2, y + h / 2
        canvas.line(cx - 2 * mm, cy, cx + 2 * mm, cy)
        canvas.line(cx, cy - 2 * mm, cx, cy + 2 * mm)
        inset = label_inset(stock, index)
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        canvas.setFont(fonts.REGULAR, MIN_SIZE)
        canvas.drawString(x + inset[0] * mm, y + h - inset[1] * mm - fonts.ASCENT * MIN_SIZE, str(index + 1))
    if stock.margin_top >= 9 and stock.printer_margin < stock.margin_top - 4:  # room above the labels
        shift = (f"; поправка {options.offset_x:+g} / {options.offset_y:+g} мм".replace(".", ",")
                 if options.offset_x or options.offset_y else "")
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawCentredString(stock.page_width * mm / 2, (stock.page_height - stock.margin_top / 2) * mm - 3,
                                 f"Пробный лист {stock.name}{shift}: печать 100 %, наложите на лист этикеток "
                                 "и посмотрите на просвет")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
