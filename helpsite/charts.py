"""Results indicators → SVG bar charts, drawn at build time (no JavaScript, nothing loaded).

Each chart is an inline `<svg role="img">` named by its `<title>` and described by its `<desc>`
(which lists every number, so a screen reader hears the data, not the drawing); the page
repeats the numbers in an HTML table. Text is escaped; colours come from presentation
attributes that the site's CSS may override.
"""

from __future__ import annotations

from markupsafe import Markup

from . import model as m

WIDTH = 640
ROW = 46  # a label line above a bar
BAR = 18
VALUE_SPACE = 110  # room right of the longest bar for its value
LABEL_CHARS = 78  # longer labels are cut on the chart (the table has them whole)


def number_ru(value: float) -> str:
    """55 → «55», 6000 → «6 000», 2.5 → «2,5» (narrow no-break space between thousands)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


def value_ru(indicator: m.Indicator) -> str:
    word = m.QUALIFIER_LABELS[indicator.qualifier.value]
    return f"{word} {number_ru(indicator.value)}" if word else number_ru(indicator.value)


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(group: m.IndicatorGroup, ident: str) -> Markup:
    """A horizontal bar chart of the group's items; `ident` makes the element ids unique on the page."""
    items = group.items
    top = max((i.value for i in items), default=0) or 1
    scale = (WIDTH - VALUE_SPACE) / top
    height = ROW * len(items) + 8
    desc = "; ".join(f"{' '.join(i.label.split())} — {value_ru(i)} {group.unit}" for i in items)
    if group.total is not None:
        desc = f"{' '.join(group.total.label.split())} — {value_ru(group.total)} {group.unit}. По видам: {desc}"
    parts = [
        Markup('<svg class="hs-chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
               'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
               'font-family="system-ui, sans-serif" font-size="14">').format(ident, WIDTH, height),
        Markup('<title id="{}-title">{}</title>').format(ident, group.title),
        Markup('<desc id="{}-desc">{}.</desc>').format(ident, desc),
    ]
    for n, item in enumerate(items):
        y = n * ROW
        width = max(item.value * scale, 2 if item.value else 0)
        parts.append(Markup('<text class="hs-chart__label" x="0" y="{}" fill="#222">{}</text>').format(y + 15, _cut(item.label)))
        parts.append(Markup('<rect class="hs-chart__bar" x="0" y="{}" width="{:.1f}" height="{}" rx="2" fill="#5b2a86"/>')
                     .format(y + 22, width, BAR))
        parts.append(Markup('<text class="hs-chart__value" x="{:.1f}" y="{}" fill="#222" font-weight="700">{}</text>')
                     .format(width + 6, y + 36, value_ru(item)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

