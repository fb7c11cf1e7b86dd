"""The page a product is drawn on: for an office printer or for a print shop.

Office (default): the page is the paper; nothing but label content may come within
`OFFICE_SAFE` (5 mm) of its edge, because office printers leave 4–5 mm unprinted.

Print shop (`press=True`): the page is the trimmed size plus a slug of `SLUG` on each side;
TrimBox is the finished size, BleedBox 3 mm larger; crop marks sit in the slug, clear of the
bleed; every colour is CMYK (reportlab CMYKColor) and black text is 100 % K. Renderers draw
in trim coordinates (origin at the trim's bottom-left) either way, and let backgrounds run to
`-bleed` when `bleed` is non-zero.

Both start the canvas with PT Sans as its initial font, so no unused base-14 font (Helvetica)
is listed in the PDF.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.colors import CMYKColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from helpsite.outputs.printing import fonts

OFFICE_SAFE = 5 * mm
BLEED = 3 * mm
SLUG = 10 * mm  # crop marks live here
MARK_GAP = BLEED + 1 * mm  # crop marks start this far from the trim edge (outside the bleed)
MARK_WIDTH = 0.25

# the palette in print-shop inks: chosen values, not a formula, so a brand colour stays itself
CMYK_OF = {
    "#5b2a86": CMYKColor(0.62, 0.92, 0, 0.05),  # PRIMARY
    "#3f1d5e": CMYKColor(0.72, 0.95, 0, 0.38),  # PRIMARY_DARK
    "#b3261e": CMYKColor(0, 0.92, 0.9, 0.22),  # DANGER
    "#ece6f3": CMYKColor(0.06, 0.1, 0, 0),  # TINT
}


def to_cmyk(colour: Any) -> CMYKColor:
    """A colour for the print shop: greys (and black text) become K only, palette colours fixed inks."""
    c = colors.toColor(colour)
    if isinstance(c, CMYKColor):
        return c
    hexval = c.hexval().lower().replace("0x", "#")
    if hexval in CMYK_OF:
        return CMYK_OF[hexval]
    r, g, b = c.red, c.green, c.blue
    if max(r, g, b) - min(r, g, b) < 0.02:  # a grey: black ink only; near-black is full black
        k = 1 - (r + g + b) / 3
        return CMYKColor(0, 0, 0, 1.0 if k > 0.9 else round(k, 3), alpha=c.alpha)
    k = 1 - max(r, g, b)
    return CMYKColor(*((1 - v - k) / (1 - k) for v in (r, g, b)), k, alpha=c.alpha)


class Surface:
    """A canvas in trim coordinates, for the office (default) or the print shop (`press`)."""

    def __init__(self, width: float, height: float, *, press: bool = False, title: str = "", author: str = "",
                 subject: str = ""):
        fonts.register()
        self.width, self.height, self.press = width, height, press
        self.buffer = io.BytesIO()
        off = SLUG if press else 0.0
        self.offset = off
        self.canvas = Canvas(self.buffer, pagesize=(width + 2 * off, height + 2 * off), invariant=1,
                             pageCompression=1, initialFontName=fonts.REGULAR, initialFontSize=10)
        if press:
            self.canvas._enforceColorSpace = to_cmyk  # every fill and stroke, text included
            self.canvas.setTrimBox((off, off, off + width, off + height))
            self.canvas.setBleedBox((off - BLEED, off - BLEED, off + width + BLEED, off + height + BLEED))
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("helpsite")
        self.canvas.setSubject(subject)
        self._begin()

    @property
    def bleed(self) -> float:
        """How far backgrounds that touch the trim edge run past it (0 for the office)."""
        return BLEED if self.press else 0.0

    @property
    def safe(self) -> float:
        """Distance from the trim edge that nothing but background may come closer than."""
        return OFFICE_SAFE

    def _begin(self) -> None:
        if self.press:
            self.canvas.translate(self.offset, self.offset)

    def _crop_marks(self) -> None:
        c = self.canvas
        c.saveState()
        c.setLineWidth(MARK_WIDTH)
        c.setStrokeColor(CMYKColor(0, 0, 0, 1))
        w, h, g, end = self.width, self.height, MARK_GAP, self.offset - 1 * mm
        for x in (0, w):
            c.line(x, -g, x, -end)
            c.line(x, h + g, x, h + end)
        for y in (0, h):
            c.line(-g, y, -end, y)
            c.line(w + g, y, w + end, y)
        c.restoreState()

    def show_page(self) -> None:
        if self.press:
            self._crop_marks()
        self.canvas.showPage()
        self._begin()

    def finish(self) -> bytes:
        if self.press:
            self._crop_marks()
        self.canvas.showPage()  # no _begin(): a new page's translation would make save() add a blank page
        self.canvas.save()
        return self.buffer.getvalue()

    def background(self, x: float, y: float, w: float, h: float, colour: Any) -> None:
        """A filled rectangle; edges lying on the trim edge run into the bleed for the print shop."""
        b = self.bleed
        x0, y0, x1, y1 = x, y, x + w, y + h
        if b:
            x0 = x0 - b if x0 <= 0.01 else x0
            y0 = y0 - b if y0 <= 0.01 else y0
            x1 = x1 + b if x1 >= self.width - 0.01 else x1
            y1 = y1 + b if y1 >= self.height - 0.01 else y1
        self.canvas.saveState()
        self.canvas.setFillColor(colour)
        self.canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
        self.canvas.restoreState()

    def band(self, y: float, h: float, colour: Any) -> tuple[float, float]:
        """A full-width colour band: edge to edge (+bleed) at the print shop, inset 5 mm in the office.

        Returns the band's (left, width) in trim coordinates.
        """
        if self.press:
            self.background(0, y, self.width, h, colour)
            return 0.0, self.width
        inset = OFFICE_SAFE
        self.background(inset, y, self.width - 2 * inset, h, colour)
        return inset, self.width - 2 * inset
