"""Errors of the print renderers: one clear Russian sentence for the person printing."""

from __future__ import annotations


class PrintError(Exception):
    """Bad print input (unknown stock, start label beyond the sheet, payload too long …).

    Raised before any PDF is written, so a mistake never becomes a broken or misprinted file.
    """

    def __init__(self, message: str, hint: str = ""):
        self.message = message
        self.hint = hint
        super().__init__(f"{message} — {hint}" if hint else message)
