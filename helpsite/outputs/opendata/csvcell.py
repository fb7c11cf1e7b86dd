"""One rule for every CSV cell we write: text a spreadsheet would run as a formula is defused.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula — `=HYPERLINK(…)`, `-2+3+cmd|' /C calc'!A0`. Such a
cell gets a leading apostrophe, which spreadsheets show as nothing and read as «this is text»
(OWASP «CSV Injection»). A number or a phone number written only with digits, spaces and
`+ - ( ) .` («+7 343 500-00-02», «-57.9») is left as it is: it cannot call anything, and open
data keeps the value other systems expect.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d(][\d\s().-]*")


def safe_cell(value: str) -> str:
    """`value`, with a leading «'» if a spreadsheet would take it for a formula."""
    if value.startswith(FORMULA_START) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def unprotect(value: str) -> str:
    """A cell read back from a sheet: the apostrophe `safe_cell` added is dropped."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_START else value
