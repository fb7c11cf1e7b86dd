"""Print materials from the campaign model: diary stickers on label sheets, a calibration page,
a tri-fold leaflet, event posters and algorithm checklists — print-ready PDF (exact page size,
vector text in PT Sans, vector QR codes) with PNG previews. Knows nothing of MkDocs.

Renderers are plain functions: model in, PDF bytes out.
"""

from .checklist import render_checklist
from .errors import PrintError
from .leaflet import render_leaflet
from .poster import render_poster
from .siteset import PrintSet, build_print_set, site_print_set
from .stickers import SheetOptions, Sticker, render_calibration, render_stickers, sticker_for
from .stock import find_stock, load_stocks

__all__ = ["PrintError", "PrintSet", "SheetOptions", "Sticker", "build_print_set", "find_stock", "load_stocks",
           "render_calibration", "render_checklist", "render_leaflet", "render_poster", "render_stickers",
           "site_print_set", "sticker_for"]
