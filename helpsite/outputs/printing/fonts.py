"""The print font: PT Sans (ParaType, SIL OFL 1.1), brought by the pip package `fontpkg-pt-sans`.

Never a system font: every machine that ran `pip install -e .` renders the same glyphs, with
full Cyrillic, «», №, — and ·. The TTF files are embedded (subset) into every PDF.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from helpsite.outputs.printing.errors import PrintError

REGULAR = "PTSans"
BOLD = "PTSans-Bold"
ITALIC = "PTSans-Italic"
FAMILY = "PT Sans"
# vertical metrics of PT Sans (hhea, per 1 pt of size): text boxes are laid out with these
ASCENT = 1.018
DESCENT = 0.276

_FILES = {REGULAR: (400, "normal", "PT_Sans-Web-Regular.ttf"), BOLD: (700, "normal", "PT_Sans-Web-Bold.ttf"),
          ITALIC: (400, "italic", "PT_Sans-Web-Italic.ttf")}


def font_path(name: str) -> Path:
    """Path of the TTF behind a font name, found through the installed package, never the system."""
    weight, style, filename = _FILES[name]
    try:  # the package's own folder: the file fontpkg's registry finds, without importing the registry (≈ 0.01 s a build)
        import fontpkg_pt_sans

        path = Path(fontpkg_pt_sans.ROOT) / "files" / filename
        if path.is_file():
            return path
    except ImportError:
        pass
    try:  # files laid out otherwise: ask the registry, then report clearly
        import fontpkg

        return Path(fontpkg.path(FAMILY, weight, style))
    except Exception:  # noqa: BLE001
        pass
    raise PrintError("не найден шрифт PT Sans для печатных материалов",
                     "установите зависимости проекта: pip install -e . (пакет fontpkg-pt-sans)")


@functools.cache
def _metrics() -> Any:
    """ReportLab's font registry (`reportlab.pdfbase.pdfmetrics`) with PT Sans registered: imported when
    text is first measured or drawn, not with this module (the cache keys need only `font_path`, `version`)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    return pdfmetrics


def register() -> None:
    """Register PT Sans with ReportLab once per process."""
    _metrics()


def width(text: str, font: str, size: float) -> float:
    """Advance width of `text` in points."""
    return _metrics().stringWidth(text, font, size)


def line_height(size: float) -> float:
    """Height of one line box (ascent + descent) in points: glyphs stay inside it."""
    return (ASCENT + DESCENT) * size


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return "fontpkg-pt-sans " + dist_version("fontpkg-pt-sans")
    except PackageNotFoundError:
        return "fontpkg-pt-sans ?"
