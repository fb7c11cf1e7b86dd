"""Phone numbers: validated with `phonenumbers` (region RU), linked as E.164 `tel:`.

The number is stored as the editor wrote it. It is shown as written when the editor used
the Russian national form («8-800-2000-122» is how the children's helpline is printed on
every sticker), otherwise in the national format from `phonenumbers`. Short numbers (112,
102, 124) are linked as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import shortnumberinfo

# Short numbers that are real but newer than phonenumbers' metadata.
# 124: the children's helpline from any mobile operator in Russia since December 2024.
KNOWN_SHORT_NUMBERS = {"124"}


@dataclass(frozen=True)
class ParsedPhone:
    written: str
    tel: str  # what goes after «tel:»
    display: str
    short: bool


@lru_cache(maxsize=None)
def parse(written: str) -> ParsedPhone:
    """Parse a number as an editor writes it; ValueError (Russian text) if it is not a number."""
    text = written.strip()
    digits = re.sub(r"\D", "", text)
    if re.fullmatch(r"[\d\s\-]{2,6}", text) and len(digits) <= 4:
        number = phonenumbers.parse(digits, "RU")
        if digits in KNOWN_SHORT_NUMBERS or shortnumberinfo.is_valid_short_number(number):
            return ParsedPhone(written, digits, digits, True)
        raise ValueError("phone_short")
    if not re.fullmatch(r"[\d\s\-+()]+", text):
        raise ValueError("phone_chars")
    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        raise ValueError("phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("phone_invalid")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if text.startswith("8") and number.country_code == 7:
        display = re.sub(r"\s+", " ", text)
    else:
        display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if number.country_code != 7:
            display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return ParsedPhone(written, e164, display, False)
