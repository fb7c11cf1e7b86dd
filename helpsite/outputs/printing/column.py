"""A column of wrapped text blocks drawn straight on the canvas, with a record of what went where.

Used by the helpline poster, the flyer and the wallet card: each block is one text in one font,
wrapped at spaces only (never inside a word); `Column.height` measures before drawing, so a
renderer can shrink a whole column until it fits, and `Column.records` tells tests and error
messages which text got which size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from helpsite.outputs.printing import fonts
from helpsite.outputs.printing.errors import PrintError
from helpsite.outputs.printing.text import wrap


@dataclass
class Block:
    text: str
    font: str
    size: float
    colour: Any
    role: str
    align: str = "left"  # left | centre
    leading: float = 1.18
    before: float = 0.0  # points of space above
    max_lines: int = 6
    strike: bool = False
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    role: str
    text: str
    size: float
    x: float  # points, left of the line
    baseline: float
    width: float
    font: str = ""
    colour: Any = None


class Column:
    def __init__(self, width: float):
        self.width = width
        self.blocks: list[Block] = []
        self.records: list[Record] = []

    def add(self, text: str, font: str, size: float, colour: Any, role: str, **kw: Any) -> Block:
        block = Block(" ".join(text.split()), font, size, colour, role, **kw)
        self.blocks.append(block)
        return block

    def _wrap(self, block: Block, scale: float) -> list[str] | None:
        lines = wrap(block.text, block.font, block.size * scale, self.width)
        if lines is None or len(lines) > block.max_lines:
            return None
        return lines

    def height(self, scale: float = 1.0) -> float | None:
        """Total height in points at `scale`; None when a block does not fit the width."""
        total = 0.0
        for i, block in enumerate(self.blocks):
            lines = self._wrap(block, scale)
            if lines is None:
                return None
            size = block.size * scale
            total += (block.before * scale if i else 0) + (len(lines) - 1) * block.leading * size
            total += (fonts.ASCENT + fonts.DESCENT) * size
        return total

    def best_scale(self, height: float, what: str, scales=None) -> float:
        for scale in scales or [1.0 - 0.03 * i for i in range(25)]:
            h = self.height(scale)
            if h is not None and h <= height:
                return scale
        raise PrintError(f"{what}: текст не помещается", "сократите текст в данных")

    def draw(self, canvas: Canvas, x: float, top: float, scale: float = 1.0) -> float:
        """Draw with the first line's ascent at `top`; returns the bottom (descent of the last line)."""
        y = top
        for i, block in enumerate(self.blocks):
            lines = self._wrap(block, scale) or []
            size = block.size * scale
            if i:
                y -= block.before * scale
            canvas.setFillColor(block.colour)
            canvas.setStrokeColor(block.colour)
            canvas.setFont(block.font, size)
            for n, line in enumerate(lines):
                baseline = y - fonts.ASCENT * size - n * block.leading * size
                w = fonts.width(line, block.font, size)
                lx = x + (self.width - w) / 2 if block.align == "centre" else x
                canvas.drawString(lx, baseline, line)
                if block.strike:
                    canvas.setLineWidth(max(1.0, size * 0.07))
                    mid = baseline + size * 0.3
                    canvas.line(lx - size * 0.05, mid, lx + w + size * 0.05, mid)
                self.records.append(Record(block.role, line, size, lx, baseline, w, block.font, block.colour))
            y -= (len(lines) - 1) * block.leading * size + (fonts.ASCENT + fonts.DESCENT) * size
        return y


def largest_size(text: str, font: str, width: float, cap: float) -> float:
    """The largest size ≤ `cap` at which `text` fits `width` points on one line."""
    return min(cap, width / max(fonts.width(text, font, 1.0), 1e-6))
