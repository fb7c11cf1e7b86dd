"""Data freshness: stale records reported at the campaign's level, and the editors' report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpsite.data import freshness
from helpsite.data import model as m
from helpsite.data.errors import DataErrors
from helpsite.data.load import load

from .conftest import FIXTURE_DATA, NOW, ROOT, mkdocs_build

LATER = dt.date(2027, 10, 15)  # 2026-10-01 (hotline-room) is older than 365 days by then; 2026-11-20 is not


def _with_level(level: str, days: int = 365):
    data = load(FIXTURE_DATA)
    campaign = data.campaign.model_copy(update={"stale_level": m.StaleLevel(level), "stale_after_days": days})
    return dataclasses.replace(data, campaign=campaign)


def test_stale_records_point_at_their_date():
    data = load(FIXTURE_DATA)
    assert freshness.stale_errors(data, NOW.date()) == []
    errors = freshness.stale_errors(data, LATER)
    assert [str(e) for e in errors] == [
        "data/services/hotline-room.yml:12: assured_date: сведения службы «Зелёная комната» не проверялись 379 дн. — "
        "дольше, чем 365 (stale_after_days) (значение: 2026-10-01) — сверьте телефоны, адрес и часы работы (позвоните) "
        "и запишите дату проверки в assured_date"]
    assert len(freshness.stale_errors(data, LATER, max_age_days=30)) == 3  # both helpline and services
    assert freshness.stale_errors(data, dt.date(2028, 1, 1))[0].file == "data/helplines.yml"


@pytest.mark.parametrize("level, logged", [("info", logging.INFO), ("warning", logging.WARNING)])
def test_build_reports_at_the_configured_level(caplog, level: str, logged: int):
    log = logging.getLogger("mkdocs.plugins.helpsite")
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.helpsite"):
        assert freshness.check_build(_with_level(level), LATER, log) == 1
    assert {r.levelno for r in caplog.records} == {logged}
    assert "hotline-room.yml:12: assured_date" in caplog.text and "scripts/report.py" in caplog.text


def test_error_level_stops_the_build():
    with pytest.raises(DataErrors) as exc:
        freshness.check_build(_with_level("error"), LATER, logging.getLogger("test"))
    assert exc.value.errors[0].field == "assured_date"
    assert freshness.check_build(_with_level("error"), NOW.date(), logging.getLogger("test")) == 0


def test_sample_data_is_not_stale_and_defaults_are_safe():
    """The sample build must stay green under --strict: its dates are recent and the level is «info»."""
    campaign = load(ROOT / "data").campaign
    assert campaign.stale_level == m.StaleLevel.info
    fields = m.Campaign.model_fields
    assert fields["stale_level"].default == m.StaleLevel.info and fields["stale_after_days"].default == 365
    from pydantic import ValidationError
    with pytest.raises(ValidationError) as exc:
        m.Campaign.model_validate({**campaign.model_dump(), "stale_after_days": 0})
    assert [e["loc"] for e in exc.value.errors()] == [("stale_after_days",)]


def test_strict_build_stops_on_stale_warning(project_copy: Path):
    project = project_copy
    campaign = project / "data" / "campaign.yml"
    campaign.write_text(re.sub(r"(?m)^stale_level: .*$", "stale_level: warning", campaign.read_text(encoding="utf-8")),
                        encoding="utf-8")
    service = project / "data" / "services" / "sluzhba-sos.yml"
    service.write_text(re.sub(r"(?m)^assured_date: .*$", "assured_date: 2020-01-15", service.read_text(encoding="utf-8")),
                       encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert re.search(r"WARNING\s+-\s+data/services/sluzhba-sos\.yml:\d+: assured_date: сведения службы", result.stdout), result.stdout
    assert not (project / "site").exists()  # strict failure: nothing published


def test_editor_report(tmp_path: Path):
    data = load(FIXTURE_DATA)
    docs = tmp_path / "docs"
    docs.mkdir()
    text = freshness.editor_report(data, LATER, [], docs)
    assert "Устарели (проверены больше 365 дн. назад) или дата проверки в будущем: 1" in text
    assert "служба hotline-room: Зелёная комната — проверено 2026-10-01, 379 дн. назад; data/services/hotline-room.yml:12" in text
    assert "Службы без телефона или часов работы: 1" in text and "hotline-room: Зелёная комната — нет телефона и часов работы" in text
    # crisis-help is a contact in the parent algorithm; hotline-room is only in the catalog…
    assert "Службы, на которые не ссылается ни одна страница, кроме каталога: 1" in text
    # …until a hand-written page links to it
    (docs / "about.md").write_text("См. [комнату](services/hotline-room.md).", encoding="utf-8")
    assert "кроме каталога: нет" in freshness.editor_report(data, LATER, [], docs)
    future = freshness.stale(data, dt.date(2026, 1, 1))
    assert {f.detail.split(" — ")[-1] for f in future} == {"в будущем: опечатка?"}


def test_report_command(tmp_path: Path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "report.py"), "--data", str(target), "--today", "2027-10-15"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Отчёт для редакторов на 2027-10-15: линий помощи 1, служб 2.")
    assert "hotline-room" in run.stdout


def test_a_stale_record_read_by_a_loader_worker_is_named_with_its_line(tmp_path, monkeypatch):
    """A record read in the loader's worker process (its origin is just the path) is placed at its line
    as one read in the build process is."""
    import os

    import helpsite.data.load as load_module

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform: files are read in one process")
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    monkeypatch.setattr(load_module, "PARALLEL_READ_FROM", 1)
    monkeypatch.setattr(load_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(load_module, "_VALID_RECORDS", {})
    data = load_module.load(tmp_path / "data")
    assert any(isinstance(origin.doc, str) for origin in data.origins.values())  # some read by the worker (its path)
    errors = freshness.stale_errors(data, LATER, max_age_days=30)
    assert len(errors) == 3 and all(e.line for e in errors), [str(e) for e in errors]
