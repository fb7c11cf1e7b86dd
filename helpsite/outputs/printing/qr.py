"""QR codes drawn as vector rectangles: plain QR (never Micro QR), quiet zone of 4 modules.

`qrcode` computes the matrix (it only makes plain QR, model 2); ReportLab draws each row's
runs of dark modules as rectangles of one path, so the code is sharp at any printer resolution
and has no seams between modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from helpsite.outputs.printing.errors import PrintError

QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)
MIN_MODULE_MM = 0.5  # smallest module a phone camera reads reliably at arm's length
LEVELS = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
LEVEL_NAMES = {"L": "L (7 %)", "M": "M (15 %)", "Q": "Q (25 %)", "H": "H (30 %)"}


@dataclass(frozen=True)
class QR:
    payload: str
    level: str
    version: int
    rows: tuple[tuple[bool, ...], ...]  # the symbol without its quiet zone

    @property
    def modules(self) -> int:
        """Modules across the symbol, without the quiet zone."""
        return len(self.rows)

    @property
    def modules_with_quiet_zone(self) -> int:
        return self.modules + 2 * QUIET_ZONE

    def min_side_mm(self) -> float:
        """Smallest printed side (with the quiet zone) that keeps modules ≥ MIN_MODULE_MM."""
        return self.modules_with_quiet_zone * MIN_MODULE_MM


def make(payload: str, level: str = "M") -> QR:
    """The QR symbol for `payload` at error-correction `level` (smallest version that holds it)."""
    if not payload:
        raise PrintError("пустое содержимое QR-кода", "укажите номер телефона или адрес страницы")
    if level not in ("M", "Q", "H"):
        raise PrintError(f"уровень коррекции ошибок «{level}» слишком слабый для печати", "используйте M, Q или H")
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))  # bytes: UTF-8 in byte mode, decoded back exactly
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        raise PrintError(f"адрес для QR-кода слишком длинный ({len(payload.encode('utf-8'))} байт)",
                         "сократите адрес страницы") from None
    rows = tuple(tuple(bool(v) for v in row) for row in code.get_matrix())
    return QR(payload=payload, level=level, version=code.version, rows=rows)


def module_for(code: QR, side_mm: float, where: str) -> float:
    """Module size (mm) when the code with its quiet zone takes `side_mm`; too small → PrintError."""
    module = side_mm / code.modules_with_quiet_zone
    if module + 1e-9 < MIN_MODULE_MM:
        raise PrintError(
            f"QR-код не помещается {where}: «{code.payload}» даёт код версии {code.version} "
            f"({code.modules}×{code.modules} модулей + поля по {QUIET_ZONE}), модуль вышел бы {_ru(module, 2)} мм, "
            f"а нужно не меньше {_ru(MIN_MODULE_MM, 1)} мм (код с полями — {_ru(code.min_side_mm(), 1)} мм, "
            f"есть {_ru(side_mm, 1)} мм)",
            "сократите адрес (например, ссылку на главную страницу или tel:) или выберите этикетку крупнее")
    return module


def draw(canvas: Canvas, code: QR, x: float, y: float, side: float) -> None:
    """Draw `code` with its quiet zone into the square at (x, y) [bottom-left, points] of `side` points."""
    n = code.modules_with_quiet_zone
    module = side / n
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)  # the quiet zone stays white on any background
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    top = y + side - QUIET_ZONE * module
    for r, row in enumerate(code.rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(x + (QUIET_ZONE + start) * module, top - (r + 1) * module, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_mm(canvas: Canvas, code: QR, x_mm: float, y_mm: float, side_mm: float) -> None:
    draw(canvas, code, x_mm * mm, y_mm * mm, side_mm * mm)


def _ru(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")
