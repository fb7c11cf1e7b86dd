from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the test data set."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


def mkdocs_build(project: Path, site: Path, strict: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # MkDocs prints log records on stderr and its final «Aborted …» message on stdout: merge them
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=project)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout, result.stdout
    return site
