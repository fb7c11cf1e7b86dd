"""Marks inside plain text from the data: a phone number written in a sentence stays on one line."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# 7 or more digits joined by hyphens, spaces, brackets: «8-800-2000-122», «8 (3435) 41-22-33», «+7 800 2000 122»
_NUMBER = re.compile(r"(?<![\w-])\+?\d[\d\-() \u00a0]{5,}\d(?![\w-])")


def nowrap_phones(text: object) -> Markup:
    """Escape `text` and wrap every phone-like number in a span that does not break across lines."""
    escaped = str(escape(text))
    return Markup(_NUMBER.sub(lambda m: f'<span class="hs-nowrap">{m.group(0)}</span>', escaped))
