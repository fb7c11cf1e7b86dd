"""The QR code and checkbox flowables of the page-sized renderers (leaflet, poster, checklist)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from helpsite.outputs.printing import qr
from helpsite.outputs.printing.layout import INK


class QRFlowable(Flowable):
    """A QR code with its quiet zone, `side` points square; refuses to print modules under 0.5 mm."""

    def __init__(self, code: qr.QR, side: float, where: str, align: str = "CENTER"):
        super().__init__()
        qr.module_for(code, side / mm, where)
        self.code, self.side, self.hAlign = code, side, align

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        qr.draw(self.canv, self.code, 0, 0, self.side)


class Checkbox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, side: float = 4.2 * mm):
        super().__init__()
        self.side = side

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        self.canv.setLineWidth(0.9)
        self.canv.setStrokeColor(INK)
        self.canv.rect(0, 0, self.side, self.side, stroke=1, fill=0)
