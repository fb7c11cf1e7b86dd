"""Command lines for editors: help and errors in Russian (argparse speaks English by default)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class RussianParser(argparse.ArgumentParser):
    """`argparse.ArgumentParser` whose help and error lines are in Russian; subcommands inherit it."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "использование:")

    def format_help(self) -> str:
        return (super().format_help().replace("usage:", "использование:")
                .replace("positional arguments:", "аргументы:").replace("options:", "параметры:")
                .replace("show this help message and exit", "показать эту справку и выйти"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Ошибка в команде: {message}\n")
