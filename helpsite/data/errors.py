"""Errors in the editors' data: every one names the file, the line, the field and a fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataError:
    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.value is not None:
            text += f" (значение: {self.value})"
        if self.hint:
            text += f" — {self.hint}"
        return text


class DataErrors(Exception):
    """All problems found in one run, not just the first."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.field))
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.errors)
        head = f"Найдено ошибок в данных: {n}."
        return "\n".join([head, *(f"  {e}" for e in self.errors)])
