"""Phone numbers: validated with `phonenumbers` (region RU), linked as E.164 `tel:`.

The number is stored as the editor wrote it. It is shown as written when the editor used
the Russian national form («8-800-2000-122» is how the children's helpline is printed on
every sticker), otherwise in the national format from `phonenumbers`. Short numbers (112,
102, 124) are linked as they are.

The `tel:` link dials exactly the digits shown. A Russian number written with a leading 8, 7
or +7 has exactly 11 digits: `phonenumbers` alone would take «8 (3435) 00-00-0» (a digit
missing) for the valid number +7 834 350-00-00 in another region. An extension written into
the number («… доб. 5») is refused with the field to put it in (`extension`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    international: str = ""  # «+7 343 500-00-02» for other systems (open data); short numbers as they are


_EXTENSION = re.compile(r"^(?P<number>.*?\d[\s\-)]*?)[\s,;.]*(?:доб(?:авочный)?\.?|ext\.?|вн\.?|x)\s*(?:№\s*)?"
                        r"(?P<extension>\d{1,8})\s*$", re.I)


def split_extension(written: str) -> tuple[str, str]:
    """«8 (3435) 12-34-56 доб. 5» → («8 (3435) 12-34-56», «5»); no extension → (written, "")."""
    found = _EXTENSION.match(written.strip())
    return (found["number"].strip(), found["extension"]) if found else (written.strip(), "")


_NOT_DIGIT = re.compile(r"\D")
_SHORT = re.compile(r"[\d\s\-]{2,6}")
_PHONE_CHARS = re.compile(r"[\d\s\-+()]+")
_SPACES = re.compile(r"\s+")
# «8 (3435) 12-34-56», «8-800-2000-122»: the usual way a Russian number is written
_TRUNK_EIGHT = re.compile(r"8[0-9 ()\-]{9,22}[0-9]")


def _trunk_eight_is_plain() -> bool:
    """Whether `phonenumbers.parse(text, "RU")` of a number written as `_TRUNK_EIGHT` with 11 digits (not
    «810…», the international prefix, nor «80…», a leading zero) is just +7 and the ten digits after the 8:
    the 8 is RU's national prefix (no transform rule), ten digits a length RU's numbers have (not only
    locally), and no RU number has eleven digits beginning with 8 (so the prefix is always stripped)."""
    try:
        meta = phonenumbers.PhoneMetadata.metadata_for_region("RU")
        general = meta.general_desc if meta is not None else None
        return (meta is not None and general is not None and meta.country_code == 7
                and meta.national_prefix_for_parsing == "8" and meta.international_prefix == "810"
                and meta.national_prefix_transform_rule is None and 10 in general.possible_length
                and 10 not in (general.possible_length_local_only or ()) and 11 not in general.possible_length)
    except Exception:  # noqa: BLE001 - other metadata than expected: parse every number in full
        return False


_PLAIN_TRUNK_EIGHT = _trunk_eight_is_plain()


class _Seven:
    """`phonenumbers.is_valid_number` and `format_number` (E.164, international) of a +7 number with a
    ten-digit national number and no extension, by `phonenumbers`' own steps on its own metadata: the
    region is the first of +7's regions (RU, KZ) whose leading digits begin the number (or, for a region
    without them, whose types it matches); valid is matching that region's general pattern and one of
    its type patterns (each with ten digits among its possible lengths); the international form is
    «+7 » and the number put through the first of the main region's international formats whose last
    leading-digits pattern begins it and whose pattern matches it whole. The patterns are compiled once
    and a region's type patterns joined into one, where the library looks the metadata up and gets
    each pattern from `re`'s cache again on every call: the same answers (tests/test_load_errors.py
    compares both on tens of thousands of numbers, valid and not), ≈ 10× faster."""

    _GROUPS = re.compile(r"\\[1-9]|\(\?P|\(\?[aiLmsux]")  # a back reference or a flag: patterns not joinable

    def __init__(self) -> None:
        meta = phonenumbers.PhoneMetadata
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[7]
        self.regions: list[tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = []
        for region in regions:
            data = meta.metadata_for_region(region.upper(), None)
            if data is None:
                continue
            if data.country_code != 7:
                raise ValueError(region)
            leading = re.compile(data.leading_digits) if data.leading_digits is not None else None
            self.regions.append((leading, self._valid(data)))
        main = meta.metadata_for_region(regions[0].upper(), None)
        if main is None:
            raise ValueError(regions[0])
        formats = main.intl_number_format if len(main.intl_number_format) > 0 else main.number_format
        self.formats: list[tuple[re.Pattern[str] | None, re.Pattern[str], str]] = []
        for form in formats:
            if form.pattern is None or form.format is None:
                raise ValueError(form)
            self.formats.append((re.compile(form.leading_digits_pattern[-1]) if len(form.leading_digits_pattern) > 0 else None,
                                 re.compile(form.pattern), form.format))

    @classmethod
    def _valid(cls, data: phonenumbers.PhoneMetadata) -> re.Pattern[str] | None:
        """What `_number_type_helper(nsn, data) != UNKNOWN` says of ten digits, as one pattern (None: never)."""
        def pattern(desc: phonenumbers.PhoneNumberDesc | None) -> str | None:
            if desc is None or len(desc.possible_length) > 0 and 10 not in desc.possible_length \
                    or not desc.national_number_pattern:
                return None
            if cls._GROUPS.search(desc.national_number_pattern):
                raise ValueError(desc.national_number_pattern)
            return desc.national_number_pattern

        general = pattern(data.general_desc)
        descs = [data.premium_rate, data.toll_free, data.shared_cost, data.voip, data.personal_number, data.pager,
                 data.uan, data.voicemail, data.fixed_line] + ([] if data.same_mobile_and_fixed_line_pattern else [data.mobile])
        types = [found for found in map(pattern, descs) if found is not None]
        if general is None or not types:
            return None
        return re.compile(f"(?=(?:{general})\\Z)(?:" + "|".join(f"(?:{found})" for found in types) + ")")

    def international(self, nsn: str) -> str | None:
        """The international form of +7 `nsn` (ten digits, no leading zero) if it is a valid number, else None."""
        for leading, valid in self.regions:
            if leading is not None:
                if not leading.match(nsn):
                    continue
            elif valid is None or not valid.fullmatch(nsn):
                continue
            if valid is None or not valid.fullmatch(nsn):
                return None
            break
        else:
            return None
        for leading, whole, rule in self.formats:
            if (leading is None or leading.match(nsn)) and whole.fullmatch(nsn):
                return "+7 " + whole.sub(rule, nsn)
        return "+7 " + nsn


def _make_seven() -> _Seven | None:
    try:
        return _Seven()
    except Exception:  # noqa: BLE001 - other metadata than expected: every number through phonenumbers
        return None


_SEVEN: list[_Seven | None] = []  # made at the first number that needs it


def _dialled(display: str) -> str:
    """The digits a person dials from what the page shows, as E.164 digits (8… → 7…)."""
    digits = _NOT_DIGIT.sub("", display)
    return "7" + digits[1:] if display.lstrip().startswith("8") and len(digits) == 11 else digits


# Every number that parsed, as written (a pure memo: the same text always parses the same way).
# Numbers parsed in the loader's forked workers are brought back into it (`remember`): the record
# pages and the open data, made later in other forked workers, then parse none of them again.
_PARSED: dict[str, ParsedPhone] = {}


def parse(written: str) -> ParsedPhone:
    """Parse a number as an editor writes it; ValueError (Russian text) if it is not a number."""
    found = _PARSED.get(written)
    if found is None:
        found = _PARSED[written] = _parse(written)
    return found


def parsed_count() -> int:
    """How many numbers the memo holds: `parsed_after(parsed_count())` later gives the ones added since."""
    return len(_PARSED)


def parsed_after(count: int) -> list[ParsedPhone]:
    """The numbers parsed after the memo held `count` (entries are only ever added, in order)."""
    return list(_PARSED.values())[count:]


def remember(parsed: list[ParsedPhone]) -> None:
    """Put numbers parsed elsewhere (a forked worker) into this process's memo."""
    for phone in parsed:
        _PARSED.setdefault(phone.written, phone)


