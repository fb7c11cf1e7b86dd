"""Small text-layout helpers for the canvas renderers: wrapping and Paragraph-safe escaping."""

from __future__ import annotations

from xml.sax.saxutils import escape

from helpsite.outputs.printing import fonts


def wrap(text: str, font: str, size: float, width: float, separators: tuple[str, ...] = (" ",)) -> list[str] | None:
    """Greedy line breaking at `separators`; None when a single piece is wider than `width`."""
    pieces = [text]
    for sep in separators:
        pieces = [p for piece in pieces for p in _split_keep(piece, sep)]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = (current + piece) if current else piece.lstrip()
        if fonts.width(candidate.rstrip(), font, size) <= width:
            current = candidate
            continue
        if not current:
            return None
        lines.append(current.rstrip())
        current = piece.lstrip()
        if fonts.width(current.rstrip(), font, size) > width:
            return None
    if current.strip():
        lines.append(current.rstrip())
    # a separator other than a space ends no line: «бесплатно · анонимно» / «круглосуточно»
    for sep in separators:
        mark = sep.strip()
        if mark:
            lines = [line[: -len(mark)].rstrip() if line.endswith(mark) else line for line in lines]
    return lines


def _split_keep(text: str, sep: str) -> list[str]:
    """Split after each separator, keeping it at the end of the piece («бесплатно · » | «анонимно»)."""
    parts = text.split(sep)
    return [p + sep for p in parts[:-1]] + [parts[-1]]


def para(text: object) -> str:
    """Data text for a ReportLab Paragraph: its mini-markup must not be interpreted."""
    return escape(" ".join(str(text).split()))


def mm_ru(value: float, digits: int = 2) -> str:
    """A length as Russians write it: «63,5»."""
    return f"{round(value, digits):g}".replace(".", ",")


def labels_ru(n: int) -> str:
    from helpsite.pages.russian import plural_ru

    return f"{n} {plural_ru(n, 'этикетка', 'этикетки', 'этикеток')}"
