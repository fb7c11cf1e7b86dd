"""Ids from titles: Russian transliterated to the Latin letters of the ids in data/ (and page addresses)."""

from __future__ import annotations

import re

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                      "u", "f", "h", "c", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=False))


def slug(text: str, limit: int = 60) -> str:
    """«Родительское собрание „Вместе“» → «roditelskoe-sobranie-vmeste» (the style of the ids in data/)."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    words = re.findall(r"[a-z0-9]+", latin)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "sobytie"
