"""Print materials from the campaign model: diary stickers on label sheets, a calibration page,
a tri-fold leaflet, event posters and algorithm checklists — print-ready PDF (exact page size,
vector text in PT Sans, vector QR codes) with PNG previews. Knows nothing of MkDocs.

Renderers are plain functions: model in, PDF bytes out.
"""

from helpsite.outputs.printing.content import Sticker, sticker_for
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.siteset import PrintSet, build_print_set, site_print_set
from helpsite.outputs.printing.stock import find_stock, load_stocks

__all__ = ["PrintError", "PrintSet", "SheetOptions", "Sticker", "build_print_set", "find_stock", "load_stocks",
           "render_calibration", "render_checklist", "render_leaflet", "render_poster", "render_stickers",
           "site_print_set", "sticker_for"]


def __getattr__(name: str):
    """The renderers (`render_stickers`, `render_leaflet`, …) and `SheetOptions`: drawn with reportlab,
    imported when first asked for (a build whose print files come from the cache never imports it)."""
    from helpsite.outputs.printing.siteset import _RENDERERS, _renderer

    if name in _RENDERERS:
        return _renderer(name)
    if name == "SheetOptions":
        from helpsite.outputs.printing.stickers import SheetOptions

        return SheetOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
