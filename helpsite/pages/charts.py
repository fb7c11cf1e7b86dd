"""Results indicators → SVG bar charts, drawn at build time (no JavaScript, nothing loaded).

Each chart is an inline `<svg role="img">` named by its `<title>` and described by its `<desc>`
(which lists every number, so a screen reader hears the data, not the drawing); the page
repeats the numbers in an HTML table. Text is escaped; colours come from presentation
attributes that the site's CSS may override.
"""

from __future__ import annotations

from markupsafe import Markup

from helpsite.data import model as m

# The drawing is 320 units wide and the figure at most 480 px wide, so 14-unit text is
# 14 px on a 360 px phone (about 330 px of content) and 21 px at most on a desktop; long labels
# wrap onto more lines instead of being cut.
WIDTH = 320
FONT = 14
LINE = 17  # one label line
BAR = 16
VALUE_SPACE = 118  # room right of the longest bar for its value («более 6 000 %»)
LABEL_CHARS = 36  # characters on one label line (system-ui at 14 units averages under 8.5 units a character)


def number_ru(value: float) -> str:
    """55 → «55», 6000 → «6 000», 2.5 → «2,5» (narrow no-break space between thousands)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


def value_ru(indicator: m.Indicator) -> str:
    word = m.QUALIFIER_LABELS[indicator.qualifier.value]
    return f"{word} {number_ru(indicator.value)}" if word else number_ru(indicator.value)


def _with_unit(indicator: m.Indicator) -> str:
    unit = getattr(indicator, "unit", None)
    return value_ru(indicator) + (f" {unit}" if unit else "")


def wrap(text: str, limit: int = LABEL_CHARS) -> list[str]:
    """The label in lines of at most `limit` characters, broken at spaces (a longer word gets its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(group: m.IndicatorGroup, ident: str) -> Markup:
    """A horizontal bar chart of the group's items; `ident` makes the element ids unique on the page."""
    items = group.items
    top = max((i.value for i in items), default=0) or 1
    scale = (WIDTH - VALUE_SPACE) / top
    labels = [wrap(i.label) for i in items]
    height = sum(LINE * len(lines) + BAR + 14 for lines in labels) + 4
    desc = "; ".join(f"{' '.join(i.label.split())} — {value_ru(i)} {i.unit or group.unit}" for i in items)
    if group.total is not None:
        desc = f"{' '.join(group.total.label.split())} — {value_ru(group.total)} {group.unit}. По видам: {desc}"
    parts = [
        Markup('<svg class="hs-chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
               'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
               'font-family="system-ui, sans-serif" font-size="{3}">').format(ident, WIDTH, height, FONT),
        Markup('<title id="{}-title">{}</title>').format(ident, group.title),
        Markup('<desc id="{}-desc">{}.</desc>').format(ident, desc),
    ]
    y = 0
    for item, lines in zip(items, labels, strict=False):
        width = max(item.value * scale, 2 if item.value else 0)
        parts.append(Markup('<text class="hs-chart__label" x="0" y="{}" fill="#222">').format(y + LINE - 3))
        for n, line in enumerate(lines):
            parts.append(Markup('<tspan x="0" dy="{}">{}</tspan>').format(0 if n == 0 else LINE, line))
        parts.append(Markup("</text>"))
        y += LINE * len(lines) + 2
        parts.append(Markup('<rect class="hs-chart__bar" x="0" y="{}" width="{:.1f}" height="{}" rx="2" fill="#5b2a86"/>')
                     .format(y, width, BAR))
        parts.append(Markup('<text class="hs-chart__value" x="{:.1f}" y="{}" fill="#222" font-weight="700">{}</text>')
                     .format(width + 6, y + BAR - 3, _with_unit(item)))
        y += BAR + 12
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
