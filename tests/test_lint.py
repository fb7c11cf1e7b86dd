"""The habits of a kept project: ruff (E, F, W, B) and mypy clean, as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import ROOT, prerequisite_missing


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean():
    if shutil.which("ruff") is None:
        prerequisite_missing("ruff is not installed (pip install -e '.[test]')")
    result = _run("ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy_is_clean():
    result = _run("mypy")
    if "No module named mypy" in result.stderr:
        prerequisite_missing("mypy is not installed (pip install -e '.[test]')")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