def _parse(written: str) -> ParsedPhone:
    text = written.strip()
    plain = _PHONE_CHARS.fullmatch(text)  # digits, blanks, «-+()» only: no extension («доб.», «ext», «x») to split off
    if not plain and split_extension(text)[1]:
        raise ValueError("phone_extension")
    digits = _NOT_DIGIT.sub("", text)
    if _SHORT.fullmatch(text) and len(digits) <= 4:
        number = phonenumbers.parse(digits, "RU")
        if digits in KNOWN_SHORT_NUMBERS or shortnumberinfo.is_valid_short_number(number):
            return ParsedPhone(written, digits, digits, True, digits)
        raise ValueError("phone_short")
    if not plain:
        raise ValueError("phone_chars")
    russian = text.startswith(("+7", "7")) or (text.startswith("8") and not digits.startswith("810"))
    if russian and len(digits) != 11:
        raise ValueError("phone_digits")
    if text[0] not in "+78" and len(digits) != 10:  # «(3435) 12-34-56»: city code and number
        raise ValueError("phone_invalid")
    if not _SEVEN:
        _SEVEN.append(_make_seven())
    if _PLAIN_TRUNK_EIGHT and len(digits) == 11 and digits[1] != "0" and not digits.startswith("810") \
            and _TRUNK_EIGHT.fullmatch(text):  # what `phonenumbers.parse` makes of it (`_trunk_eight_is_plain`), 10× faster
        if _SEVEN[0] is not None:  # +7 and the ten digits after the 8 (ASCII, no leading zero), shown as written:
            international = _SEVEN[0].international(digits[1:])  # the digits shown dial +7 and these ten (`_dialled`)
            if international is None:
                raise ValueError("phone_invalid")
            return ParsedPhone(written, "+7" + digits[1:], _SPACES.sub(" ", text), False, international)
        number = phonenumbers.PhoneNumber(country_code=7, national_number=int(digits[1:]))
    else:
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            raise ValueError("phone_invalid") from None
    nsn = str(number.national_number)
    if _SEVEN[0] is not None and number.country_code == 7 and len(nsn) == 10 and not number.italian_leading_zero \
            and not number.extension:  # what is_valid_number and format_number say (`_Seven`)
        international = _SEVEN[0].international(nsn)
        if international is None:
            raise ValueError("phone_invalid")
        e164 = "+7" + nsn
    else:
        if not phonenumbers.is_valid_number(number):
            raise ValueError("phone_invalid")
        international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if text.startswith("8") and number.country_code == 7:
        display = _SPACES.sub(" ", text)
    else:
        display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if number.country_code != 7:
            display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if _dialled(display) != e164.lstrip("+"):  # the link must dial what the page shows
        raise ValueError("phone_invalid")
    return ParsedPhone(written, e164, display, False, international)
