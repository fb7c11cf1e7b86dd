"""Diary stickers for a helpline on a sheet of labels, and a calibration page for the printer.

The sticker speaks to a child: what the number is (the helpline's name), the number (the
largest text, ≥ 9 pt on the smallest stock), what it is for in a child's words («Если тебе
плохо или страшно, позвони. Бесплатно и анонимно…»), a school batch's line, and a small QR code
(error correction Q: stickers get scuffed). Layout adapts to the label: the QR code stays ≥ 0.5 mm
per module; what cannot fit (the QR code, the second number, the long wording) is left out in
a fixed order and reported in `StickerLayout.dropped`.
Every label of one layout is drawn from one PDF form, so 100 sheets stay small and fast.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from helpsite.data import model as m
from helpsite.data.load import CampaignData
from helpsite.outputs.printing import fonts, qr
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.content import Sticker
from helpsite.outputs.printing.text import labels_ru, mm_ru, wrap

PRIMARY = (0x5B / 255, 0x2A / 255, 0x86 / 255)  # the site's primary colour (#5b2a86)
INK = (0.08, 0.08, 0.08)
MIN_SIZE = 7.0  # pt: smallest text anywhere on print
NUMBER_LEAD = 0.3  # pt: the number is at least this much larger than any other text
QR_GAP = 0.3  # mm between the text column and the QR code's quiet zone
MAX_SHEETS = 1000
MAX_OFFSET = 10.0  # mm
# what a sticker says (`Sticker`, `sticker_for`) is in `content.py`: a cached print set needs it without reportlab


# ------------------------------------------------------------------ layout of one label


DRAFT_TEXT = "демонстрационный образец"
DANGER = (0xB3 / 255, 0x26 / 255, 0x1E / 255)
MUTED = (0.27, 0.27, 0.27)


@dataclass(frozen=True)
class Run:
    text: str
    font: str
    size: float
    color: tuple[float, float, float] = INK


@dataclass(frozen=True)
class TextLine:
    role: str  # school | draft | heading | number | message
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
    qr_box: tuple[float, float, float] | None  # left, top, side — with the quiet zone; None: no room for a code
    code: qr.QR
    lines: tuple[TextLine, ...]
    dropped: tuple[str, ...] = field(default=())

    @property
    def module_mm(self) -> float:
        return self.qr_box[2] / self.code.modules_with_quiet_zone if self.qr_box else 0.0


_ROLE_NAMES = {"qr": "QR-код (на этикетке такого размера он оттеснил бы номер)",
               "numbers": "второй номер", "message": "полный текст (напечатан короткий)"}
NUMBER_FLOOR = 9.0  # pt: the number on the smallest stock


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


def _blocks(sticker: Sticker, width: float, number: float, scale: float, numbers: tuple[str, ...],
            message: str) -> list[_Block] | None:
    """Text blocks at one scale, wrapped to `width` points; None if something cannot fit the width."""
    cap = number - NUMBER_LEAD
    blocks: list[_Block] = []

    def sized(pref: float) -> float:
        return max(MIN_SIZE, min(cap, pref * scale))

    def add(role: str, text: str, font: str, pref: float, colour, max_lines: int) -> bool:
        size = sized(pref)
        lines = wrap(text, font, size, width)
        if lines is None or len(lines) > max_lines:
            return False
        blocks.append(_Block(role, [(Run(t, font, size, colour),) for t in lines], size))
        return True

    if sticker.draft_mark and not add("draft", DRAFT_TEXT, fonts.BOLD, number * 0.5, DANGER, 2):
        return None
    if sticker.school and not add("school", sticker.school, fonts.BOLD, number * 0.55, MUTED, 2):
        return None
    if not add("heading", sticker.heading, fonts.BOLD, number * 0.62, PRIMARY, 2):
        return None
    lines = _number_lines(numbers, number)
    if any(_line_width(line) > width + 1e-6 for line in lines):
        return None
    blocks.append(_Block("number", lines, number))
    if not add("message", message, fonts.REGULAR, number * 0.55, INK, 4):
        return None
    return blocks


LEADING = 1.12  # baseline to baseline inside a block, per pt


def _block_height(block: _Block) -> float:
    """First line: ascent + descent; each further line: the leading (glyphs never leave the block)."""
    sizes = [max(r.size for r in line) for line in block.lines]
    return fonts.line_height(sizes[0]) + sum(LEADING * s for s in sizes[1:])


def _height(blocks: list[_Block]) -> float:
    gaps = sum(0.2 * min(a.size, b.size) for a, b in zip(blocks, blocks[1:], strict=False))
    return sum(_block_height(b) for b in blocks) + gaps


def _fit_text(sticker: Sticker, width_mm: float, height_mm: float, numbers: tuple[str, ...], message: str,
              number_floor: float) -> list[_Block] | None:
    """Blocks that fit `width_mm`×`height_mm` with the number ≥ `number_floor` pt, or None."""
    width, height = width_mm * mm, height_mm * mm
    if width <= 0:
        return None
    number_max = min(width / fonts.width(numbers[0], fonts.BOLD, 1.0), height * 0.3, 30.0)
    while number_max > 0 and any(_line_width(line) > width for line in _number_lines(numbers, number_max)):
        number_max -= 0.1
    floor = max(number_floor, MIN_SIZE + NUMBER_LEAD)
    if number_max < floor:
        return None
    scale = 1.0
    while scale > 0.15:
        number = max(floor, number_max * min(1.0, 0.5 + 0.5 * scale))
        blocks = _blocks(sticker, width, number, scale, numbers, message)
        if blocks is not None and _height(blocks) <= height:
            return blocks
        scale -= 0.05
    return None


def layout_sticker(sticker: Sticker, width: float, height: float,
                   inset: tuple[float, float, float, float]) -> StickerLayout:
    """Lay out one sticker on a `width`×`height` mm label; `inset` = left, top, right, bottom margins (mm).

    Always there: what the number is (the helpline's name), the number — the biggest text, at
    least 9 pt — and what it is for in a child's words, plus the school line of a school batch.
    Preference order after that: the QR code (small: modules 0.5–0.6 mm, at most 40 % of the
    width), the full message, the second number; a larger number before larger other text.
    """
    left, top, right, bottom = inset
    cw, ch = width - left - right, height - top - bottom
    where = f"на этикетке {mm_ru(width)} × {mm_ru(height)} мм"
    code = qr.make(sticker.payload, "Q")
    smallest = code.min_side_mm()
    qr_fits = smallest <= min(ch, cw * 0.45)
    sides = [s for s in (min(code.modules_with_quiet_zone * 0.6, cw * 0.4, ch), smallest) if s >= smallest] if qr_fits else []
    variants: list[tuple[float | None, tuple[str, ...], str, tuple[str, ...]]] = []
    for side in [*sides, None]:
        options: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
            (sticker.numbers, sticker.message, ()),
            (sticker.numbers, sticker.short_message, ("message",)),
            (sticker.numbers[:1], sticker.short_message, ("message", "numbers")),
            (sticker.numbers[:1], sticker.tiny_message, ("message", "numbers")))
        for numbers, message, left_out in options:
            if "numbers" in left_out and len(sticker.numbers) == 1 and message == sticker.short_message:
                continue
            variants.append((side, numbers, message, (("qr",) if side is None else ()) + left_out))
    chosen = None
    for side, numbers, message, dropped in variants:  # what is said matters more than a number above 9 pt
        for floor in (10.0, NUMBER_FLOOR):
            text_w = cw - (side + QR_GAP if side else 0)
            blocks = _fit_text(sticker, text_w, ch, numbers, message, floor)
            if blocks is not None:
                chosen = (side, blocks, dropped)
                break
        if chosen:
            break
    if chosen is None:
        if not qr_fits and sticker.payload.startswith("http"):
            qr.module_for(code, min(cw, ch), where)  # the clear «QR code does not fit» error
        raise PrintError(f"{sticker.origin + ' — ' if sticker.origin else ''}название линии «{sticker.heading}», номер "
                         f"(не меньше {NUMBER_FLOOR:g} pt) и слова для ребёнка не помещаются {where}",
                         "сократите название линии в этом файле, выберите этикетку крупнее или сократите подпись "
                         "партии (--school)")
    side, blocks, dropped = chosen
    if side is None and sticker.payload.startswith("http"):
        qr.module_for(code, min(cw, ch), where)  # a link was asked for: never silently drop it
        raise PrintError(f"QR-код со ссылкой не помещается {where} рядом с номером и словами для ребёнка",
                         "выберите этикетку крупнее или QR-код с номером (tel)")
    qr_box = (left + cw - side, top + (ch - side) / 2, side) if side else None
    text_w = cw - (side + QR_GAP if side else 0)
    y = top + (ch - _height(blocks) / mm) / 2
    lines: list[TextLine] = []
    prev: _Block | None = None
    for block in blocks:
        if prev is not None:
            y += 0.2 * min(prev.size, block.size) / mm
        first = y + fonts.ASCENT * block.size / mm
        for n, runs in enumerate(block.lines):
            w = _line_width(runs) / mm
            baseline = first + n * LEADING * max(r.size for r in runs) / mm
            lines.append(TextLine(block.role, runs, left + (text_w - w) / 2, baseline, w))
        y += _block_height(block) / mm
        prev = block
    return StickerLayout(width, height, (left, top, cw, ch), qr_box, code, tuple(lines), dropped)


def draw_layout(canvas: Canvas, layout: StickerLayout) -> None:
    """Draw a laid-out sticker with the label's bottom-left corner at the canvas origin."""
    h = layout.height
    if layout.qr_box:
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
    canvas = Canvas(buffer, pagesize=(stock.page_width * mm, stock.page_height * mm), invariant=1, pageCompression=1,
                    initialFontName=fonts.REGULAR, initialFontSize=10)
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


SAFE_EDGE = 5.0  # mm an office printer leaves blank at every edge


def calibration_places(stock: m.LabelStock) -> dict[str, tuple[float, float]]:
    """Where the title and the ruler go (x of the left end, y of the baseline; mm from the top left).

    In the sheet's margin where it is wide enough to print in, otherwise across a row of labels
    (a test sheet is plain paper), clear of the centre crosses and of the 5 mm edge.
    """
    last_bottom = stock.margin_top + (stock.rows - 1) * stock.pitch_y + stock.label_height
    ruler_x = (stock.page_width - 100) / 2
    if stock.margin_top - SAFE_EDGE >= 4.5:
        title = (stock.page_width / 2, stock.margin_top - 1.8)
    else:
        title = (stock.page_width / 2, stock.margin_top + 0.62 * stock.label_height)
    if stock.page_height - last_bottom - SAFE_EDGE >= 9:
        ruler = (ruler_x, last_bottom + 8.5)
    else:
        row = 1 if stock.rows > 1 else 0
        ruler = (ruler_x, stock.margin_top + row * stock.pitch_y + 0.66 * stock.label_height)
    return {"title": title, "ruler": ruler}


def draw_ruler(canvas: Canvas, x_mm: float, baseline_mm: float, page_h_mm: float) -> None:
    """A 100 mm ruler: ticks every millimetre upward from the baseline, numbered every centimetre."""
    y = (page_h_mm - baseline_mm) * mm
    x0 = x_mm * mm
    canvas.saveState()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setLineWidth(0.35)
    canvas.line(x0, y, x0 + 100 * mm, y)
    canvas.setFont(fonts.REGULAR, MIN_SIZE)
    for i in range(101):
        length = 3.0 if i % 10 == 0 else 2.0 if i % 5 == 0 else 1.2
        canvas.line(x0 + i * mm, y, x0 + i * mm, y + length * mm)
        if i % 10 == 0:
            canvas.drawCentredString(x0 + i * mm, y + 3.6 * mm, str(i // 10))
    canvas.drawString(x0 + 101.5 * mm, y + 0.4 * mm, "см — от 0 до 10 ровно 100 мм")
    canvas.restoreState()


def render_calibration(stock: m.LabelStock, options: SheetOptions = SheetOptions()) -> bytes:
    """A test page: the outline of every label, its number and centre, a title and a 100 mm ruler.

    Print it on plain paper, lay it on a sheet of labels against the light: where the outlines
    miss the labels, measure by how much and pass it as the printer offset. A ruler shorter than
    100 mm means the printer scaled the page («вписать в страницу»). Outlines are drawn only
    where an office printer prints (5 mm from the edge); a borderless sheet's outer edges are the
    paper's own.
    """
    plan_sheets(stock, SheetOptions(offset_x=options.offset_x, offset_y=options.offset_y))  # checks the offset
    buffer = io.BytesIO()
    canvas = _canvas(buffer, stock, f"Пробный лист — {stock.name}", None)
    pw, ph = stock.page_width * mm, stock.page_height * mm
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(SAFE_EDGE * mm, SAFE_EDGE * mm, pw - 2 * SAFE_EDGE * mm, ph - 2 * SAFE_EDGE * mm)
    canvas.clipPath(clip, stroke=0, fill=0)
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
        lx = max(x + inset[0] * mm, SAFE_EDGE * mm + 0.5 * mm)
        ly = min(y + h - inset[1] * mm, ph - SAFE_EDGE * mm - 0.5 * mm)
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        canvas.setFont(fonts.REGULAR, MIN_SIZE)
        canvas.drawString(lx, ly - fonts.ASCENT * MIN_SIZE, str(index + 1))
    canvas.restoreState()
    places = calibration_places(stock)
    shift = (f"; поправка {options.offset_x:+g} / {options.offset_y:+g} мм".replace(".", ",")
             if options.offset_x or options.offset_y else "")
    tx, ty = places["title"]
    canvas.setFillColorRGB(0, 0, 0)
    title = (f"Пробный лист {stock.name} ({labels_ru(stock.per_sheet)} {mm_ru(stock.label_width)} × "
             f"{mm_ru(stock.label_height)} мм){shift}: печать 100 %, наложите на лист этикеток и посмотрите на просвет")
    size = 8.0
    while fonts.width(title, fonts.BOLD, size) > (stock.page_width - 2 * SAFE_EDGE - 2) * mm and size > MIN_SIZE:
        size -= 0.25
    canvas.setFont(fonts.BOLD, size)
    canvas.drawCentredString(tx * mm, (stock.page_height - ty) * mm, title)
    rx, ry = places["ruler"]
    draw_ruler(canvas, rx, ry, stock.page_height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
